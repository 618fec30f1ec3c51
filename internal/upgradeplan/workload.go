package upgradeplan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

var pdbs = schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}

func isNotServed(err error) bool { return apierrors.IsNotFound(err) }

// workloadInput is what a workload cluster is checked against.
type workloadInput struct {
	cluster         *Cluster
	final, kapp     string
	maxAge          time.Duration
	veleroNamespace string
	now             time.Time
}

type workloadFindings struct{ blockers, warnings []Finding }

// readWorkloads reads each workload cluster that has steps, in parallel
// within the fleet bounds, and adds its findings to its row. A cluster
// that cannot be reached is a blocker, never the end of the plan.
func readWorkloads(ctx context.Context, src Source, plan *Plan, o Options, kapp map[string]string) {
	var keys []string
	idx := map[string]int{}
	for i, c := range plan.Clusters {
		if len(c.Steps) == 0 {
			continue
		}
		keys = append(keys, c.Key())
		idx[c.Key()] = i
	}
	results := fleet.Run(ctx, keys, o.Fleet, func(ctx context.Context, key string) (workloadFindings, error) {
		c := &plan.Clusters[idx[key]]
		wc, err := src.Connect(ctx, c.Namespace, c.Name)
		if err != nil {
			return workloadFindings{}, err
		}
		in := workloadInput{cluster: c, final: c.Final(), kapp: kapp[c.Steps[len(c.Steps)-1].TKR], maxAge: o.BackupMaxAge,
			veleroNamespace: o.VeleroNamespace, now: o.Now}
		return readWorkload(ctx, wc, in)
	})
	for _, r := range results {
		c := &plan.Clusters[idx[r.Target]]
		if r.Err != nil {
			c.block(unreachable(c, r.Err))
			continue
		}
		c.Blockers = append(c.Blockers, r.Value.blockers...)
		c.Warnings = append(c.Warnings, r.Value.warnings...)
	}
}

func unreachable(c *Cluster, err error) Finding {
	var nf *errs.NotFoundError
	if errors.As(err, &nf) {
		return Finding{Code: CodeNotProvisioned, Object: "Secret/" + c.Namespace + "/" + c.Name + "-kubeconfig",
			Cause: "no kubeconfig Secret: the cluster's control plane is not up, so nothing in it can be checked",
			Fix:   fmt.Sprintf("let the cluster finish provisioning (kubectl tko cluster describe %s -n %s), then plan again", c.Name, c.Namespace)}
	}
	return Finding{Code: CodeUnreachable, Object: c.Kind + "/" + c.Key(),
		Cause: "the workload cluster cannot be read: " + err.Error(),
		Fix:   "check that its API server answers (kubectl tko cluster kubeconfig get " + c.Name + " -n " + c.Namespace + "), then plan again"}
}

// readWorkload checks one workload cluster: deprecated APIs in use,
// PodDisruptionBudgets, installed packages and its backups. What cannot be
// read (forbidden, say) is a warning naming it; only an API server that
// does not answer at all fails the cluster.
func readWorkload(ctx context.Context, wc *kube.Clients, in workloadInput) (workloadFindings, error) {
	var out workloadFindings
	disc, err := kube.NewDiscovery(wc.Config)
	if err != nil {
		return out, err
	}
	groups, err := disc.ServerGroups()
	if err != nil {
		return out, fmt.Errorf("discovering its APIs: %w", err)
	}
	served := map[string]bool{}
	for _, g := range groups.Groups {
		served[g.Name] = true
	}
	notRead := func(what string, err error) {
		out.warnings = append(out.warnings, Finding{Code: CodeNotRead, Object: what,
			Cause: fmt.Sprintf("could not read %s: %v", what, err),
			Fix:   "grant the admin kubeconfig's user read access to it, or check it by hand before upgrading"})
	}
	if raw, err := disc.Get(ctx, "/metrics", nil); err != nil {
		notRead("the API server's /metrics (deprecated APIs in use)", err)
	} else if apis, err := ParseDeprecatedAPIs(bytes.NewReader(raw)); err != nil {
		notRead("the API server's /metrics (deprecated APIs in use)", err)
	} else {
		b, w := DeprecatedFindings(apis, in.final)
		out.blockers, out.warnings = append(out.blockers, b...), append(out.warnings, w...)
	}
	if list, err := wc.Dynamic.Resource(pdbs).List(ctx, metav1.ListOptions{}); err != nil {
		notRead("PodDisruptionBudgets", err)
	} else {
		for i := range list.Items {
			var p policyv1.PodDisruptionBudget
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(list.Items[i].Object, &p); err != nil {
				continue
			}
			if f, ok := PDBFinding(&p); ok {
				out.blockers = append(out.blockers, f)
			}
		}
	}
	if served[carvel.PackagingGroup] && served[carvel.DataGroup] {
		if err := packageFindings(ctx, wc, in, &out); err != nil {
			notRead("installed packages", err)
		}
	}
	if h, err := observe.ReadHealth(ctx, wc, metav1.NamespaceAll); err != nil {
		notRead("its health (observe health)", err)
	} else if f, ok := HealthFinding(h, in.cluster); ok {
		out.blockers = append(out.blockers, f)
	}
	if served[backup.Group] {
		h, err := backup.ReadHealth(ctx, wc.Dynamic, in.veleroNamespace, in.now, in.maxAge)
		switch {
		case err != nil:
			notRead("Velero's backups", err)
		case h.Locations > 0 && !h.WithinMaxAge:
			last := "none"
			if h.LastSuccessAt != nil {
				last = fmt.Sprintf("%s at %s", h.LastSuccess, h.LastSuccessAt.UTC().Format(time.RFC3339))
			}
			out.blockers = append(out.blockers, Finding{Code: CodeNoBackup, Object: "velero.io/backups in " + in.veleroNamespace,
				Cause: fmt.Sprintf("no Completed backup newer than %s (the last: %s)", in.maxAge, last),
				Fix:   "back the cluster up first (kubectl tko cluster backup create pre-upgrade --wait), or raise --backup-max-age"})
		}
	}
	return out, nil
}

// packageFindings checks every installed package's Package against the target.
func packageFindings(ctx context.Context, wc *kube.Clients, in workloadInput, out *workloadFindings) error {
	installs, err := (&carvel.Client{Dyn: wc.Dynamic}).ListInstalls(ctx, metav1.NamespaceAll)
	if err != nil {
		return err
	}
	for _, inst := range installs {
		version := inst.Status.Version
		if version == "" {
			continue
		}
		u, err := wc.Dynamic.Resource(carvel.Packages).Namespace(inst.Namespace).Get(ctx, inst.Spec.PackageRef.RefName+"."+version, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		pkg, err := carvel.AsPackage(u)
		if err != nil {
			return err
		}
		out.blockers = append(out.blockers, PackageFindings(inst, pkg, in.final, in.kapp)...)
	}
	return nil
}
