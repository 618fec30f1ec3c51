package carvel

import (
	"testing"
)

var fuzzSchema = map[string]any{"type": "object", "properties": map[string]any{
	"contour": map[string]any{"type": "object", "properties": map[string]any{"replicas": map[string]any{"type": "integer", "minimum": int64(1)}}},
	"envoy":   map[string]any{"type": "object", "nullable": true, "properties": map[string]any{"service": map[string]any{"type": "object", "properties": map[string]any{"type": map[string]any{"type": "string", "enum": []any{"LoadBalancer", "NodePort"}}}}}},
}}

// FuzzValues: any values file and --values setting is loaded and checked
// against a schema, or refused with a typed error; it never panics.
func FuzzValues(f *testing.F) {
	f.Add([]byte("contour:\n  replicas: 3\n"), "envoy.service.type=NodePort")
	f.Add([]byte("contour:\n  replicas: three\nfoo: 1\n"), "contour.replicas")
	f.Add([]byte("- a\n- b\n"), "a.b.c=[1,2]")
	f.Fuzz(func(t *testing.T, raw []byte, setting string) {
		v, err := LoadValues("values.yaml", raw, []string{setting})
		if err != nil {
			return
		}
		for _, p := range v.Validate(fuzzSchema) {
			if p.Message == "" {
				t.Fatalf("a problem without a message: %+v", p)
			}
		}
		if _, err := v.YAML(); err != nil {
			t.Fatalf("valid values do not encode: %v", err)
		}
	})
}

// FuzzStack: any stack file is parsed and ordered, or refused; it never
// panics, and an ordered stack holds every install once.
func FuzzStack(f *testing.F) {
	f.Add([]byte(`apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata: {name: s}
spec:
  namespace: tanzu-packages
  installs:
  - name: cert-manager
    package: cert-manager.tanzu.vmware.com
  - name: contour
    package: contour.tanzu.vmware.com
    dependsOn: [cert-manager]
`))
	f.Add([]byte("kind: PackageStack\nspec:\n  installs:\n  - name: a\n    dependsOn: [a]\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		st, err := ParseStack("stack.yaml", raw)
		if err != nil {
			return
		}
		waves, err := st.Order()
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, w := range waves {
			for _, in := range w {
				if seen[in.Name] {
					t.Fatalf("%s ordered twice", in.Name)
				}
				seen[in.Name] = true
			}
		}
	})
}
