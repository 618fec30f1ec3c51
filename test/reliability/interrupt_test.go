package reliability

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// Nothing runs Cluster API controllers here, so a --wait for a changed
// Cluster never ends by itself: the test decides how it ends.

// TestInterruptDuringWait: SIGINT and SIGTERM end a --wait with exit 5 and
// one line saying what to do; the change was complete before the wait, so a
// rerun finds nothing left to do.
func TestInterruptDuringWait(t *testing.T) {
	e := suite.New(t)
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		workers := []string{"4", "5"}[i]
		args := []string{"scale", "wc-prod-1", "--node-pool", "md-1", "--worker", workers, "--wait", "--timeout", "1m"}
		check(t, e.Plugin("kubectl-tko-cluster", args...).SignalAfter(1500*time.Millisecond, sig).Run(),
			explain.ExitInterrupted, "interrupted: nothing further was changed; rerun the command to continue")
		r := e.Plugin("kubectl-tko-cluster", "scale", "wc-prod-1", "--node-pool", "md-1", "--worker", workers).Run()
		figure.cases.Add(1)
		if r.Code != 0 || r.Stdout != "cluster.cluster.x-k8s.io/wc-prod-1 unchanged\n" {
			figure.failures.Add(1)
			t.Errorf("a rerun after %v does not converge: %s%s", sig, r.Stdout, r.Stderr)
		}
	}
}

// TestAPIServerGoneDuringWait: the API server stops in the middle of a
// --wait and comes back on the same etcd. The wait ends at its timeout
// naming what it waited for; after the restart a rerun converges and
// nothing was duplicated.
func TestAPIServerGoneDuringWait(t *testing.T) {
	e := suite.New(t)
	before := versions(t)
	cmd := e.Plugin("kubectl-tko-cluster", "scale", "wc-prod-1", "--node-pool", "md-1", "--worker", "6", "--wait", "--timeout", "6s")
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(1500 * time.Millisecond)
		suite.CP.StopAPIServer()
	}()
	r := cmd.Run()
	<-done
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := suite.CP.RestartAPIServer(ctx); err != nil {
		t.Fatalf("restarting the API server: %v", err)
	}
	check(t, r, explain.ExitTimeout, "waiting for cluster default/wc-prod-1 to become Available")
	rerun := e.Plugin("kubectl-tko-cluster", "scale", "wc-prod-1", "--node-pool", "md-1", "--worker", "6").Run()
	figure.cases.Add(1)
	if rerun.Code != 0 || rerun.Stdout != "cluster.cluster.x-k8s.io/wc-prod-1 unchanged\n" {
		figure.failures.Add(1)
		t.Errorf("a rerun after the restart does not converge: %s%s", rerun.Stdout, rerun.Stderr)
	}
	after := versions(t)
	if len(after) != len(before) {
		figure.leakedObjects.Add(int64(len(after) - len(before)))
		t.Errorf("clusters before %d, after %d", len(before), len(after))
	}
}
