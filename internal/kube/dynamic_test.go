package kube

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// TestDecodeUnstructuredAsClientGo: the one-pass decoder builds the same
// objects as client-go's, numbers, escapes, empty and null values and the
// kind of a typed list's items included.
func TestDecodeUnstructuredAsClientGo(t *testing.T) {
	for name, body := range map[string]string{
		"custom resources": `{"apiVersion":"cluster.x-k8s.io/v1beta2","items":[{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Machine",
			"metadata":{"name":"m-1","labels":{"a":"b"},"managedFields":[{"fieldsV1":{"f:spec":{}}}]},
			"spec":{"replicas":3,"ratio":0.5,"big":12345678901234567890,"exp":1e3,"neg":-7,"none":null,"on":true,"empty":[],"obj":{}},
			"status":{"conditions":[{"type":"Ready","status":"True","message":"caf\u00e9 \"q\" \ud83d\ude00"}]}}],
			"kind":"MachineList","metadata":{"continue":"","resourceVersion":"42"}}`,
		"typed list": `{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"s"},"data":{"k":"dg=="}}]}`,
		"no items":   `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":null}`,
		"object":     `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"wc-kubeconfig","namespace":"default"},"data":{"value":"YQ=="},"n":[1,2.5,[3]]}`,
	} {
		t.Run(name, func(t *testing.T) {
			var want, got runtime.Object = &unstructured.UnstructuredList{}, &unstructured.UnstructuredList{}
			if name == "object" {
				want, got = &unstructured.Unstructured{}, &unstructured.Unstructured{}
			}
			if _, _, err := unstructured.UnstructuredJSONScheme.Decode([]byte(body), nil, want); err != nil {
				t.Fatal(err)
			}
			if err := DecodeUnstructured([]byte(body), got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("client-go:\n%#v\none pass:\n%#v", want, got)
			}
		})
	}
	for _, bad := range []string{`[1]`, `{"items":[1]}`, `{"a":1}x`, `{"a":`, `{"a":1e999}`} {
		if err := DecodeUnstructured([]byte(bad), &unstructured.UnstructuredList{}); err == nil {
			t.Errorf("%s: decoded", bad)
		}
	}
}

// TestNewDynamicAsClientGo: the client sends objects as client-go's does
// (a core object keeps its version), decodes lists in one pass, and a
// Status answer is the API server's typed error.
func TestNewDynamicAsClientGo(t *testing.T) {
	var sent map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(body, &sent)
			_, _ = w.Write(body)
		case strings.HasSuffix(r.URL.Path, "/configmaps"):
			_, _ = io.WriteString(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"a","generation":2}}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"configmaps \"b\" not found"}`)
		}
	}))
	defer srv.Close()
	dyn, err := NewDynamic(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	cms := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("default")
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a"}}}
	created, err := cms.Create(context.Background(), obj, metav1.CreateOptions{})
	if err != nil || sent["apiVersion"] != "v1" || created.GetAPIVersion() != "v1" {
		t.Fatalf("create sent %v, got %v, %v", sent, created, err)
	}
	list, err := cms.List(context.Background(), metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 || list.Items[0].GetKind() != "ConfigMap" || list.Items[0].GetGeneration() != 2 {
		t.Fatalf("list: %v, %v", list, err)
	}
	if _, err := cms.Get(context.Background(), "b", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get of a missing object: %v", err)
	}
}
