package apply

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	groupcommon "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Run checks on every target, then applies on every target.
func (o *Options) Run(ctx context.Context) error {
	if !o.Force {
		if err := groupcommon.RefuseGoverned(ctx, o.Factory, o.Selection, groups.KindPolicy); err != nil {
			return err
		}
	}
	if o.DryRun.Client() {
		return o.printClient(ctx)
	}
	// Every target checks every object first; nothing is changed anywhere
	// unless all of them pass.
	checked, err := common.Run(ctx, &o.PolicyOptions, func(ctx context.Context, c *kube.Clients) (*policy.Result, error) {
		return o.applyAll(ctx, c, true)
	})
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return &errs.StepError{Where: "interrupted while the clusters checked the policy: nothing was applied on any cluster", Err: context.Cause(ctx)}
	}
	checked.FailAlways = true
	checked.Warn(o.Streams.ErrOut)
	if n := checked.Failed(); n > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "%d of %d cluster(s) refused the policy: nothing was applied\n", n, len(checked.Results))
		return checked.Exit()
	}
	if o.DryRun.Server() {
		return o.print(checked.Results, true)
	}
	done, err := common.Run(ctx, &o.PolicyOptions, func(ctx context.Context, c *kube.Clients) (*policy.Result, error) {
		return o.applyAll(ctx, c, false)
	})
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return interrupted(ctx, done.Results)
	}
	if err := o.print(done.Results, false); err != nil {
		return err
	}
	done.FailAlways = true
	done.Warn(o.Streams.ErrOut)
	return done.Exit()
}

// applyAll plans every policy on one cluster and applies them together:
// one failure rolls back every policy of the run there. With dryRun the
// API server checks every object and stores nothing.
func (o *Options) applyAll(ctx context.Context, c *kube.Clients, dryRun bool) (*policy.Result, error) {
	dyn, warnings, err := policy.WarningClient(c)
	if err != nil {
		return nil, err
	}
	plans := make([]*policy.Plan, len(o.policies))
	for i, p := range o.policies {
		if plans[i], err = policy.PlanOn(ctx, dyn, p); err != nil {
			return nil, err
		}
	}
	res, err := policy.Apply(ctx, dyn, plans, dryRun)
	if err != nil {
		return nil, err
	}
	res.Warnings = warnings.Take()
	for _, plan := range plans {
		quota, err := policy.QuotaWarnings(ctx, dyn, plan)
		if err != nil {
			return nil, err
		}
		res.Warnings = append(res.Warnings, quota...)
	}
	return res, nil
}

func (o *Options) print(outcomes []common.Outcome[*policy.Result], dryRun bool) error {
	if !o.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, oc := range outcomes {
			if oc.Err == nil {
				for _, a := range oc.Value.Actions {
					objs = append(objs, a.Object)
				}
			}
		}
		return o.Output.PrintObjects(o.Streams.Out, objs, false)
	}
	for _, oc := range outcomes {
		if oc.Err != nil {
			continue
		}
		if o.FleetView() {
			fmt.Fprintf(o.Streams.Out, "cluster %s:\n", common.Name(oc.Target))
		}
		for _, a := range oc.Value.Actions {
			fmt.Fprint(o.Streams.Out, indent(o.FleetView()))
			if err := cli.PrintAction(o.Streams.Out, a.Object, a.Verb, dryRun); err != nil {
				return err
			}
		}
		for _, w := range oc.Value.Warnings {
			fmt.Fprintf(o.Streams.ErrOut, "Warning: %s%s\n", clusterPrefix(oc.Target), w)
		}
	}
	return nil
}

// interrupted says, for a fleet apply stopped by Ctrl-C, where the
// policies are whole and where not: a cluster the interrupt caught in the
// middle was rolled back.
func interrupted(ctx context.Context, done []common.Outcome[*policy.Result]) error {
	var whole, not []string
	for _, oc := range done {
		if oc.Err == nil {
			whole = append(whole, common.Name(oc.Target))
		} else {
			not = append(not, common.Name(oc.Target))
		}
	}
	return &errs.StepError{Where: fmt.Sprintf("applied on: %s; not applied (rolled back or not started) on: %s", errs.OrNone(whole), errs.OrNone(not)), Err: context.Cause(ctx)}
}

func indent(fleetView bool) string {
	if fleetView {
		return "  "
	}
	return ""
}

func clusterPrefix(cluster string) string {
	if cluster == "" {
		return ""
	}
	return "cluster " + cluster + ": "
}

// printClient prints the objects of each policy as they would be on each
// target (the namespaces of the scope are read from the cluster), and what
// applying each would do to the object there.
func (o *Options) printClient(ctx context.Context) error {
	outcomes, err := common.Run(ctx, &o.PolicyOptions, func(ctx context.Context, c *kube.Clients) ([]policy.Action, error) {
		var actions []policy.Action
		for _, p := range o.policies {
			plan, err := policy.PlanOn(ctx, c.Dynamic, p)
			if err != nil {
				return nil, err
			}
			planned, err := policy.Preview(ctx, c.Dynamic, plan)
			if err != nil {
				return nil, err
			}
			actions = append(actions, planned...)
		}
		return actions, nil
	})
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		var all []*unstructured.Unstructured
		for _, oc := range outcomes.Results {
			for _, a := range oc.Value {
				all = append(all, a.Object)
			}
		}
		if err := o.Output.PrintObjects(o.Streams.Out, all, false); err != nil {
			return err
		}
	} else {
		for _, oc := range outcomes.Results {
			for _, a := range oc.Value {
				fmt.Fprint(o.Streams.Out, clusterPrefix(oc.Target))
				if err := cli.PrintAction(o.Streams.Out, a.Object, a.Verb, true); err != nil {
					return err
				}
			}
		}
	}
	outcomes.FailAlways = true
	outcomes.Warn(o.Streams.ErrOut)
	return outcomes.Exit()
}
