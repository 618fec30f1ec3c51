package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// PrintRawList must print what PrintObjects prints for -o json and yaml,
// byte for byte: with and without managedFields, for no, one and several
// objects, with numbers, escaping, long and multi-line strings and nesting
// of every kind.
func TestPrintRawListMatchesThePrinter(t *testing.T) {
	raw := []string{
		`{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Cluster","metadata":{"name":"a","namespace":"ns","managedFields":[{"manager":"m","operation":"Update","fieldsV1":{"f:spec":{}}}],"labels":{"x":"<&>"}},"spec":{"topology":{"version":"v1.30.2+vmware.1","controlPlane":{"replicas":3},"workers":{"machineDeployments":[]}},"paused":false},"status":{"ratio":1.5,"big":12345678901234,"zero":0,"neg":-2,"exp":1e21,"null":null,"empty":{},"list":[1,"two",{"three":[]}],"unicode":"é\u2028"}}`,
		`{"apiVersion":"run.tanzu.vmware.com/v1alpha3","kind":"TanzuKubernetesCluster","metadata":{"name":"b","namespace":"ns"},"spec":{}}`,
		`{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Cluster","metadata":{"name":"c","namespace":"other","annotations":{"a":"line\nbreak\t\"quoted\"","b":"- starts like a list item: and has a colon","c":"yes","d":"0123","e":""}},"status":{"conditions":[{"type":"Available","status":"False","message":"* MachineDeployment md-0: 1 of 3 machines are not ready because the infrastructure provider reports that the virtual machine could not be cloned from the template in the datastore","lastTransitionTime":"2026-11-26T10:00:00Z"}],"nested":[[1,2],[],{"k":[{"x":null}]}]}}`,
	}
	for _, n := range []int{0, 1, 3} {
		for _, cfg := range []struct {
			format      string
			showManaged bool
		}{{"json", false}, {"json", true}, {"yaml", false}, {"yaml", true}} {
			format, showManaged := cfg.format, cfg.showManaged
			t.Run(fmt.Sprintf("%s, %d objects, managedFields %v", format, n, showManaged), func(t *testing.T) {
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
				o.Output, o.ShowManagedFields = format, showManaged
				var want, got bytes.Buffer
				if err := o.PrintObjects(&want, objs, false); err != nil {
					t.Fatal(err)
				}
				if err := o.PrintRawList(&got, items); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("PrintRawList:\n%s\nPrintObjects:\n%s", got.String(), want.String())
				}
			})
		}
	}
}
