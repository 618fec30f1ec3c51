package certs

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
)

// LoadADCs reads the management cluster's AKODeploymentConfigs, whose
// certificateAuthorityRef Secrets hold the Avi controller's CA the AKO
// operator hands each cluster's AKO. None when the group is not served.
func (m *Management) LoadADCs(ctx context.Context) {
	if _, served := m.API.GroupResource(lb.OperatorGroup, lb.ADCs.Resource); !served {
		return
	}
	list, err := m.Dyn.Resource(lb.ADCs).List(ctx, metav1.ListOptions{})
	if err != nil {
		m.adcErr = fmt.Errorf("listing AKODeploymentConfigs: %w", err)
		return
	}
	for i := range list.Items {
		if a, err := lb.ParseADC(&list.Items[i]); err == nil {
			m.adcs = append(m.adcs, a)
		}
	}
}

// aviCA is the row of the Avi controller CA of the ADC that serves the
// cluster, when one does and its Secret exists (a missing one is
// 'lb doctor's finding).
func (c Clock) aviCA(ctx context.Context, m Management, cluster *unstructured.Unstructured) []Row {
	if m.adcErr != nil {
		return []Row{{What: "Avi controller CA (AKODeploymentConfig)", Where: "AKODeploymentConfigs", Status: StatusUnknown,
			Note: "could not be checked: " + explain.Message(m.adcErr)}}
	}
	choice := lb.Select(cluster, m.adcs)
	for _, a := range m.adcs {
		if a.Name != choice.ADC || a.Spec.CertificateAuthRef == nil {
			continue
		}
		ref := a.Spec.CertificateAuthRef
		w := reader{Clock: c, dyn: m.Dyn}
		if r, ok := w.secretRow(ctx, "Avi controller CA (AKODeploymentConfig "+a.Name+")", ref.Namespace, ref.Name,
			"certificateAuthorityData", "nothing: follows the Avi controller's certificate", true); ok {
			return []Row{r}
		}
	}
	return nil
}
