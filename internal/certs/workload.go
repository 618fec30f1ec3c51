package certs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Resources read in the workload cluster.
var (
	CertificatesGVR = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "certificates"}
	IngressesGVR    = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}
	HTTPProxiesGVR  = schema.GroupVersionResource{Group: "projectcontour.io", Version: "v1", Resource: "httpproxies"}
)

// PinnipedNamespaces hold the Concierge's and the Supervisor's serving
// certificates, as TKG installs them.
var PinnipedNamespaces = []string{"pinniped-concierge", "pinniped-supervisor"}

// AKOSecret is where AKO keeps the Avi controller's CA in a workload
// cluster (key certificateAuthorityData; its other keys are credentials,
// never read).
const AKOSecret = "avi-system/avi-secret"

// workload reads the certificates that live in the workload cluster,
// through its admin kubeconfig Secret.
func (c Clock) workload(ctx context.Context, m Management, cluster *unstructured.Unstructured, ca []byte) []Row {
	wc, err := fleet.Connect(ctx, m.Dyn, cluster.GetNamespace(), cluster.GetName(), m.Tune)
	var notFound *errs.NotFoundError
	if errors.As(err, &notFound) {
		return []Row{{What: "workload cluster", Where: "Secret/" + cluster.GetNamespace() + "/" + cluster.GetName() + "-kubeconfig",
			Status: StatusSkipped, Note: "not provisioned yet: no kubeconfig Secret, so nothing in the cluster was checked"}}
	}
	if err != nil {
		return []Row{{What: "workload cluster", Where: "Secret/" + cluster.GetNamespace() + "/" + cluster.GetName() + "-kubeconfig",
			Status: StatusUnknown, Note: "could not be checked: " + explain.Message(err)}}
	}
	if len(ca) == 0 {
		ca = wc.Config.CAData
	}
	rows := []Row{c.Endpoint(ctx, "", wc.Config.Host, ca, m.DialTimeout)}
	if rows[0].Status == StatusUnknown {
		return rows // the API server does not answer: nothing more to read
	}
	served, err := servedGroups(wc)
	if err != nil {
		return append(rows, Row{What: "workload cluster", Where: "endpoint " + wc.Config.Host, Status: StatusUnknown,
			Note: "could not be checked: " + explain.Message(err)})
	}
	w := reader{Clock: c, dyn: wc.Dynamic, renewed: map[string]bool{}}
	if served["cert-manager.io"] {
		rows = append(rows, w.certificates(ctx)...)
	}
	rows = append(rows, w.pinniped(ctx)...)
	rows = append(rows, w.ako(ctx)...)
	rows = append(rows, w.ingresses(ctx, served["projectcontour.io"])...)
	return rows
}

func servedGroups(wc *kube.Clients) (map[string]bool, error) {
	d, err := kube.NewDiscovery(wc.Config)
	if err != nil {
		return nil, err
	}
	groups, err := d.ServerGroups()
	if err != nil {
		return nil, fmt.Errorf("discovering its APIs: %w", err)
	}
	out := map[string]bool{}
	for _, g := range groups.Groups {
		out[g.Name] = true
	}
	return out, nil
}

// reader reads one workload cluster; renewed holds the Secrets
// (namespace/name) that a cert-manager Certificate renews.
type reader struct {
	Clock
	dyn     dynamic.Interface
	renewed map[string]bool
}

func (w reader) list(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) ([]unstructured.Unstructured, error) {
	l, err := w.dyn.Resource(gvr).Namespace(ns).List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", gvr.Resource, err)
	}
	sort.Slice(l.Items, func(i, j int) bool {
		a, b := l.Items[i], l.Items[j]
		return a.GetNamespace()+"/"+a.GetName() < b.GetNamespace()+"/"+b.GetName()
	})
	return l.Items, nil
}

func unchecked(what, where string, err error) Row {
	return Row{What: what, Where: where, Status: StatusUnknown, Note: "could not be checked: " + explain.Message(err)}
}

// certificates reads cert-manager's Certificates as cert-manager reports
// them: status.notAfter, status.renewalTime and the Ready condition.
func (w reader) certificates(ctx context.Context) []Row {
	items, err := w.list(ctx, CertificatesGVR, metav1.NamespaceAll, metav1.ListOptions{})
	if err != nil {
		return []Row{unchecked("cert-manager Certificates", "all namespaces", err)}
	}
	var rows []Row
	for i := range items {
		u := &items[i]
		secret, _, _ := unstructured.NestedString(u.Object, "spec", "secretName")
		w.renewed[u.GetNamespace()+"/"+secret] = true
		dns, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "dnsNames")
		what := "cert-manager Certificate"
		if len(dns) > 0 {
			what += " for " + dns[0]
		}
		r := Row{What: what, Where: "Certificate/" + u.GetNamespace() + "/" + u.GetName(), RenewedBy: "cert-manager"}
		if ready, ok := wait.Find(wait.Conditions(u), "Ready"); !ok || ready.Status != "True" {
			r.Status = StatusNotReady
			r.Note = "not Ready"
			if ok && ready.Message != "" {
				r.Note += ": " + ready.Message
			}
		}
		if at, ok := timeAt(u, "status", "renewalTime"); ok {
			r.RenewsAt = &at
			r.RenewedBy = "cert-manager (renews " + at.Format(time.DateOnly) + ")"
		}
		if t, ok := timeAt(u, "status", "notAfter"); ok {
			w.expiry(&r, t)
		} else if r.Status == "" {
			r.Status, r.Note = StatusNotReady, "not issued yet: no status.notAfter"
		}
		rows = append(rows, r)
	}
	return rows
}

func timeAt(u *unstructured.Unstructured, path ...string) (time.Time, bool) {
	s, _, _ := unstructured.NestedString(u.Object, path...)
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err == nil
}

// secretRow reads the certificate of a TLS Secret (tls.crt, or key when
// given); none when the Secret does not exist and missingOK.
func (w reader) secretRow(ctx context.Context, what, ns, name, key, renewedBy string, missingOK bool) (Row, bool) {
	r := Row{What: what, Where: "Secret/" + ns + "/" + name, RenewedBy: renewedBy}
	data, found, err := secretKey(ctx, w.dyn, ns, name, key)
	switch {
	case err != nil:
		return Row{What: what, Where: r.Where, Status: StatusUnknown, Note: "could not be checked: " + explain.Message(err)}, true
	case !found && missingOK:
		return r, false
	case !found:
		r.Status, r.Note = StatusInvalid, "the Secret does not exist"
		return r, true
	}
	w.fill(&r, ParseChain(data))
	return r, true
}

// pinniped reads the TLS Secrets of the Concierge and the Supervisor.
func (w reader) pinniped(ctx context.Context) []Row {
	var rows []Row
	for _, ns := range PinnipedNamespaces {
		items, err := w.list(ctx, secretsGVR, ns, metav1.ListOptions{FieldSelector: "type=kubernetes.io/tls"})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			rows = append(rows, unchecked("Pinniped serving certificates", "Secrets in "+ns, err))
			continue
		}
		for _, s := range items {
			if w.renewed[ns+"/"+s.GetName()] {
				continue // its Certificate's row says it
			}
			renewer := "Pinniped: rotated before expiry"
			if ns == "pinniped-supervisor" {
				renewer = "nothing: replace it before expiry"
			}
			if r, ok := w.secretRow(ctx, "Pinniped "+strings.TrimPrefix(ns, "pinniped-")+" certificate", ns, s.GetName(), "tls.crt", renewer, true); ok {
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// ako reads the Avi controller's CA that AKO trusts, when AKO is there.
func (w reader) ako(ctx context.Context) []Row {
	ns, name, _ := strings.Cut(AKOSecret, "/")
	r, ok := w.secretRow(ctx, "Avi controller CA (AKO)", ns, name, "certificateAuthorityData", "nothing: follows the Avi controller's certificate", true)
	if !ok {
		return nil
	}
	return []Row{r}
}

// ingresses reads the TLS Secrets of Ingresses and HTTPProxies that no
// cert-manager Certificate renews.
func (w reader) ingresses(ctx context.Context, contour bool) []Row {
	type ref struct{ ns, name, by string }
	var refs []ref
	var rows []Row
	items, err := w.list(ctx, IngressesGVR, metav1.NamespaceAll, metav1.ListOptions{})
	if err != nil {
		rows = append(rows, unchecked("Ingress TLS Secrets", "all namespaces", err))
	}
	for _, u := range items {
		tls, _, _ := unstructured.NestedSlice(u.Object, "spec", "tls")
		for _, t := range tls {
			if m, ok := t.(map[string]any); ok {
				if name, _ := m["secretName"].(string); name != "" {
					refs = append(refs, ref{u.GetNamespace(), name, "Ingress " + u.GetNamespace() + "/" + u.GetName()})
				}
			}
		}
	}
	if contour {
		items, err := w.list(ctx, HTTPProxiesGVR, metav1.NamespaceAll, metav1.ListOptions{})
		if err != nil {
			rows = append(rows, unchecked("HTTPProxy TLS Secrets", "all namespaces", err))
		}
		for _, u := range items {
			name, _, _ := unstructured.NestedString(u.Object, "spec", "virtualhost", "tls", "secretName")
			if name == "" {
				continue
			}
			ns := u.GetNamespace()
			if n, s, delegated := strings.Cut(name, "/"); delegated {
				ns, name = n, s
			}
			refs = append(refs, ref{ns, name, "HTTPProxy " + u.GetNamespace() + "/" + u.GetName()})
		}
	}
	seen := map[string]bool{}
	for _, f := range refs {
		key := f.ns + "/" + f.name
		if w.renewed[key] || seen[key] {
			continue
		}
		seen[key] = true
		r, _ := w.secretRow(ctx, "TLS Secret of "+f.by, f.ns, f.name, "tls.crt", "nothing", false)
		if r.Status != StatusUnknown && r.Status != StatusInvalid || r.NotAfter != nil {
			r.Note = join(r.Note, "no cert-manager Certificate renews it")
		}
		rows = append(rows, r)
	}
	return rows
}
