package seed

import (
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// LocalRepository names the inline package repository seeded when a real
// kapp-controller runs: packages named and versioned like TKG's standard
// repository, each deploying a ConfigMap (nothing here needs a kubelet)
// that records the install and its values.
const (
	LocalRepository          = "tanzu-standard"
	LocalRepositoryNamespace = "kapp-controller-packaging-global"
)

// localPackage is one package version of the local repository.
type localPackage struct {
	ref, version, display, description, released string
	values                                       map[string]any // OpenAPI properties
	broken                                       bool           // its template does not render
}

func prop(typ string, def any, desc string, extra ...any) map[string]any {
	m := map[string]any{"type": typ, "description": desc}
	if def != nil {
		m["default"] = def
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func objectProp(desc string, props map[string]any) map[string]any {
	return map[string]any{"type": "object", "description": desc, "properties": props}
}

func nsProp(ns string) map[string]any {
	return prop("string", ns, "Namespace the package's workloads run in.")
}

// LocalPackages are the packages of the local repository.
func localPackages() []localPackage {
	contour := func(version, released string) localPackage {
		return localPackage{"contour.tanzu.vmware.com", version, "contour", "An ingress controller", released, map[string]any{
			"namespace": nsProp("tanzu-system-ingress"),
			"contour": objectProp("Contour settings.", map[string]any{
				"replicas":         prop("integer", int64(2), "Contour replicas.", "minimum", int64(1)),
				"logLevel":         prop("string", "info", "Contour log level.", "enum", []any{"info", "debug"}),
				"useProxyProtocol": prop("boolean", false, "Use PROXY protocol on Envoy listeners."),
			}),
			"envoy": objectProp("Envoy settings.", map[string]any{
				"service": objectProp("The Envoy Service.", map[string]any{
					"type": prop("string", "LoadBalancer", "Service type.", "enum", []any{"LoadBalancer", "NodePort", "ClusterIP"}),
				}),
			}),
		}, false}
	}
	return []localPackage{
		{"cert-manager.tanzu.vmware.com", "1.12.2+vmware.2-tkg.2", "cert-manager", "Certificate management", "2023-09-12T00:00:00Z",
			map[string]any{"namespace": nsProp("cert-manager")}, false},
		{"cert-manager.tanzu.vmware.com", "1.13.3+vmware.1-tkg.1", "cert-manager", "Certificate management", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("cert-manager")}, false},
		contour("1.25.2+vmware.1-tkg.1", "2023-10-20T00:00:00Z"),
		contour("1.26.1+vmware.1-tkg.1", "2024-03-05T00:00:00Z"),
		{"fluent-bit.tanzu.vmware.com", "2.1.6+vmware.1-tkg.1", "fluent-bit", "Log processor and forwarder", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("tanzu-system-logging"), "fluent_bit": objectProp("Fluent Bit settings.", map[string]any{
				"outputs": prop("string", "[OUTPUT]\n  Name stdout\n", "Fluent Bit [OUTPUT] sections."),
			})}, false},
		{"external-dns.tanzu.vmware.com", "0.13.6+vmware.1-tkg.1", "external-dns", "Service discovery for DNS", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("tanzu-system-service-discovery"), "provider": prop("string", "rfc2136", "DNS provider.", "enum", []any{"rfc2136", "aws", "azure", "google"})}, false},
		{"prometheus.tanzu.vmware.com", "2.45.0+vmware.1-tkg.1", "prometheus", "A time series database for metrics", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("tanzu-system-monitoring"), "prometheus": objectProp("Prometheus settings.", map[string]any{
				"retention": prop("string", "42d", "How long samples are kept."),
				"replicas":  prop("integer", int64(1), "Prometheus replicas.", "minimum", int64(1)),
			})}, false},
		{"grafana.tanzu.vmware.com", "10.0.1+vmware.1-tkg.1", "grafana", "Visualization and analytics software", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("tanzu-system-dashboards"), "grafana": objectProp("Grafana settings.", map[string]any{
				"service": objectProp("The Grafana Service.", map[string]any{
					"type": prop("string", "LoadBalancer", "Service type.", "enum", []any{"LoadBalancer", "NodePort", "ClusterIP"}),
				}),
			})}, false},
		{"harbor.tanzu.vmware.com", "2.9.1+vmware.1-tkg.1", "harbor", "OCI Registry", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("tanzu-system-registry"), "hostname": prop("string", "harbor.yourdomain.com", "The FQDN of Harbor."),
				"tlsCertificate": objectProp("TLS settings.", map[string]any{"tlsSecretLabels": prop("string", "", "Labels of the TLS Secret.")})}, false},
		{"multus-cni.tanzu.vmware.com", "4.0.1+vmware.1-tkg.1", "multus-cni", "Attaches multiple network interfaces to pods", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("kube-system")}, false},
		{"broken.tko.dev", "1.0.0", "broken", "A package whose template does not render (for tests)", "2024-03-05T00:00:00Z",
			map[string]any{"namespace": nsProp("default")}, true},
	}
}

// yttSchema writes a ytt data-values schema with the package's defaults
// plus install_name, which kapp-controller fills in from the App's name
// (downward API) so every install deploys its own ConfigMap.
func yttSchema(props map[string]any, indent string) string {
	var b strings.Builder
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := props[k].(map[string]any)
		if sub, ok := p["properties"].(map[string]any); ok {
			fmt.Fprintf(&b, "%s%s:\n%s", indent, k, yttSchema(sub, indent+"  "))
			continue
		}
		def, _ := yaml.Marshal(p["default"])
		text := strings.TrimSpace(string(def))
		if strings.Contains(text, "\n") {
			text = fmt.Sprintf("%q", p["default"])
		}
		fmt.Fprintf(&b, "%s%s: %s\n", indent, k, text)
	}
	return b.String()
}

func (p localPackage) object() map[string]any {
	template := `#@ load("@ytt:data", "data")
#@ load("@ytt:yaml", "yaml")
apiVersion: v1
kind: ConfigMap
metadata:
  name: #@ data.values.install_name + "-info"
data:
  package: ` + p.ref + `
  version: ` + p.version + `
  values: #@ yaml.encode(data.values)
`
	if p.broken {
		template = `#@ load("@ytt:data", "data")
apiVersion: v1
kind: ConfigMap
metadata:
  name: #@ data.values.install_name + "-info"
data:
  value: #@ data.values.no_such_value.missing
`
	}
	schema := "#@data/values-schema\n---\ninstall_name: \"\"\n" + yttSchema(p.values, "")
	return map[string]any{
		"apiVersion": "data.packaging.carvel.dev/v1alpha1", "kind": "Package",
		"metadata": map[string]any{"name": p.ref + "." + p.version},
		"spec": map[string]any{
			"refName": p.ref, "version": p.version, "releasedAt": p.released,
			"licenses":     []any{"Apache 2.0"},
			"valuesSchema": map[string]any{"openAPIv3": map[string]any{"type": "object", "additionalProperties": false, "properties": p.values}},
			"template": map[string]any{"spec": map[string]any{
				"fetch": []any{map[string]any{"inline": map[string]any{"paths": map[string]any{"config.yml": template, "schema.yml": schema}}}},
				"template": []any{map[string]any{"ytt": map[string]any{
					"paths": []any{"."},
					"valuesFrom": []any{map[string]any{"downwardAPI": map[string]any{"items": []any{
						map[string]any{"name": "install_name", "fieldPath": "metadata.name"},
					}}}},
				}}},
				"deploy": []any{map[string]any{"kapp": map[string]any{}}},
			}},
		},
	}
}

// LocalRepositoryObject is the inline PackageRepository of the local packages.
func LocalRepositoryObject() map[string]any {
	paths := map[string]any{}
	metas := map[string]bool{}
	for _, p := range localPackages() {
		files := []map[string]any{p.object()}
		if !metas[p.ref] {
			metas[p.ref] = true
			files = append(files, map[string]any{
				"apiVersion": "data.packaging.carvel.dev/v1alpha1", "kind": "PackageMetadata",
				"metadata": map[string]any{"name": p.ref},
				"spec":     map[string]any{"displayName": p.display, "shortDescription": p.description, "providerName": "VMware"},
			})
		}
		var docs []string
		for _, f := range files {
			b, err := yaml.Marshal(f)
			if err != nil {
				panic(err) // static data
			}
			docs = append(docs, string(b))
		}
		paths["packages/"+p.ref+"/"+p.version+".yml"] = strings.Join(docs, "---\n")
	}
	return obj("packaging.carvel.dev/v1alpha1", "PackageRepository", LocalRepositoryNamespace, LocalRepository, nil, map[string]any{
		"spec": map[string]any{"fetch": map[string]any{"inline": map[string]any{"paths": paths}}},
	})
}
