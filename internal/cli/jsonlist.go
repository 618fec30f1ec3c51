package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// JSONList reports whether -o is json, the format PrintJSONList writes.
func (o *OutputFlags) JSONList() bool { return o.Format() == "json" }

// PrintJSONList prints objects given as their JSON as the List that
// PrintObjects prints for -o json, byte for byte, decoding one object at a
// time: a list of thousands is held as the bytes the server sent, not as
// maps (which take ten to twenty times the memory, twice over once
// managedFields are dropped from a copy).
func (o *OutputFlags) PrintJSONList(out io.Writer, items []json.RawMessage) error {
	const tail = "\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	w := bufio.NewWriter(out)
	if len(items) == 0 {
		_, _ = w.WriteString("{\n    \"apiVersion\": \"v1\",\n    \"items\": []," + tail)
		return w.Flush()
	}
	_, _ = w.WriteString("{\n    \"apiVersion\": \"v1\",\n    \"items\": [")
	for i, raw := range items {
		// Numbers decode as they do into unstructured objects (int64 or
		// float64), so they print the same.
		var obj map[string]any
		if err := utiljson.Unmarshal(raw, &obj); err != nil {
			return fmt.Errorf("printing item %d: %w", i, err)
		}
		if !o.ShowManagedFields {
			unstructured.RemoveNestedField(obj, "metadata", "managedFields")
		}
		data, err := json.MarshalIndent(obj, "        ", "    ")
		if err != nil {
			return fmt.Errorf("printing item %d: %w", i, err)
		}
		if i > 0 {
			_ = w.WriteByte(',')
		}
		_, _ = w.WriteString("\n        ")
		_, _ = w.Write(data)
	}
	_, _ = w.WriteString("\n    ]," + tail)
	return w.Flush()
}
