package cluster

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/audit"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/availableupgrades"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/create"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/describe"
	kubeconfigget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/kubeconfig/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/list"
	mhcdelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc/delete"
	mhcget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc/get"
	mhcset "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc/set"
	pooldelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool/delete"
	poollist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool/list"
	poolset "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool/set"
	policyapply "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/apply"
	policydelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/delete"
	policyget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/get"
	policylist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/list"
	policyrecipes "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/recipes"
	policystatus "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/status"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/scale"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade"
)

// Every verb's Options has the one shape: Complete, Validate, Run.
var _ = []cli.Verb{
	&list.Options{}, &describe.Options{}, &create.Options{}, &scale.Options{}, &upgrade.Options{},
	&availableupgrades.Options{}, &delete.Options{}, &kubeconfigget.Options{}, &mhcget.Options{},
	&mhcset.Options{}, &mhcdelete.Options{}, &poollist.Options{}, &poolset.Options{}, &pooldelete.Options{},
	&audit.Options{}, &policyrecipes.Options{}, &policyapply.Options{}, &policylist.Options{}, &policyget.Options{},
	&policystatus.Options{}, &policydelete.Options{},
}

// The split into one package per verb keeps every command name and alias.
func TestEveryVerbIsWired(t *testing.T) {
	root := &cobra.Command{Use: "cluster"}
	streams, _, _, _ := cmdutil.TestStreams(false)
	Plugin().Build(root, cli.NewFactory(), streams)
	for _, path := range [][]string{
		{"list"}, {"ls"}, {"describe"}, {"get"}, {"create"}, {"scale"}, {"upgrade"}, {"available-upgrades"}, {"delete"},
		{"kubeconfig", "get"}, {"mhc", "get"}, {"mhc", "set"}, {"mhc", "delete"}, {"machinehealthcheck", "get"},
		{"node-pool", "list"}, {"node-pool", "set"}, {"node-pool", "delete"}, {"nodepool", "list"}, {"np", "set"}, {"audit"},
		{"policy", "recipes"}, {"policy", "apply"}, {"policy", "list"}, {"policy", "get"}, {"policy", "status"}, {"policy", "diff"}, {"policy", "delete"},
		{"backup", "logs"}, {"backup", "schedule", "pause"}, {"backup", "schedule", "unpause"}, {"backup", "locations", "get"},
		{"restore", "create"}, {"restore", "list"}, {"restore", "get"}, {"restore", "logs"},
	} {
		cmd, rest, err := root.Find(path)
		if err != nil || len(rest) != 0 || cmd == root || cmd.RunE == nil {
			t.Errorf("%v: %v (rest %v)", path, err, rest)
		}
	}
}
