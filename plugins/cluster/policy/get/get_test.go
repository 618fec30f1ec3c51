package get

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// TestFleetOutput: the clusters that have the policy print one document
// each, naming the cluster; those without it are a note; a failed one an
// error line.
func TestFleetOutput(t *testing.T) {
	p := &policy.Policy{APIVersion: policy.APIVersion, Kind: policy.Kind, Spec: policy.Spec{Type: policy.TypeSecurity, Recipe: "baseline"}}
	p.Metadata.Name = "sec"
	results := []common.Outcome[*policy.Policy]{
		{Target: "default/wc-1", Value: p},
		{Target: "default/wc-2", Err: policy.NotFound("sec")},
		{Target: "team-a/wc-3", Value: p},
	}
	for _, format := range []string{"yaml", "json"} {
		streams, _, out, errOut := cmdutil.TestStreams(false)
		o := &Options{PolicyOptions: common.NewPolicyOptions(cli.NewFactory(), streams), Name: "sec"}
		cmd := &cobra.Command{Use: "get"}
		o.AddFlags(cmd)
		if err := cmd.ParseFlags([]string{"-o", format}); err != nil {
			t.Fatal(err)
		}
		outcomes := cli.NewFleetReport(fleet.Selection{AllWorkloadClusters: true}, results)
		found := common.Present(errOut, o.Name, outcomes)
		if len(found) != 2 || outcomes.Failed() != 0 {
			t.Fatalf("found %d, failed %d", len(found), outcomes.Failed())
		}
		if err := o.print(out, found); err != nil {
			t.Fatal(err)
		}
		if got := errOut.String(); got != "cluster default/wc-2: policy sec is not applied there\n" {
			t.Errorf("notes: %q", got)
		}
		switch format {
		case "yaml":
			docs := strings.Split(out.String(), "---\n")
			if len(docs) != 2 || !strings.Contains(docs[0], "tko.tanzu.vmware.com/context: default/wc-1") || !strings.Contains(docs[1], "tko.tanzu.vmware.com/context: team-a/wc-3") {
				t.Errorf("YAML stream:\n%s", out)
			}
		case "json":
			var list struct {
				Kind  string
				Items []policy.Policy
			}
			if err := json.Unmarshal(out.Bytes(), &list); err != nil {
				t.Fatal(err)
			}
			if list.Kind != "List" || len(list.Items) != 2 || list.Items[1].Metadata.Annotations["tko.tanzu.vmware.com/context"] != "team-a/wc-3" {
				t.Errorf("List: %s", out)
			}
		}
	}
	if p.Metadata.Annotations != nil {
		t.Errorf("printing changed the policy: %v", p.Metadata.Annotations)
	}
}
