package scale

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// run executes `cluster scale ARGS` as the CLI does, on the given connector.
func run(t *testing.T, tty bool, connect common.Connector, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	streams, _, out, errOut := cmdutil.TestStreams(tty)
	cmd := newCmd(cli.NewFactory(), &Options{One: common.One{Streams: streams, Connect: connect}, Waiting: common.NewWaiting(10 * time.Second)})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestScaleRefusesEvenControlPlaneBeforeAnyRequest(t *testing.T) {
	fake, connect := clustertest.Fake(clustertest.Cluster("wc-1", 3, 1))
	_, _, err := run(t, false, connect, "wc-1", "--controlplane", "2")
	if err == nil || !strings.Contains(err.Error(), "--controlplane 2: use an odd number") {
		t.Fatalf("err = %v, want the odd-number refusal", err)
	}
	if actions := fake.Actions(); len(actions) != 0 {
		t.Errorf("a refused scale made %d request(s): %v", len(actions), actions)
	}
}

func TestScaleDryRunPrintsTheChange(t *testing.T) {
	_, connect := clustertest.Fake(clustertest.Cluster("wc-1", 3, 1))
	out, _, err := run(t, false, connect, "wc-1", "--worker", "4", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"cluster.cluster.x-k8s.io/wc-1 would change (dry run)\n",
		"  spec.topology.workers.machineDeployments[md-0].replicas: 1 → 4\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout %q lacks %q", out, want)
		}
	}
}

func TestScaleUnchanged(t *testing.T) {
	_, connect := clustertest.Fake(clustertest.Cluster("wc-1", 3, 1))
	out, _, err := run(t, false, connect, "wc-1", "--controlplane", "3")
	if err != nil || out != "cluster.cluster.x-k8s.io/wc-1 unchanged\n" {
		t.Errorf("out %q, err %v", out, err)
	}
}

// TestScaleWait follows kubectl's wait tests: a watch reactor delivers the
// event that makes the Cluster Available. On a terminal the progress goes
// to standard error; elsewhere the wait is silent until it ends.
func TestScaleWait(t *testing.T) {
	for _, tt := range []struct {
		tty    bool
		stderr []string
	}{
		{true, []string{"  Available: control plane 5/5 ready, workers 1/1 ready\n", "cluster default/wc-1 is Available\n"}},
		{false, []string{"cluster default/wc-1 is Available\n"}},
	} {
		cluster := clustertest.Cluster("wc-1", 3, 1)
		fake, connect := clustertest.Fake(cluster)
		clustertest.WatchUntilAvailable(fake, "wc-1", 5, 1)
		out, errOut, err := run(t, tt.tty, connect, "wc-1", "--controlplane", "5", "--wait")
		if err != nil {
			t.Fatalf("tty=%v: %v\nstderr: %s", tt.tty, err, errOut)
		}
		if !strings.Contains(out, "cluster.cluster.x-k8s.io/wc-1 changed:\n  spec.topology.controlPlane.replicas: 3 → 5\n") {
			t.Errorf("tty=%v: stdout %q", tt.tty, out)
		}
		if !tt.tty && errOut != tt.stderr[0] {
			t.Errorf("without a terminal stderr is %q, want only %q", errOut, tt.stderr[0])
		}
		for _, want := range tt.stderr {
			if !strings.Contains(errOut, want) {
				t.Errorf("tty=%v: stderr %q lacks %q", tt.tty, errOut, want)
			}
		}
		if actions := fake.Actions(); actions[len(actions)-1].GetVerb() != "watch" {
			t.Errorf("tty=%v: --wait did not end on a watch: %v", tt.tty, actions)
		}
	}
}
