// Package policy is `kubectl tko cluster policy`: Tanzu Mission
// Control-style policies enforced by each cluster's own API server. Each
// verb is a package of its own.
package policy

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/apply"
	policydelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/recipes"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/status"
)

// NewCmd returns the policy noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Security, image registry, network and quota policies across clusters, enforced by the API server",
		Long: cmdutil.LongDesc(`
			Centralized policies in the manner of Tanzu Mission Control, applied to one
			cluster or a fleet and enforced by each cluster's own API server: Pod Security
			Admission, ValidatingAdmissionPolicies, NetworkPolicies, ResourceQuotas and
			LimitRanges. No controller is installed. See docs/cluster-policies.md.`),
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(recipes.NewCmd(f, streams), apply.NewCmd(f, streams), list.NewCmd(f, streams), get.NewCmd(f, streams),
		status.NewCmd(f, streams), policydelete.NewCmd(f, streams))
	return cmd
}
