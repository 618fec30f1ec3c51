package common

import (
	"context"
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
)

// RefuseGoverned refuses, for a verb that writes a kind of intent directly
// (a policy, a backup schedule), the workload clusters of the selection
// that a cluster group holding that kind selects: kapp-controller keeps
// the group's intents there, and a direct write is outside what the group
// says. Clusters reached by context are not known to a group; what cannot
// be read here is left for the run itself to report.
func RefuseGoverned(ctx context.Context, f *cli.Factory, sel fleet.Selection, kind string) error {
	if !sel.WorkloadFleet() || sel.ContextFleet() {
		return nil
	}
	mgmt, err := f.Connect(capi.Requirement)
	if err != nil {
		return nil
	}
	api, err := capi.FromServed(mgmt.Served)
	if err != nil {
		return nil
	}
	targets, _, err := fleet.Targets(ctx, mgmt.Dynamic, api, mgmt.Namespace, sel)
	if err != nil {
		return nil
	}
	gov, err := groups.Governing(ctx, mgmt, kind)
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
	return cmdutil.Usagef("cluster group(s) govern %s: kapp-controller holds the group's %s intents there; attach it to the group ('kubectl tko cluster group attach GROUP %s ...'), or pass --force to write it directly; nothing was written",
		strings.Join(governed, ", "), kind, kind)
}
