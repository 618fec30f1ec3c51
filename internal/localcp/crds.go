package localcp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	tkowait "github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// ReadCRDs reads every CustomResourceDefinition in the given files or
// directories (recursively, *.yaml and *.yml; other kinds are skipped).
func ReadCRDs(paths ...string) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, root := range paths {
		var files []string
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading CRDs from %s: %w", root, err)
		}
		sort.Strings(files)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", f, err)
			}
			objs, err := DecodeYAML(raw)
			if err != nil {
				return nil, fmt.Errorf("decoding %s: %w", f, err)
			}
			for _, o := range objs {
				if o.GetKind() == "CustomResourceDefinition" {
					out = append(out, o)
				}
			}
		}
	}
	return out, nil
}

// DecodeYAML splits a multi-document YAML stream into objects.
func DecodeYAML(raw []byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return nil, err
		}
		if len(obj.Object) == 0 {
			continue
		}
		out = append(out, obj)
	}
}

// InstallCRDs server-side applies the CRDs (so reruns converge) and waits
// until every one is Established.
func InstallCRDs(ctx context.Context, cfg *rest.Config, crds []*unstructured.Unstructured) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("creating client: %w", err)
	}
	client := dyn.Resource(crdGVR)
	for _, crd := range crds {
		// Some upstream files carry a status stanza; it is not ours to apply.
		delete(crd.Object, "status")
		body, err := crd.MarshalJSON()
		if err != nil {
			return fmt.Errorf("encoding CRD %s: %w", crd.GetName(), err)
		}
		force := true
		if _, err := client.Patch(ctx, crd.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: "tko-localcp", Force: &force}); err != nil {
			return fmt.Errorf("applying CRD %s: %w", crd.GetName(), err)
		}
	}
	for _, crd := range crds {
		if _, err := tkowait.For(ctx, tkowait.Spec{
			Client:  client,
			Name:    crd.GetName(),
			What:    "CRD " + crd.GetName() + " to be established",
			Timeout: time.Minute,
			Check:   tkowait.ConditionTrue("Established", ""),
		}); err != nil {
			return err
		}
	}
	return nil
}
