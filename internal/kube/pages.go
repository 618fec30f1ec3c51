package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ListPages lists a resource page by page (kubectl's chunk size unless
// opts.Limit says otherwise) and hands each page's objects to fn in order.
func ListPages(ctx context.Context, r *REST, gvr schema.GroupVersionResource, namespace string, opts metav1.ListOptions, fn func(items []unstructured.Unstructured) error) error {
	return rawPages(ctx, r, gvr, namespace, opts, func(raw []byte) error {
		var list unstructured.UnstructuredList
		if err := list.UnmarshalJSON(raw); err != nil {
			return fmt.Errorf("reading the list of %s: %w", gvr.GroupResource(), err)
		}
		return fn(list.Items)
	})
}

// rawPages fetches the pages of a list and hands each body to fn in order.
// The next page is requested as soon as a body has arrived: its continue
// token is read from the list's metadata, which the API server writes
// before the items, so the server builds page N+1 while fn decodes page N.
func rawPages(ctx context.Context, r *REST, gvr schema.GroupVersionResource, namespace string, opts metav1.ListOptions, fn func(raw []byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type body struct {
		raw []byte
		err error
	}
	bodies := make(chan body, 2)
	go func() {
		defer close(bodies)
		cont := opts.Continue
		for {
			req := r.client.Get().AbsPath(Path(gvr, namespace))
			if opts.LabelSelector != "" {
				req = req.Param("labelSelector", opts.LabelSelector)
			}
			if opts.FieldSelector != "" {
				req = req.Param("fieldSelector", opts.FieldSelector)
			}
			limit := opts.Limit
			if limit == 0 {
				limit = pageSize
			}
			req = req.Param("limit", strconv.FormatInt(limit, 10))
			if cont != "" {
				req = req.Param("continue", cont)
			}
			raw, err := do(ctx, req)
			if err == nil {
				cont, err = continueToken(raw)
			}
			select {
			case bodies <- body{raw, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || cont == "" {
				return
			}
		}
	}()
	for b := range bodies {
		if b.err != nil {
			return fmt.Errorf("listing %s: %w", gvr.GroupResource(), b.err)
		}
		if err := fn(b.raw); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// continueToken reads metadata.continue from a list body, stopping at the
// items when the metadata came first (as the API server writes it).
func continueToken(raw []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return "", err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", err
		}
		if key != "metadata" {
			if key == "items" {
				break
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return "", err
			}
			continue
		}
		var meta metav1.ListMeta
		if err := dec.Decode(&meta); err != nil {
			return "", err
		}
		return meta.Continue, nil
	}
	// Custom resources are listed with the metadata after the items (their
	// keys are written in order): read it from the end.
	if meta, ok := trailingListMeta(raw); ok {
		return meta.Continue, nil
	}
	// Anything else: read it the long way.
	var list struct {
		Metadata metav1.ListMeta `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", err
	}
	return list.Metadata.Continue, nil
}

// trailingListMeta reads a list's metadata when it is the last key of the
// body, without scanning the items; ok is false when it is not.
func trailingListMeta(raw []byte) (meta metav1.ListMeta, ok bool) {
	key := []byte(`"metadata":`)
	at := bytes.LastIndex(raw, key)
	if at < 0 {
		return meta, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw[at+len(key):]))
	if err := dec.Decode(&meta); err != nil {
		return meta, false
	}
	// Only the closing brace of the list may follow; otherwise the match was
	// an item's metadata, or the list's was not last.
	rest := bytes.TrimSpace(raw[at+len(key)+int(dec.InputOffset()):])
	return meta, string(rest) == "}"
}
