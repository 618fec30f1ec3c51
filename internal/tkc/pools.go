package tkc

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// PoolState is what is known of one node pool's readiness.
type PoolState struct {
	Status string // Ready, NotReady or Unknown
	Ready  *int64 // ready machines, when the pool's MachineDeployment is readable
	Reason string // why the status is what it is, for -o json
}

// PoolStates reads each node pool's readiness. On vSphere 8 a TKC is
// backed by a class-based Cluster of the same name whose MachineDeployments
// carry the pool's name in the topology label: where this user may list
// them, each pool gets its own count and condition. Otherwise only the
// TKC's conditions speak, and they speak for all pools at once, so a pool
// is NotReady only when they single it out.
func PoolStates(ctx context.Context, dyn dynamic.Interface, api capi.API, t TKC) map[string]PoolState {
	states := map[string]PoolState{}
	for _, p := range t.NodePools {
		states[p.Name] = fromConditions(t, p.Name)
	}
	gvr, ok := api.GroupResource(capi.Group, "machinedeployments")
	if !ok || dyn == nil {
		return states
	}
	sel := labels.Set{capi.LabelClusterName: t.Name}.String()
	mds, err := dyn.Resource(gvr).Namespace(t.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		// Forbidden to namespace users on some Supervisors: the TKC's own
		// conditions are the answer then.
		return states
	}
	for i := range mds.Items {
		pool := mds.Items[i].GetLabels()[capi.LabelTopologyMD]
		if _, ours := states[pool]; ours && pool != "" {
			states[pool] = fromMachineDeployment(&mds.Items[i])
		}
	}
	return states
}

func fromMachineDeployment(md *unstructured.Unstructured) PoolState {
	ready, _, _ := unstructured.NestedInt64(md.Object, "status", "readyReplicas")
	if strings.HasSuffix(md.GetAPIVersion(), "/v1beta1") {
		if v, ok, _ := unstructured.NestedInt64(md.Object, "status", "v1beta2", "readyReplicas"); ok {
			ready = v
		}
	}
	n := capi.NodeFor(md)
	s := PoolState{Status: statusWord(n.Ready), Ready: &ready, Reason: "MachineDeployment " + md.GetName()}
	if n.Message != "" {
		s.Reason += ": " + n.Message
	}
	return s
}

// fromConditions reads a pool's readiness from the TKC: NodePoolsReady
// (else Ready) True means every pool is; False marks this pool only when
// the message names it or it is the only pool.
func fromConditions(t TKC, pool string) PoolState {
	c, ok := wait.Find(t.Conditions, "NodePoolsReady")
	if !ok {
		if t.Ready == nil {
			return PoolState{Status: "Unknown", Reason: "the TanzuKubernetesCluster reports no readiness yet"}
		}
		c = *t.Ready
		if c.Status != "True" {
			return PoolState{Status: "Unknown", Reason: fmt.Sprintf("the cluster is not Ready (%s) and reports no readiness per pool", oneLine(c.Message, c.Reason))}
		}
	}
	switch {
	case c.Status == "True":
		return PoolState{Status: "Ready", Reason: c.Type + " is True"}
	case c.Status == "False" && (len(t.NodePools) == 1 || mentions(c.Message, pool)):
		return PoolState{Status: "NotReady", Reason: oneLine(c.Message, c.Reason)}
	default:
		return PoolState{Status: "Unknown", Reason: fmt.Sprintf("%s is %s (%s) for the cluster's pools together", c.Type, c.Status, oneLine(c.Message, c.Reason))}
	}
}

func statusWord(ready string) string {
	switch ready {
	case "True":
		return "Ready"
	case "False":
		return "NotReady"
	}
	return "Unknown"
}

// mentions reports whether a condition message names a pool as a word,
// so np-1 does not match np-10.
func mentions(message, pool string) bool {
	f := func(r rune) bool {
		word := r == '-' || r == '.' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
		return !word
	}
	for _, w := range strings.FieldsFunc(message, f) {
		if w == pool {
			return true
		}
	}
	return false
}

func oneLine(message, reason string) string {
	if m := strings.Join(strings.Fields(message), " "); m != "" {
		return m
	}
	return reason
}
