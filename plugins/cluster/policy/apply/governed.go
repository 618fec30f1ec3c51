package apply

import (
	"context"
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
)

// refuseGoverned refuses workload clusters that a cluster group holds
// policies in: kapp-controller keeps the group's objects there, and a
// policy applied directly is outside what the group says. --force
// applies anyway. Clusters named by context are not known to a group
// here; what cannot be read is left for the run itself to report.
func (o *Options) refuseGoverned(ctx context.Context) error {
	if o.Force || !o.Selection.WorkloadFleet() || o.Selection.ContextFleet() {
		return nil
	}
	mgmt, err := o.Factory.Connect(capi.Requirement)
	if err != nil {
		return nil
	}
	api, err := capi.FromServed(mgmt.Served)
	if err != nil {
		return nil
	}
	targets, _, err := fleet.Targets(ctx, mgmt.Dynamic, api, mgmt.Namespace, o.Selection)
	if err != nil {
		return nil
	}
	gov, err := groups.Governing(ctx, mgmt)
	if err != nil || len(gov) == 0 {
		return nil
	}
	var governed []string
	for _, t := range targets {
		if gs := gov[t.Namespace+"/"+t.Name]; len(gs) > 0 {
			governed = append(governed, fmt.Sprintf("%s/%s (group %s)", t.Namespace, t.Name, strings.Join(gs, ", ")))
		}
	}
	if len(governed) == 0 {
		return nil
	}
	return errs.Invalidf("cluster group(s) govern %s: kapp-controller holds the group's policies there; attach the policy to the group ('kubectl tko cluster group attach GROUP policy ...'), or pass --force to apply it directly; nothing was applied",
		strings.Join(governed, ", "))
}
