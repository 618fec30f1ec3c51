package fleet

import (
	"context"
	"errors"
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
