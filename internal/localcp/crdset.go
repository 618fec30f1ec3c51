package localcp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
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
			return WithTKCv1alpha3(append(append(crds, upstream...), OwnCRDs()...))
		}
	}
	return WithTKCv1alpha3(append(append(crds, MinimalCRDs()...), OwnCRDs()...))
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
	// fields are top-level fields besides spec and status, kept whole
	// (a VirtualMachineClassBinding's classRef).
	fields []string
}

// minimalKinds are the kinds of the groups the Go module proxy cannot serve
// (Pinniped, AKO, the AKO operator, run.tanzu.vmware.com, vSphere's VM
// Operator): what the plugins read, with the upstream group, version, kind
// and scope.
var minimalKinds = []minimalKind{
	{"authentication.concierge.pinniped.dev", "JWTAuthenticator", "jwtauthenticators", true, []string{"v1alpha1"}, nil, nil},
	{"authentication.concierge.pinniped.dev", "WebhookAuthenticator", "webhookauthenticators", true, []string{"v1alpha1"}, nil, nil},
	{"config.concierge.pinniped.dev", "CredentialIssuer", "credentialissuers", true, []string{"v1alpha1"}, nil, nil},
	{"config.supervisor.pinniped.dev", "FederationDomain", "federationdomains", false, []string{"v1alpha1"}, nil, nil},
	{"idp.supervisor.pinniped.dev", "OIDCIdentityProvider", "oidcidentityproviders", false, []string{"v1alpha1"}, nil, nil},
	{"idp.supervisor.pinniped.dev", "LDAPIdentityProvider", "ldapidentityproviders", false, []string{"v1alpha1"}, nil, nil},
	{"idp.supervisor.pinniped.dev", "ActiveDirectoryIdentityProvider", "activedirectoryidentityproviders", false, []string{"v1alpha1"}, nil, nil},
	{"idp.supervisor.pinniped.dev", "GitHubIdentityProvider", "githubidentityproviders", false, []string{"v1alpha1"}, nil, nil},
	{"networking.tkg.tanzu.vmware.com", "AKODeploymentConfig", "akodeploymentconfigs", true, []string{"v1alpha1"}, []string{"adc"}, nil},
	{"ako.vmware.com", "AviInfraSetting", "aviinfrasettings", true, []string{"v1beta1"}, nil, nil},
	{"ako.vmware.com", "HostRule", "hostrules", false, []string{"v1beta1"}, []string{"hostrule", "hr"}, nil},
	{"ako.vmware.com", "HTTPRule", "httprules", false, []string{"v1beta1"}, []string{"httprule"}, nil},
	{"ako.vmware.com", "L4Rule", "l4rules", false, []string{"v1alpha2"}, []string{"l4rule"}, nil},
	{"run.tanzu.vmware.com", "TanzuKubernetesRelease", "tanzukubernetesreleases", true, []string{"v1alpha3"}, []string{"tkr"}, nil},
	{"run.tanzu.vmware.com", "OSImage", "osimages", true, []string{"v1alpha3"}, []string{"osimg"}, nil},
	{"run.tanzu.vmware.com", "ClusterBootstrap", "clusterbootstraps", false, []string{"v1alpha3"}, []string{"cb"}, nil},
	{"run.tanzu.vmware.com", "TanzuKubernetesCluster", "tanzukubernetesclusters", false, []string{"v1alpha2"}, []string{"tkc"}, nil},
	{"vmoperator.vmware.com", "VirtualMachineClass", "virtualmachineclasses", false, []string{"v1alpha3"}, []string{"vmclass"}, nil},
	{"vmoperator.vmware.com", "VirtualMachineClassBinding", "virtualmachineclassbindings", false, []string{"v1alpha1"}, []string{"vmclassbinding"}, []string{"classRef"}},
}

// ownKinds are the project's own minimal CRDs of cert-manager's
// Certificate and Contour's HTTPProxy, installed whether or not the
// shared CRDs are there (they hold neither): only the group, version,
// kind and scope are upstream's; `cluster inspect certs` reads spec and
// status as cert-manager and Contour document them.
var ownKinds = []minimalKind{
	{"cert-manager.io", "Certificate", "certificates", false, []string{"v1"}, []string{"cert", "certs"}, nil},
	{"projectcontour.io", "HTTPProxy", "httpproxies", false, []string{"v1"}, []string{"proxy", "proxies"}, nil},
}

// MinimalCRDs returns structural CRDs for the kinds above: spec and status
// are kept whole (preserve-unknown-fields), status is a subresource as
// upstream, so plugins and seeds read and write them exactly as upstream.
func MinimalCRDs() []*unstructured.Unstructured { return structural(minimalKinds) }

// OwnCRDs returns the project's own CRDs (ownKinds), built as MinimalCRDs.
func OwnCRDs() []*unstructured.Unstructured { return structural(ownKinds) }

func structural(kinds []minimalKind) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(kinds))
	open := map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	for _, k := range kinds {
		scope := "Namespaced"
		if k.cluster {
			scope = "Cluster"
		}
		props := map[string]any{
			"apiVersion": map[string]any{"type": "string"},
			"kind":       map[string]any{"type": "string"},
			"metadata":   map[string]any{"type": "object"},
			"spec":       open,
			"status":     open,
		}
		for _, f := range k.fields {
			props[f] = open
		}
		var versions []any
		for i, v := range k.versions {
			versions = append(versions, map[string]any{
				"name": v, "served": true, "storage": i == len(k.versions)-1,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema":       map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "properties": props}},
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

// tkcV1alpha3 is our own v1alpha3 version of the TanzuKubernetesCluster
// CRD: vSphere 8 serves v1alpha3 but its CRD is unpublished, so this is
// written from the shape of vSphere 8's documented examples. It is served
// beside v1alpha2 and is the storage version. Conversion is None: the
// fields both versions carry (topology.controlPlane, topology.nodePools
// with replicas, vmClass, storageClass and tkr.reference, settings.network
// and settings.storage, status) have the same shape in both, so an object
// reads the same through either version.
const tkcV1alpha3 = `
name: v1alpha3
served: true
storage: true
subresources: {status: {}}
additionalPrinterColumns:
- {name: Control Plane, type: integer, jsonPath: .spec.topology.controlPlane.replicas}
- {name: Worker, type: integer, jsonPath: .status.totalWorkerReplicas}
- {name: TKR Name, type: string, jsonPath: .spec.topology.controlPlane.tkr.reference.name}
- {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
- {name: Ready, type: string, jsonPath: ".status.conditions[?(@.type=='Ready')].status"}
- {name: TKR Compatible, type: string, jsonPath: ".status.conditions[?(@.type=='TanzuKubernetesReleaseCompatible')].status"}
schema:
  openAPIV3Schema:
    type: object
    properties:
      apiVersion: {type: string}
      kind: {type: string}
      metadata: {type: object}
      spec:
        type: object
        required: [topology]
        properties:
          distribution: {type: object, x-kubernetes-preserve-unknown-fields: true}
          settings:
            type: object
            properties:
              network:
                type: object
                properties:
                  cni: {type: object, properties: {name: {type: string}}}
                  pods: {type: object, properties: {cidrBlocks: {type: array, items: {type: string}}}}
                  services: {type: object, properties: {cidrBlocks: {type: array, items: {type: string}}}}
                  serviceDomain: {type: string}
                  proxy: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  trust: {type: object, x-kubernetes-preserve-unknown-fields: true}
              storage:
                type: object
                properties:
                  classes: {type: array, items: {type: string}}
                  defaultClass: {type: string}
          topology:
            type: object
            required: [controlPlane]
            properties:
              controlPlane:
                type: object
                required: [vmClass, storageClass]
                properties: &pool
                  replicas: {type: integer, format: int32, minimum: 0}
                  vmClass: {type: string}
                  storageClass: {type: string}
                  nodeDrainTimeout: {type: string}
                  tkr: {type: object, properties: {reference: {type: object, properties: {name: {type: string}}}}}
                  volumes:
                    type: array
                    items:
                      type: object
                      required: [name, mountPath, capacity]
                      properties:
                        name: {type: string}
                        mountPath: {type: string}
                        storageClass: {type: string}
                        capacity: {type: object, additionalProperties: {x-kubernetes-int-or-string: true}}
                  name: {type: string}
                  failureDomain: {type: string}
                  labels: {type: object, additionalProperties: {type: string}}
                  taints:
                    type: array
                    items:
                      type: object
                      required: [key, effect]
                      properties: {key: {type: string}, value: {type: string}, effect: {type: string}, timeAdded: {type: string, format: date-time}}
              nodePools:
                type: array
                items:
                  type: object
                  required: [name, vmClass, storageClass]
                  properties: *pool
      status:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

// WithTKCv1alpha3 adds our v1alpha3 version to the TanzuKubernetesCluster
// CRD (upstream's or the minimal one) and makes it the storage version.
func WithTKCv1alpha3(crds []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	for _, crd := range crds {
		if crd.GetName() != "tanzukubernetesclusters.run.tanzu.vmware.com" {
			continue
		}
		var version map[string]any
		if err := yaml.Unmarshal([]byte(tkcV1alpha3), &version); err != nil {
			return nil, fmt.Errorf("decoding the v1alpha3 TanzuKubernetesCluster version: %w", err)
		}
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		kept := []any{}
		for _, v := range versions {
			if m, ok := v.(map[string]any); ok && m["name"] != "v1alpha3" {
				m["storage"] = false
				kept = append(kept, m)
			}
		}
		if err := unstructured.SetNestedSlice(crd.Object, append(kept, version), "spec", "versions"); err != nil {
			return nil, err
		}
	}
	return crds, nil
}
