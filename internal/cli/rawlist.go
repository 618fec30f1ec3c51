package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// RawList reports whether -o is a format PrintRawList writes: json or yaml.
func (o *OutputFlags) RawList() bool { f := o.Format(); return f == "json" || f == "yaml" }

// PrintRawList prints objects given as their JSON as the List that
// PrintObjects prints for -o json or yaml, byte for byte, decoding one
// object at a time: a list of thousands is held as the bytes the server
// sent, not as maps (which take ten to twenty times the memory, twice over
// once managedFields are dropped from a copy).
func (o *OutputFlags) PrintRawList(out io.Writer, items []json.RawMessage) error {
	w := bufio.NewWriter(out)
	asYAML := o.Format() == "yaml"
	if asYAML {
		_, _ = w.WriteString("apiVersion: v1\nitems:")
		if len(items) == 0 {
			_, _ = w.WriteString(" []")
		}
		_ = w.WriteByte('\n')
	} else {
		_, _ = w.WriteString("{\n    \"apiVersion\": \"v1\",\n    \"items\": [")
		if len(items) == 0 {
			_ = w.WriteByte(']')
		}
	}
	for i, raw := range items {
		obj, err := o.item(raw)
		if err != nil {
			return fmt.Errorf("printing item %d: %w", i, err)
		}
		if asYAML {
			// Marshalled inside a list of one, the item's lines are indented
			// and folded at the columns they have in the whole List.
			data, err := yaml.Marshal(map[string]any{"items": []any{obj}})
			if err != nil {
				return fmt.Errorf("printing item %d: %w", i, err)
			}
			_, _ = w.Write(bytes.TrimPrefix(data, []byte("items:\n")))
			continue
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
	if asYAML {
		_, _ = w.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	} else {
		if len(items) > 0 {
			_, _ = w.WriteString("\n    ]")
		}
		_, _ = w.WriteString(",\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n")
	}
	return w.Flush()
}

// item decodes one object as an unstructured object would hold it (numbers
// as int64 or float64), without managedFields unless they were asked for.
func (o *OutputFlags) item(raw json.RawMessage) (map[string]any, error) {
	var obj map[string]any
	if err := utiljson.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	if !o.ShowManagedFields {
		unstructured.RemoveNestedField(obj, "metadata", "managedFields")
	}
	return obj, nil
}
