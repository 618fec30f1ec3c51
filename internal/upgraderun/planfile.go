package upgraderun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// ParsePlan reads an UpgradePlan document (YAML or JSON) as 'upgrade plan
// -o yaml' writes it; whatever does not make sense is a problem at its line.
func ParsePlan(file string, raw []byte) (*upgradeplan.Plan, error) {
	docs, err := yamldoc.Parse(file, raw)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, &errs.InputError{File: file, Err: fmt.Errorf("holds %d documents: give the one UpgradePlan 'kubectl tko cluster upgrade plan -o yaml' printed", len(docs))}
	}
	d := docs[0]
	var ps []errs.Problem
	problem := func(msg string, path ...any) {
		dotted := make([]string, len(path))
		for i, p := range path {
			dotted[i] = fmt.Sprint(p)
		}
		ps = append(ps, errs.Problem{File: file, Line: d.Line(path...), Path: strings.Join(dotted, "."), Message: msg})
	}
	m, ok := d.Data.(map[string]any)
	if !ok {
		return nil, &errs.InputError{File: file, Line: d.Node.Line, Err: errors.New("not an UpgradePlan: expected a mapping with kind: UpgradePlan")}
	}
	if m["kind"] != upgradeplan.Kind || m["apiVersion"] != upgradeplan.APIVersion {
		return nil, &errs.InputError{File: file, Line: d.Line("kind"), Field: "kind",
			Err: fmt.Errorf("not an UpgradePlan: expected apiVersion %s and kind %s, as 'kubectl tko cluster upgrade plan -o yaml' writes", upgradeplan.APIVersion, upgradeplan.Kind)}
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, &errs.InputError{File: file, Err: err}
	}
	var p upgradeplan.Plan
	if err := json.Unmarshal(body, &p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			path := []any{}
			for _, f := range strings.Split(te.Field, ".") {
				path = append(path, f)
			}
			problem(fmt.Sprintf("expected a %s, not a %s", te.Type, te.Value), path...)
			return nil, errs.Problems(file, "upgraded", ps)
		}
		return nil, &errs.InputError{File: file, Err: err}
	}
	known := map[string]int{}
	for i, c := range p.Clusters {
		if c.Namespace == "" || c.Name == "" {
			problem("a cluster needs a namespace and a name", "clusters", i)
			continue
		}
		known[c.Key()] = i
		for j, s := range c.Steps {
			if _, err := capi.ParseVersion(s.KubernetesVersion); err != nil {
				problem(fmt.Sprintf("kubernetesVersion %q is not a version", s.KubernetesVersion), "clusters", i, "steps", j, "kubernetesVersion")
			}
		}
	}
	seen := map[string]bool{}
	for i, w := range p.Waves {
		for j, key := range w.Clusters {
			ci, ok := known[key]
			switch {
			case !ok:
				problem(fmt.Sprintf("wave %d names %s, which is not among the plan's clusters", w.Number, key), "waves", i, "clusters", j)
			case seen[key]:
				problem(fmt.Sprintf("%s is in more than one wave", key), "waves", i, "clusters", j)
			case p.Clusters[ci].Blocked():
				problem(fmt.Sprintf("%s is blocked (%s) and cannot be in a wave: fix the blocker and plan again", key, p.Clusters[ci].Blockers[0].Code), "waves", i, "clusters", j)
			case len(p.Clusters[ci].Steps) == 0:
				problem(fmt.Sprintf("%s has no steps and cannot be in a wave", key), "waves", i, "clusters", j)
			}
			seen[key] = true
		}
		if w.Number != i+1 {
			problem(fmt.Sprintf("wave number %d out of order: expected %d", w.Number, i+1), "waves", i, "number")
		}
	}
	if len(ps) > 0 {
		return nil, errs.Problems(file, "upgraded", ps)
	}
	return &p, nil
}

// StalePlanError refuses a plan made before the clusters last changed.
type StalePlanError struct{ Changed []string }

func (e *StalePlanError) Error() string {
	return "the plan is older than the clusters: " + strings.Join(e.Changed, "; ") + ": plan again (kubectl tko cluster upgrade plan ... -o yaml > plan.yaml)"
}

// Class implements errs.Classed.
func (e *StalePlanError) Class() errs.Class { return errs.ClassInvalid }

// CheckFresh refuses a plan whose clusters in a wave changed since it was
// made (their version or their resourceVersion).
func CheckFresh(ctx context.Context, ops Ops, r *Run) error {
	rv := map[string]string{}
	for _, c := range r.Plan.Clusters {
		rv[c.Key()] = c.ResourceVersion
	}
	var changed []string
	for i := range r.Clusters {
		c := &r.Clusters[i]
		obs, err := ops.Read(ctx, c)
		var nf *errs.NotFoundError
		switch {
		case errors.As(err, &nf):
			changed = append(changed, c.Cluster+" no longer exists")
		case err != nil:
			return err
		case obs.Version != c.From:
			changed = append(changed, fmt.Sprintf("%s runs %s, the plan has %s", c.Cluster, obs.Version, c.From))
		case rv[c.Cluster] != "" && obs.ResourceVersion != rv[c.Cluster]:
			changed = append(changed, fmt.Sprintf("%s changed since (resourceVersion %s, the plan has %s)", c.Cluster, obs.ResourceVersion, rv[c.Cluster]))
		}
	}
	if len(changed) > 0 {
		return &StalePlanError{Changed: changed}
	}
	return nil
}
