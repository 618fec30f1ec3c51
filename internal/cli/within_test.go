package cli

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// TestWithin: a connection that never answers is given up when the
// target's time runs out, with the target's cause; one that answers is
// returned as it is.
func TestWithin(t *testing.T) {
	cause := errors.New("no answer within 50ms")
	ctx, cancel := context.WithTimeoutCause(context.Background(), 50*time.Millisecond, cause)
	defer cancel()
	hang := make(chan struct{})
	defer close(hang)
	start := time.Now()
	c, err := within(ctx, func() (*kube.Clients, error) { <-hang; return &kube.Clients{}, nil })
	if c != nil || !errors.Is(err, cause) || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v, %v after %s", c, err, time.Since(start))
	}
	want := &kube.Clients{Namespace: "a"}
	if c, err := within(context.Background(), func() (*kube.Clients, error) { return want, nil }); c != want || err != nil {
		t.Fatalf("got %v, %v", c, err)
	}
}
