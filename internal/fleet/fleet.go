// Package fleet runs one operation against many clusters at once, so that a
// fleet view costs the time of the slowest cluster, not the sum of them, and
// one unreachable cluster never hides the others.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Result is the outcome for one target, in the order targets were given.
type Result[T any] struct {
	Target string
	Value  T
	Err    error
}

// DefaultParallel is how many targets a fleet run reaches at once. Fleet
// work waits on the network, not on this machine: every target of an
// estate at once, so a hundred clusters at WAN distance take about the
// time of one; bounded by the open files a connection each takes (an
// eighth of the limit, between 16 and 1,024) and by the client's CPU. A
// target costs about 2 ms of CPU over several round trips, so 128 targets
// per core keep the cores busy even at long distances; more at once only
// queue their TLS handshakes behind each other and hold more connections
// (docs/performance.md).
func DefaultParallel() int {
	return min(max(openFileLimit()/8, 16), 1024, max(16, 128*runtime.GOMAXPROCS(0)))
}

// Options bounds the fan-out.
type Options struct {
	Parallel int           // at most this many targets at once (default DefaultParallel())
	Timeout  time.Duration // per target; 0 for none
}

// Run calls fn for every target concurrently and collects every result.
// It returns when all targets are done or ctx ends; targets not started
// when ctx ends report ctx's error.
func Run[T any](ctx context.Context, targets []string, opts Options, fn func(ctx context.Context, target string) (T, error)) []Result[T] {
	return RunEach(ctx, targets, opts, fn, nil)
}

// RunEach is Run that also hands each result to each as soon as its target
// is done, one call at a time, so a terminal can show the targets that
// answered while others are pending.
func RunEach[T any](ctx context.Context, targets []string, opts Options, fn func(ctx context.Context, target string) (T, error), each func(i int, r Result[T])) []Result[T] {
	var eachMu sync.Mutex
	done := func(i int, r Result[T]) {
		if each != nil {
			eachMu.Lock()
			defer eachMu.Unlock()
			each(i, r)
		}
	}
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel()
	}
	if len(targets) > 1 {
		defer burstGC()()
	}
	results := make([]Result[T], len(targets))
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, target := range targets {
		results[i].Target = target
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			results[i].Err = context.Cause(ctx)
			done(i, results[i])
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			tctx, cancel := ctx, context.CancelFunc(func() {})
			if opts.Timeout > 0 {
				tctx, cancel = context.WithTimeoutCause(ctx, opts.Timeout, fmt.Errorf("no answer within %s", opts.Timeout))
			}
			defer cancel()
			results[i].Value, results[i].Err = fn(tctx, target)
			if err := results[i].Err; err != nil && tctx.Err() != nil && ctx.Err() == nil && !errors.Is(err, context.Cause(tctx)) {
				results[i].Err = fmt.Errorf("%w: %w", context.Cause(tctx), results[i].Err)
			}
			done(i, results[i])
		}()
	}
	wg.Wait()
	return results
}
