package localcp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// CRDSources says where the CRDs of a TKO management cluster come from.
type CRDSources struct {
	ClusterAPI     string // dir: core, kubeadm control plane and bootstrap CRDs of sigs.k8s.io/cluster-api
	KappController string // file: kapp-controller's config/config/crds.yml
	// Shared is the upstream Pinniped, AKO, AKO operator and Tanzu CRDs
	// (../shared/crds). When empty or missing, the project's own minimal
	// CRDs for the same kinds are installed instead.
	Shared string
}

// TKOCRDs reads the full CRD set of a TKO management cluster.
func TKOCRDs(src CRDSources) ([]*unstructured.Unstructured, error) {
	var paths []string
	for name, p := range map[string]string{"Cluster API": src.ClusterAPI, "kapp-controller": src.KappController} {
		if p == "" {
			return nil, fmt.Errorf("no %s CRDs given: run 'make tools' (hack/tools.sh crds) to fetch them", name)
		}
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s CRDs not found at %s: run 'make tools': %w", name, p, err)
		}
		paths = append(paths, p)
	}
	crds, err := ReadCRDs(paths...)
	if err != nil {
		return nil, err
	}
	if src.Shared != "" {
		if _, err := os.Stat(src.Shared); err == nil {
			upstream, err := ReadCRDs(src.Shared)
			if err != nil {
				return nil, err
			}
			return append(crds, upstream...), nil
		}
	}
	return append(crds, MinimalCRDs()...), nil
}

// FindShared returns ../shared/crds next to the repository, if present.
func FindShared(repoRoot string) string {
	p := filepath.Join(repoRoot, "..", "shared", "crds")
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return p
	}
	return ""
}

type minimalKind struct {
	group, kind, plural string
	cluster             bool
	versions            []string // the last one is the storage version
	shortNames          []string
}

// minimalKinds are the kinds of the groups the Go module proxy cannot serve
// (Pinniped, AKO, the AKO operator, run.tanzu.vmware.com): what the plugins
// read, with the upstream group, version, kind and scope.
var minimalKinds = []minimalKind{
	{"authentication.concierge.pinniped.dev", "JWTAuthenticator", "jwtauthenticators", true, []string{"v1alpha1"}, nil},
	{"authentication.concierge.pinniped.dev", "WebhookAuthenticator", "webhookauthenticators", true, []string{"v1alpha1"}, nil},
	{"config.concierge.pinniped.dev", "CredentialIssuer", "credentialissuers", true, []string{"v1alpha1"}, nil},
	{"config.supervisor.pinniped.dev", "FederationDomain", "federationdomains", false, []string{"v1alpha1"}, nil},
	{"idp.supervisor.pinniped.dev", "OIDCIdentityProvider", "oidcidentityproviders", false, []string{"v1alpha1"}, nil},
	{"idp.supervisor.pinniped.dev", "LDAPIdentityProvider", "ldapidentityproviders", false, []string{"v1alpha1"}, nil},
	{"idp.supervisor.pinniped.dev", "ActiveDirectoryIdentityProvider", "activedirectoryidentityproviders", false, []string{"v1alpha1"}, nil},
	{"idp.supervisor.pinniped.dev", "GitHubIdentityProvider", "githubidentityproviders", false, []string{"v1alpha1"}, nil},
	{"networking.tkg.tanzu.vmware.com", "AKODeploymentConfig", "akodeploymentconfigs", true, []string{"v1alpha1"}, []string{"adc"}},
	{"ako.vmware.com", "AviInfraSetting", "aviinfrasettings", true, []string{"v1beta1"}, nil},
	{"ako.vmware.com", "HostRule", "hostrules", false, []string{"v1beta1"}, []string{"hostrule", "hr"}},
	{"ako.vmware.com", "HTTPRule", "httprules", false, []string{"v1beta1"}, []string{"httprule"}},
	{"ako.vmware.com", "L4Rule", "l4rules", false, []string{"v1alpha2"}, []string{"l4rule"}},
	{"run.tanzu.vmware.com", "TanzuKubernetesRelease", "tanzukubernetesreleases", true, []string{"v1alpha3"}, []string{"tkr"}},
	{"run.tanzu.vmware.com", "OSImage", "osimages", true, []string{"v1alpha3"}, []string{"osimg"}},
	{"run.tanzu.vmware.com", "ClusterBootstrap", "clusterbootstraps", false, []string{"v1alpha3"}, []string{"cb"}},
	{"run.tanzu.vmware.com", "TanzuKubernetesCluster", "tanzukubernetesclusters", false, []string{"v1alpha2"}, []string{"tkc"}},
}

// MinimalCRDs returns structural CRDs for the kinds above: spec and status
// are kept whole (preserve-unknown-fields), status is a subresource as
// upstream, so plugins and seeds read and write them exactly as upstream.
func MinimalCRDs() []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(minimalKinds))
	open := map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	for _, k := range minimalKinds {
		scope := "Namespaced"
		if k.cluster {
			scope = "Cluster"
		}
		var versions []any
		for i, v := range k.versions {
			versions = append(versions, map[string]any{
				"name": v, "served": true, "storage": i == len(k.versions)-1,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"apiVersion": map[string]any{"type": "string"},
						"kind":       map[string]any{"type": "string"},
						"metadata":   map[string]any{"type": "object"},
						"spec":       open,
						"status":     open,
					},
				}},
			})
		}
		names := map[string]any{"kind": k.kind, "listKind": k.kind + "List", "plural": k.plural, "singular": strings.ToLower(k.kind)}
		if len(k.shortNames) > 0 {
			short := make([]any, len(k.shortNames))
			for i, s := range k.shortNames {
				short[i] = s
			}
			names["shortNames"] = short
		}
		out = append(out, &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1",
			"kind":       "CustomResourceDefinition",
			"metadata":   map[string]any{"name": k.plural + "." + k.group},
			"spec": map[string]any{
				"group": k.group, "scope": scope, "names": names, "versions": versions,
			},
		}})
	}
	return out
}

// OnlyVersion makes the CRDs of groups ending in groupSuffix serve and store
// only the given version (when they have it).
func OnlyVersion(crds []*unstructured.Unstructured, groupSuffix, version string) {
	for _, crd := range crds {
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
		if !strings.HasSuffix(group, groupSuffix) {
			continue
		}
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		var kept []any
		for _, v := range versions {
			if m, ok := v.(map[string]any); ok && m["name"] == version {
				m["served"], m["storage"] = true, true
				kept = append(kept, m)
			}
		}
		if len(kept) > 0 {
			_ = unstructured.SetNestedSlice(crd.Object, kept, "spec", "versions")
		}
	}
}
