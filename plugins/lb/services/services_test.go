package services

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// TestWideShowsTheNewestEvent: -o wide gives a pending Service the reason
// and message of the newest Event on it; others get a dash.
func TestWideShowsTheNewestEvent(t *testing.T) {
	now := time.Now()
	pending := lb.Service{Namespace: "team-a", Name: "svc-pending", Implementation: lb.ImplAKO, Created: now,
		Cause: "AKO reports SyncError: no free IP address", Events: []lb.Event{
			{Type: "Warning", Source: lb.AKOComponent, Reason: "SyncError", Message: "no free IP address\n in pool acc-vip", Last: now},
			{Type: "Normal", Source: lb.AKOComponent, Reason: "Added", Message: "queued", Last: now.Add(-time.Hour)},
		}}
	served := lb.Service{Namespace: "team-a", Name: "web", Implementation: lb.ImplAKO, Ingress: []string{"10.99.0.12"}, Created: now}
	streams, _, out, _ := cmdutil.TestStreams(false)
	o := &Options{ScanOptions: common.NewScanOptions(cli.NewFactory(), streams)}
	cmd := &cobra.Command{Use: "services"}
	o.AddFlags(cmd)
	if err := cmd.ParseFlags([]string{"-o", "wide"}); err != nil {
		t.Fatal(err)
	}
	if err := o.print([]Row{{Service: pending}, {Service: served}}, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.Contains(lines[0], "CLASS\tEVENT\tCAUSE") {
		t.Errorf("header: %q", lines[0])
	}
	if !strings.Contains(lines[1], "svc-pending\tAKO\t-\t<pending>\t") || !strings.Contains(lines[1], "\t-\tSyncError: no free IP address in pool acc-vip\tAKO reports SyncError") {
		t.Errorf("pending row: %q", lines[1])
	}
	if !strings.Contains(lines[2], "web\tAKO\t-\t10.99.0.12\t") || !strings.HasSuffix(lines[2], "\t-\t-\t-\t-") {
		t.Errorf("served row: %q", lines[2])
	}
}
