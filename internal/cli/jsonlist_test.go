package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// PrintJSONList must print what PrintObjects prints for -o json, byte for
// byte: with and without managedFields, for no, one and several objects,
// with numbers, escaping and nesting of every kind.
func TestPrintJSONListMatchesThePrinter(t *testing.T) {
	raw := []string{
		`{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Cluster","metadata":{"name":"a","namespace":"ns","managedFields":[{"manager":"m","operation":"Update","fieldsV1":{"f:spec":{}}}],"labels":{"x":"<&>"}},"spec":{"topology":{"version":"v1.30.2+vmware.1","controlPlane":{"replicas":3},"workers":{"machineDeployments":[]}},"paused":false},"status":{"ratio":1.5,"big":12345678901234,"zero":0,"neg":-2,"exp":1e21,"null":null,"empty":{},"list":[1,"two",{"three":[]}],"unicode":"é\u2028"}}`,
		`{"apiVersion":"run.tanzu.vmware.com/v1alpha3","kind":"TanzuKubernetesCluster","metadata":{"name":"b","namespace":"ns"},"spec":{}}`,
		`{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Cluster","metadata":{"name":"c","namespace":"other","annotations":{"a":"line\nbreak\t\"quoted\""}}}`,
	}
	for _, n := range []int{0, 1, 3} {
		for _, showManaged := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d objects, managedFields %v", n, showManaged), func(t *testing.T) {
				var objs []*unstructured.Unstructured
				var items []json.RawMessage
				for _, r := range raw[:n] {
					u := &unstructured.Unstructured{}
					if err := u.UnmarshalJSON([]byte(r)); err != nil {
						t.Fatal(err)
					}
					objs = append(objs, u)
					items = append(items, json.RawMessage(r))
				}
				o := NewOutputFlags()
				o.Output, o.ShowManagedFields = "json", showManaged
				var want, got bytes.Buffer
				if err := o.PrintObjects(&want, objs, false); err != nil {
					t.Fatal(err)
				}
				if err := o.PrintJSONList(&got, items); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("PrintJSONList:\n%s\nPrintObjects:\n%s", got.String(), want.String())
				}
			})
		}
	}
}
