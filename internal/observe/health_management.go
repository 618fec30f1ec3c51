package observe

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// The findings of a management cluster: its clusters and packages.

// clusterHealth: Cluster API clusters that are not Ready.
func clusterHealth(ctx context.Context, c *kube.Clients, served kube.Served, ns string, h *Health) error {
	api, err := capi.FromServed(served)
	if err != nil {
		return err
	}
	list, err := c.Dynamic.Resource(api.Clusters()).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing clusters: %w", err)
	}
	for i := range list.Items {
		if f, bad := clusterFinding(&list.Items[i]); bad {
			h.add(f)
		}
	}
	return nil
}

// clusterFinding says why a cluster is not Ready: its Ready (v1beta1) or
// Available (v1beta2) condition is not True, or it has neither, so no
// controller has said it is.
func clusterFinding(u *unstructured.Unstructured) (Finding, bool) {
	phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
	f := Finding{Severity: SeverityError, Area: "cluster", Namespace: u.GetNamespace(), Name: u.GetName()}
	if phase == "" || phase == "Provisioning" || phase == "Pending" {
		f.Severity = SeverityWarning
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, raw := range conds {
		cond, _ := raw.(map[string]any)
		t, _ := cond["type"].(string)
		if t != "Ready" && t != "Available" {
			continue
		}
		status, _ := cond["status"].(string)
		reason, _ := cond["reason"].(string)
		msg, _ := cond["message"].(string)
		f.Reason, f.Message = t+"="+status+" "+reason, firstLine(msg)
		return f, status != "True"
	}
	f.Reason, f.Message = "NoReadyCondition", "no Ready or Available condition: Cluster API has not reported on it (is capi-controller-manager running?)"
	if phase != "" {
		f.Reason = "NoReadyCondition " + phase
	}
	if fm, _, _ := unstructured.NestedString(u.Object, "status", "failureMessage"); fm != "" {
		f.Message = firstLine(fm)
	}
	return f, true
}

func packageHealth(ctx context.Context, c *kube.Clients, ns string, h *Health) error {
	list, err := c.Dynamic.Resource(carvel.Installs).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing packageinstalls: %w", err)
	}
	for i := range list.Items {
		in, err := carvel.AsInstall(&list.Items[i])
		if err != nil {
			return err
		}
		if state := in.State(); carvel.Failed(state) {
			msg := in.Status.UsefulErrorMessage
			if msg == "" {
				msg = in.Status.FriendlyDescription
			}
			h.add(Finding{Severity: SeverityError, Area: "package", Namespace: in.Namespace, Name: in.Name, Reason: state, Message: firstLine(msg)})
		}
	}
	return nil
}
