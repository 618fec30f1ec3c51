package fleet

import (
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunKeepsOrderAndErrors(t *testing.T) {
	var running, peak atomic.Int32
	targets := []string{"a", "slow", "b", "broken", "c"}
	results := Run(context.Background(), targets, Options{Parallel: 2, Timeout: 200 * time.Millisecond}, func(ctx context.Context, target string) (string, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		switch target {
		case "broken":
			return "", errors.New("connection refused")
		case "slow":
			<-ctx.Done()
			return "", ctx.Err()
		}
		return "ok-" + target, nil
	})
	if len(results) != len(targets) {
		t.Fatalf("got %d results", len(results))
	}
	for i, r := range results {
		if r.Target != targets[i] {
			t.Errorf("result %d is %s, want %s", i, r.Target, targets[i])
		}
	}
	if results[0].Value != "ok-a" || results[4].Value != "ok-c" {
		t.Errorf("values: %+v", results)
	}
	if results[3].Err == nil || results[1].Err == nil || !strings.Contains(results[1].Err.Error(), "no answer within 200ms") {
		t.Errorf("errors: broken=%v slow=%v", results[3].Err, results[1].Err)
	}
	if peak.Load() > 2 {
		t.Errorf("ran %d at once, limit 2", peak.Load())
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results := Run(ctx, []string{"a", "b"}, Options{Parallel: 1}, func(ctx context.Context, _ string) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	})
	for _, r := range results {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: %v, want cancelled", r.Target, r.Err)
		}
	}
}

// TestDefaultParallel: a hundred targets go at once on any machine, and
// the bound follows the cores, within 16 and 1,024.
func TestDefaultParallel(t *testing.T) {
	p := DefaultParallel()
	if p < 16 || p > 1024 {
		t.Errorf("DefaultParallel() = %d, want within 16 and 1024", p)
	}
	if openFileLimit() >= 1024 && p < 100 {
		t.Errorf("DefaultParallel() = %d: a hundred contexts would go in waves", p)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if p := DefaultParallel(); p != min(max(openFileLimit()/8, 16), 128) {
		t.Errorf("on one core DefaultParallel() = %d, want at most 128", p)
	}
}

// TestRunCollectsLess: while a fleet run lasts the collector lets the heap
// grow further, and the setting is back afterwards; a GOGC the user set
// is left alone.
func TestRunCollectsLess(t *testing.T) {
	during := func() int {
		var got int
		Run(context.Background(), []string{"a", "b"}, Options{Parallel: 1}, func(context.Context, string) (int, error) {
			got = debug.SetGCPercent(-1)
			debug.SetGCPercent(got)
			return 0, nil
		})
		return got
	}
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	if os.Getenv("GOGC") == "" {
		if got := during(); got != 400 {
			t.Errorf("GC percent during a run %d, want 400", got)
		}
	}
	if after := debug.SetGCPercent(100); after != 100 {
		t.Errorf("GC percent after a run %d, want 100 back", after)
	}
	t.Setenv("GOGC", "100")
	if got := during(); got != 100 {
		t.Errorf("GC percent during a run with GOGC set %d, want 100", got)
	}
}
