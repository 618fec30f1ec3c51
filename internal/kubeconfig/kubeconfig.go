// Package kubeconfig builds workload-cluster kubeconfigs: the admin one from
// Cluster API's <cluster>-kubeconfig Secret, and a Pinniped login one for
// clusters with identity management. It is shared by the cluster and auth
// plugins and has no command-line code in it.
package kubeconfig

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

var (
	secrets    = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
)

// Admin reads the admin kubeconfig Cluster API keeps for a cluster and
// names it like TKG does: context <name>-admin@<name>.
func Admin(ctx context.Context, dyn dynamic.Interface, namespace, name string) (*clientcmdapi.Config, error) {
	secret, err := dyn.Resource(secrets).Namespace(namespace).Get(ctx, name+"-kubeconfig", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, &errs.NotFoundError{Kind: "kubeconfig Secret", Name: name + "-kubeconfig", Namespace: namespace,
			Hint: "Cluster API writes it once the control plane is up; check the cluster with 'kubectl tko cluster describe " + name + "'"}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the kubeconfig of cluster %s: %w", name, err)
	}
	encoded, _, _ := unstructured.NestedString(secret.Object, "data", "value")
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(raw) == 0 {
		return nil, fmt.Errorf("secret %s/%s-kubeconfig has no kubeconfig under the key value", namespace, name)
	}
	src, err := clientcmd.Load(raw)
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s-kubeconfig holds an invalid kubeconfig: %w", namespace, name, err)
	}
	cluster, user, err := current(src)
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s-kubeconfig: %w", namespace, name, err)
	}
	out := clientcmdapi.NewConfig()
	ctxName := name + "-admin@" + name
	out.Clusters[name] = cluster
	out.AuthInfos[name+"-admin"] = user
	out.Contexts[ctxName] = &clientcmdapi.Context{Cluster: name, AuthInfo: name + "-admin"}
	out.CurrentContext = ctxName
	return out, nil
}

func current(cfg *clientcmdapi.Config) (*clientcmdapi.Cluster, *clientcmdapi.AuthInfo, error) {
	ctx, ok := cfg.Contexts[cfg.CurrentContext]
	if !ok {
		for _, c := range cfg.Contexts {
			ctx = c
			break
		}
	}
	if ctx == nil {
		return nil, nil, fmt.Errorf("the kubeconfig has no context")
	}
	cluster, user := cfg.Clusters[ctx.Cluster], cfg.AuthInfos[ctx.AuthInfo]
	if cluster == nil || user == nil {
		return nil, nil, fmt.Errorf("the kubeconfig's context names a missing cluster or user")
	}
	return cluster, user, nil
}

// PinnipedInfo is what TKG publishes about the management cluster's
// Pinniped supervisor (ConfigMap kube-public/pinniped-info).
type PinnipedInfo struct {
	Issuer       string
	IssuerCABase string // base64 CA bundle of the issuer
	Concierge    string // JWTAuthenticator name on workload clusters
}

// ReadPinnipedInfo returns the identity settings, or ok=false when the
// management cluster has no identity management.
func ReadPinnipedInfo(ctx context.Context, dyn dynamic.Interface) (PinnipedInfo, bool, error) {
	cm, err := dyn.Resource(configMaps).Namespace("kube-public").Get(ctx, "pinniped-info", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return PinnipedInfo{}, false, nil
	}
	if err != nil {
		return PinnipedInfo{}, false, fmt.Errorf("reading kube-public/pinniped-info: %w", err)
	}
	issuer, _, _ := unstructured.NestedString(cm.Object, "data", "issuer")
	if issuer == "" {
		return PinnipedInfo{}, false, nil
	}
	ca, _, _ := unstructured.NestedString(cm.Object, "data", "issuer_ca_bundle_data")
	return PinnipedInfo{Issuer: issuer, IssuerCABase: ca, Concierge: "tkg-jwt-authenticator"}, true, nil
}

// Current returns the cluster and user of a kubeconfig's current context
// (or its only context).
func Current(cfg *clientcmdapi.Config) (*clientcmdapi.Cluster, *clientcmdapi.AuthInfo, error) {
	return current(cfg)
}

// Write writes a kubeconfig readable by its owner only.
func Write(cfg *clientcmdapi.Config, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// It may hold credentials; an existing file keeps no wider mode.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restricting %s: %w", path, err)
	}
	return nil
}

// Merge adds cfg's entries to the kubeconfig at path (created if missing)
// and makes cfg's context current.
func Merge(cfg *clientcmdapi.Config, path string) error {
	existing, err := clientcmd.LoadFromFile(path)
	if os.IsNotExist(err) {
		existing, err = clientcmdapi.NewConfig(), nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	for k, v := range cfg.Clusters {
		existing.Clusters[k] = v
	}
	for k, v := range cfg.AuthInfos {
		existing.AuthInfos[k] = v
	}
	for k, v := range cfg.Contexts {
		existing.Contexts[k] = v
	}
	existing.CurrentContext = cfg.CurrentContext
	return Write(existing, path)
}

// Encode renders a kubeconfig as YAML.
func Encode(cfg *clientcmdapi.Config) ([]byte, error) {
	return clientcmd.Write(*cfg)
}

// Destination is where a kubeconfig goes: a new file (ExportFile), merged
// into an existing one (MergeInto), or else the writer given to Deliver.
type Destination struct {
	ExportFile string
	MergeInto  string
}

// Deliver writes cfg to its destination and returns the line that tells
// the user where it went ("" when it was printed to w).
func Deliver(cfg *clientcmdapi.Config, name string, dest Destination, w io.Writer) (string, error) {
	switch {
	case dest.ExportFile != "":
		if err := Write(cfg, dest.ExportFile); err != nil {
			return "", err
		}
		return fmt.Sprintf("wrote the kubeconfig of %s to %s (context %s)", name, dest.ExportFile, cfg.CurrentContext), nil
	case dest.MergeInto != "":
		if err := Merge(cfg, dest.MergeInto); err != nil {
			return "", err
		}
		return fmt.Sprintf("merged context %s into %s and switched to it", cfg.CurrentContext, dest.MergeInto), nil
	}
	raw, err := Encode(cfg)
	if err != nil {
		return "", err
	}
	_, err = w.Write(raw)
	return "", err
}
