package certs

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
)

// Management is a connection to the management cluster.
type Management struct {
	Dyn dynamic.Interface
	API capi.API
	// Tune adjusts the REST config of each workload cluster (timeouts).
	Tune func(*rest.Config)
	// DialTimeout bounds the TLS handshake with each API server.
	DialTimeout time.Duration

	adcs   []*lb.ADC // see LoadADCs
	adcErr error
}

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// Inspect lists the certificates of one cluster. What cannot be read is a
// row saying so, never the end of the cluster's rows.
func Inspect(ctx context.Context, m Management, cluster *unstructured.Unstructured, clock Clock) []Row {
	key := cluster.GetNamespace() + "/" + cluster.GetName()
	rows := clock.controlPlane(ctx, m, cluster)
	secrets, ca := clock.clusterSecrets(ctx, m.Dyn, cluster.GetNamespace(), cluster.GetName())
	rows = append(rows, secrets...)
	rows = append(rows, clock.aviCA(ctx, m, cluster)...)
	rows = append(rows, clock.workload(ctx, m, cluster, ca)...)
	for i := range rows {
		rows[i].Cluster = key
	}
	return rows
}

// rolloutDays reads how many days before expiry the KubeadmControlPlane
// rolls its machines (v1beta1 spec.rolloutBefore, v1beta2
// spec.rollout.before); 0 when unset.
func rolloutDays(kcp *unstructured.Unstructured) int64 {
	if kcp == nil {
		return 0
	}
	if d, ok := capi.Int64At(kcp.Object, "spec", "rollout", "before", "certificatesExpiryDays"); ok {
		return d
	}
	d, _ := capi.Int64At(kcp.Object, "spec", "rolloutBefore", "certificatesExpiryDays")
	return d
}

func (c Clock) controlPlane(ctx context.Context, m Management, cluster *unstructured.Unstructured) []Row {
	ns, name := cluster.GetNamespace(), cluster.GetName()
	var kcp *unstructured.Unstructured
	kcpName, _, _ := unstructured.NestedString(cluster.Object, "spec", "controlPlaneRef", "name")
	kind, _, _ := unstructured.NestedString(cluster.Object, "spec", "controlPlaneRef", "kind")
	if gvr, ok := m.API.GroupResource("controlplane.cluster.x-k8s.io", "kubeadmcontrolplanes"); ok && kind == "KubeadmControlPlane" {
		got, err := m.Dyn.Resource(gvr).Namespace(ns).Get(ctx, kcpName, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return []Row{{What: "control-plane certificates (kubeadm)", Where: "KubeadmControlPlane/" + ns + "/" + kcpName,
				Status: StatusUnknown, Note: explain.Message(err)}}
		}
		kcp = got
	}
	sel := labels.Set{capi.LabelClusterName: name}.String() + "," + capi.LabelControlPlane
	list, err := m.Dyn.Resource(m.API.Resource("machines")).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return []Row{{What: "control-plane certificates (kubeadm)", Where: "Machines of " + ns + "/" + name,
			Status: StatusUnknown, Note: explain.Message(err)}}
	}
	days := rolloutDays(kcp)
	var rows []Row
	for i := range list.Items {
		mc := &list.Items[i]
		r := Row{What: "control-plane certificates (kubeadm)", Where: "Machine/" + ns + "/" + mc.GetName()}
		raw, _, _ := unstructured.NestedString(mc.Object, "status", "certificatesExpiryDate")
		if raw == "" {
			if _, hasNode, _ := unstructured.NestedMap(mc.Object, "status", "nodeRef"); !hasNode {
				continue // not provisioned: nothing to expire yet
			}
			r.Status, r.Note = StatusUnknown, "Cluster API has not reported status.certificatesExpiryDate for this machine"
			rows = append(rows, r)
			continue
		}
		notAfter, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			r.Status, r.Note = StatusInvalid, fmt.Sprintf("status.certificatesExpiryDate %q is not a date", raw)
			rows = append(rows, r)
			continue
		}
		c.expiry(&r, notAfter)
		c.renewal(&r, kcp, days, notAfter)
		rows = append(rows, r)
	}
	return rows
}

// renewal says whether the KubeadmControlPlane rolls the machine before
// its certificates expire.
func (c Clock) renewal(r *Row, kcp *unstructured.Unstructured, days int64, notAfter time.Time) {
	if days <= 0 {
		r.RenewedBy = "nothing"
		if kcp != nil {
			r.Note = join(r.Note, "set rolloutBefore.certificatesExpiryDays on KubeadmControlPlane "+kcp.GetName()+
				" (TKG: the controlPlaneCertificateRotation variable), or renew with --rotate")
		}
		return
	}
	at := notAfter.Add(-time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Second)
	r.RenewsAt = &at
	r.RenewedBy = fmt.Sprintf("KubeadmControlPlane rollout %dd before", days)
	if at.Before(c.Now) {
		r.Note = join(r.Note, "the rollout was due on "+at.Format(time.DateOnly)+" and has not happened: check KubeadmControlPlane "+kcp.GetName())
	}
}

// clusterSecrets reads the CAs Cluster API keeps for the cluster and the
// admin kubeconfig's client certificate; ca is the cluster CA's
// certificate, to verify the API server with.
func (c Clock) clusterSecrets(ctx context.Context, dyn dynamic.Interface, ns, name string) (rows []Row, ca []byte) {
	for _, s := range []struct{ suffix, what string }{
		{"ca", "cluster CA"}, {"etcd", "etcd CA"}, {"proxy", "front-proxy CA"}, {"sa", "service-account signing key"},
	} {
		r := Row{What: s.what, Where: "Secret/" + ns + "/" + name + "-" + s.suffix}
		if s.suffix == "sa" {
			// A key pair: nothing in it expires, and nothing of it is read.
			exists, err := secretExists(ctx, dyn, ns, name+"-sa")
			switch {
			case err != nil:
				r.Status, r.Note = StatusUnknown, "could not be checked: "+explain.Message(err)
			case !exists:
				continue
			default:
				r.Status, r.RenewedBy, r.Note = StatusNoExpiry, "-", "a key pair: it has no expiry date"
			}
			rows = append(rows, r)
			continue
		}
		r.RenewedBy = "nothing: replaced by hand (kubeadm CAs last 10 years)"
		data, found, err := secretKey(ctx, dyn, ns, name+"-"+s.suffix, "tls.crt")
		if !c.read(&r, found, err) {
			if found || err != nil {
				rows = append(rows, r)
			}
			continue
		}
		c.fill(&r, ParseChain(data))
		if s.suffix == "ca" {
			ca = data
		}
		rows = append(rows, r)
	}
	r := Row{What: "admin kubeconfig client certificate", Where: "Secret/" + ns + "/" + name + "-kubeconfig",
		RenewedBy: "KubeadmControlPlane: regenerated before expiry"}
	raw, found, err := secretKey(ctx, dyn, ns, name+"-kubeconfig", "value")
	if c.read(&r, found, err) {
		if cfg, err := clientcmd.Load(raw); err != nil {
			r.Status, r.Note = StatusInvalid, "holds no valid kubeconfig under the key value"
			rows = append(rows, r)
		} else if ctxt := cfg.Contexts[cfg.CurrentContext]; ctxt != nil && cfg.AuthInfos[ctxt.AuthInfo] != nil && len(cfg.AuthInfos[ctxt.AuthInfo].ClientCertificateData) > 0 {
			c.fill(&r, ParseChain(cfg.AuthInfos[ctxt.AuthInfo].ClientCertificateData))
			rows = append(rows, r)
		}
	} else if err != nil {
		rows = append(rows, r)
	}
	return rows, ca
}

// read turns the outcome of reading a Secret's key into the row's status
// when it is not the data: true when there is data to parse.
func (c Clock) read(r *Row, found bool, err error) bool {
	switch {
	case err != nil:
		r.Status, r.Note, r.RenewedBy = StatusUnknown, "could not be checked: "+explain.Message(err), ""
		return false
	case !found:
		return false
	}
	return true
}

// secretKey reads one key of a Secret, decoded; found is false when the
// Secret or the key is missing. The rest of the Secret (its private key)
// is dropped unread.
func secretKey(ctx context.Context, dyn dynamic.Interface, ns, name, key string) ([]byte, bool, error) {
	s, err := dyn.Resource(secretsGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading Secret %s/%s: %w", ns, name, err)
	}
	encoded, _, _ := unstructured.NestedString(s.Object, "data", key)
	data, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, true, nil
	}
	return data, true, nil
}

func secretExists(ctx context.Context, dyn dynamic.Interface, ns, name string) (bool, error) {
	_, err := dyn.Resource(secretsGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reading Secret %s/%s: %w", ns, name, err)
	}
	return true, nil
}

// InspectAll inspects clusters in parallel within opts (each bounded by
// opts.Timeout), their rows in the clusters' order.
func InspectAll(ctx context.Context, m Management, clusters []*unstructured.Unstructured, clock Clock, opts fleet.Options) []Row {
	keys := make([]string, len(clusters))
	for i, u := range clusters {
		keys[i] = u.GetNamespace() + "/" + u.GetName()
	}
	results := fleet.Run(ctx, keys, opts, func(ctx context.Context, key string) ([]Row, error) {
		return Inspect(ctx, m, clusters[slices.Index(keys, key)], clock), nil
	})
	var out []Row
	for _, r := range results {
		out = append(out, r.Value...)
	}
	return out
}

// WorkloadClusters lists the clusters of namespace ("" for all) that are
// not management clusters, sorted by namespace and name.
func WorkloadClusters(ctx context.Context, dyn dynamic.Interface, api capi.API, namespace string) ([]*unstructured.Unstructured, error) {
	list, err := dyn.Resource(api.Clusters()).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	var out []*unstructured.Unstructured
	for i := range list.Items {
		if capi.FromUnstructured(&list.Items[i]).Role != "management" {
			out = append(out, &list.Items[i])
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].GetNamespace()+"/"+out[i].GetName() < out[j].GetNamespace()+"/"+out[j].GetName()
	})
	return out, nil
}
