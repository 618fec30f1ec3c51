package kube

import (
	"encoding/json"
	"testing"
)

// DecodeOnePass matches field names as the API server does: exactly,
// where encoding/json also takes a name that differs in case; and it
// skips what the struct does not hold, managedFields' keys included.
func TestDecodeOnePassMatchesNamesExactly(t *testing.T) {
	type fields struct {
		Name  string `json:"name"`
		Phase string `json:"phase"`
	}
	raw := []byte(`{"name":"exact","PHASE":"other case","managedFields":[{"fieldsV1":{"k:{\"type\":\"Ready\"}":{}}}]}`)
	var got, std fields
	if err := DecodeOnePass(raw, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &std); err != nil {
		t.Fatal(err)
	}
	if got != (fields{Name: "exact"}) || std.Phase != "other case" {
		t.Errorf("one pass %+v, encoding/json %+v", got, std)
	}
}
