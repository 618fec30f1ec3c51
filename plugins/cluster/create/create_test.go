package create

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wc.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const config = `CLUSTER_NAME: wc-new
CLUSTER_PLAN: prod
AVI_CONTROL_PLANE_HA_PROVIDER: true
VSPHERE_SERVER: vcsa-01
VSPHERE_USERNAME: administrator@vsphere.local
VSPHERE_PASSWORD: "VMware1!"
VSPHERE_DATACENTER: /dc-01
VSPHERE_DATASTORE: /dc-01/datastore/ds
VSPHERE_NETWORK: /dc-01/network/seg
VSPHERE_RESOURCE_POOL: /dc-01/host/c/Resources
VSPHERE_FOLDER: /dc-01/vm
KUBERNETES_VERSION: v1.30.2+vmware.1
`

func TestCreateWaitEndsWhenTheClusterIsAvailable(t *testing.T) {
	fake, connect := clustertest.Fake(clustertest.ManagementCluster()...)
	clustertest.WatchUntilAvailable(fake, "wc-new", 3, 3)
	streams, _, out, errOut := cmdutil.TestStreams(true)
	cmd := newCmd(cli.NewFactory(), &Options{Streams: streams, Output: cli.NewOutputFlags(), Waiting: common.NewWaiting(10 * time.Second), Connect: connect})
	cmd.SetArgs([]string{"-f", writeConfig(t, config), "--wait"})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("%v\nstderr: %s", err, errOut)
	}
	if out.String() != "cluster.cluster.x-k8s.io/wc-new created\n" {
		t.Errorf("stdout %q", out)
	}
	for _, want := range []string{"Available: control plane 3/3 ready, workers 3/3 ready", "cluster default/wc-new is Available\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	created, err := fake.Resource(clustertest.API.Clusters()).Namespace("default").Get(ctx, "wc-new", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := created.MarshalJSON()
	if strings.Contains(string(raw), "VMware1!") || strings.Contains(string(raw), "administrator@") {
		t.Errorf("credentials reached the Cluster: %s", raw)
	}
}

func TestCreateRefusesFlagsBeforeConnecting(t *testing.T) {
	connected := false
	streams, _, _, _ := cmdutil.TestStreams(false)
	for _, args := range [][]string{{}, {"-f", "x.yaml", "--wait", "--dry-run"}, {"-f", "x.yaml", "--dry-run=maybe"}} {
		cmd := newCmd(cli.NewFactory(), &Options{Streams: streams, Output: cli.NewOutputFlags(), Connect: func() (*common.Client, error) {
			connected = true
			return nil, nil
		}})
		cmd.SetArgs(args)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
	if connected {
		t.Error("a refused command connected")
	}
}
