package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
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
		buf *bytes.Buffer
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
			buf, err := readBody(ctx, req)
			if err == nil {
				cont, err = continueToken(buf.Bytes())
			}
			select {
			case bodies <- body{buf, err}:
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
		err := fn(b.buf.Bytes())
		if b.buf.Cap() <= maxPooled {
			bodyPool.Put(b.buf)
		}
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// bodyPool keeps list bodies for the next list: a fleet run reads a body or
// two from every target, and growing each from nothing was a tenth of the
// client's CPU. A body is put back once decoded; the decoders copy what
// they keep.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled is the largest body kept for reuse.
const maxPooled = 4 << 20

// readBody sends a request and reads the body into a pooled buffer; an
// error is the API server's Status, as do returns it.
func readBody(ctx context.Context, req *rest.Request) (*bytes.Buffer, error) {
	stream, err := req.Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	if _, err := buf.ReadFrom(stream); err != nil {
		return nil, err
	}
	return buf, nil
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
