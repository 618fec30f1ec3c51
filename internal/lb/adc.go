// Package lb is the domain logic of `kubectl tko lb`: which
// AKODeploymentConfig serves a cluster (by the AKO operator's own rules),
// how a Service of type LoadBalancer is served and why one is pending, how
// full the VIP pools are (NSX ALB data networks and kube-vip ranges), and
// what an AKODeploymentConfig file gets wrong before it is created. No
// command-line code.
package lb

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// The API group of the AKO operator and what it serves.
const (
	OperatorGroup = "networking.tkg.tanzu.vmware.com"
	// LabelAVI is the label the AKO operator writes on each Cluster it
	// selected, with the ADC's name.
	LabelAVI = OperatorGroup + "/avi"
	// ForAll is the ADC that takes every workload cluster no other ADC selects.
	ForAll = "install-ako-for-all"
	// ForManagement is the only ADC a management cluster gets.
	ForManagement = "install-ako-for-management-cluster"
)

// ADCs is the AKODeploymentConfig resource (cluster-scoped).
var ADCs = schema.GroupVersionResource{Group: OperatorGroup, Version: "v1alpha1", Resource: "akodeploymentconfigs"}

// Requirement is what commands about AKODeploymentConfigs need served.
var Requirement = kube.Requirement{Group: OperatorGroup, Name: OperatorGroup + " (AKODeploymentConfig)",
	Hint: "this cluster has no AKO operator: is it a TKG management cluster with NSX ALB?"}

// ADC is the part of an AKODeploymentConfig kubectl tko reads.
type ADC struct {
	Name   string                     `json:"name"`
	Object *unstructured.Unstructured `json:"-"`
	Spec   struct {
		Controller          string               `json:"controller"`
		CloudName           string               `json:"cloudName"`
		ServiceEngineGroup  string               `json:"serviceEngineGroup"`
		AdminCredentialRef  *SecretRef           `json:"adminCredentialRef,omitempty"`
		CertificateAuthRef  *SecretRef           `json:"certificateAuthorityRef,omitempty"`
		DataNetwork         Network              `json:"dataNetwork"`
		ControlPlaneNetwork *Network             `json:"controlPlaneNetwork,omitempty"`
		ClusterSelector     metav1.LabelSelector `json:"clusterSelector"`
	} `json:"spec"`
	Conditions []wait.Condition `json:"conditions,omitempty"`
}

// SecretRef names a Secret.
type SecretRef struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// Network is an NSX ALB network with its VIP pools.
type Network struct {
	Name    string   `json:"name"`
	CIDR    string   `json:"cidr"`
	IPPools []IPPool `json:"ipPools,omitempty"`
}

// IPPool is a range of VIPs of a network.
type IPPool struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Type  string `json:"type"`
}

// ParseADC reads an AKODeploymentConfig.
func ParseADC(u *unstructured.Unstructured) (*ADC, error) {
	adc := &ADC{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, adc); err != nil {
		return nil, fmt.Errorf("reading AKODeploymentConfig %s: %w", u.GetName(), err)
	}
	adc.Name, adc.Object = u.GetName(), u
	adc.Conditions = wait.Conditions(u, "status", "conditions")
	return adc, nil
}

// SelectorText renders the cluster selector ("<all>" when empty).
func (a *ADC) SelectorText() string {
	sel, err := metav1.LabelSelectorAsSelector(&a.Spec.ClusterSelector)
	if err != nil {
		return "<invalid: " + err.Error() + ">"
	}
	if sel.Empty() {
		return "<all>"
	}
	return sel.String()
}

// Choice is the ADC that serves a cluster, and why.
type Choice struct {
	ADC    string `json:"adc,omitempty"` // "" when none
	Reason string `json:"reason"`
}

// Select applies the AKO operator's rules to one cluster: a management
// cluster gets only install-ako-for-management-cluster; otherwise an ADC
// with a non-empty selector that matches wins (the first by name when
// several do, and the overlap is a finding of its own); else
// install-ako-for-all takes it when its selector is empty or matches;
// clusters that are not Ready are skipped until they are.
func Select(cluster *unstructured.Unstructured, adcs []*ADC) Choice {
	if capi.FromUnstructured(cluster).Role == "management" {
		if slices.ContainsFunc(adcs, func(a *ADC) bool { return a.Name == ForManagement }) {
			return Choice{ADC: ForManagement, Reason: "management clusters get only " + ForManagement}
		}
		return Choice{Reason: "management cluster and no " + ForManagement}
	}
	if !clusterReady(cluster) {
		return Choice{Reason: "the cluster is not Ready: the AKO operator skips it until it is"}
	}
	set := labels.Set(cluster.GetLabels())
	var matched []string
	for _, a := range adcs {
		if a.Name == ForManagement || a.Name == ForAll {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(&a.Spec.ClusterSelector)
		if err != nil || sel.Empty() {
			continue
		}
		if sel.Matches(set) {
			matched = append(matched, a.Name)
		}
	}
	slices.Sort(matched)
	switch {
	case len(matched) == 1:
		return Choice{ADC: matched[0], Reason: "its selector matches the cluster's labels"}
	case len(matched) > 1:
		return Choice{ADC: matched[0], Reason: "several ADCs select it (" + strings.Join(matched, ", ") + "); the AKO operator takes one"}
	}
	for _, a := range adcs {
		if a.Name != ForAll {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(&a.Spec.ClusterSelector)
		if err == nil && (sel.Empty() || sel.Matches(set)) {
			return Choice{ADC: ForAll, Reason: "no other ADC selects it; " + ForAll + " takes the rest"}
		}
		return Choice{Reason: ForAll + "'s selector does not match the cluster's labels"}
	}
	return Choice{Reason: "no ADC selects it and there is no " + ForAll}
}

func selectorOf(a *ADC) (labels.Selector, error) {
	return metav1.LabelSelectorAsSelector(&a.Spec.ClusterSelector)
}

func labelSet(u *unstructured.Unstructured) labels.Set { return labels.Set(u.GetLabels()) }

// clusterReady is the operator's test: a Ready condition that is not False.
func clusterReady(u *unstructured.Unstructured) bool {
	c, ok := wait.Find(wait.Conditions(u, "status", "conditions"), "Ready")
	return !ok || c.Status != "False"
}
