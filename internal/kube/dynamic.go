package kube

import (
	"errors"
	"fmt"
	"io"
	"strings"

	jsoniter "github.com/json-iterator/go"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// NewDynamic is dynamic.NewForConfig with lists and objects decoded in one
// pass (DecodeUnstructured). client-go's decoder reads a list body four
// times (a validating scan, the kind, the items as raw, the whole list as
// maps) and then every item once more: on fleet views that read whole
// lists from every target (audit, health) that was most of the client's
// CPU. Anything it does not decode, errors included, is client-go's.
func NewDynamic(cfg *rest.Config) (*dynamic.DynamicClient, error) {
	c := dynamic.ConfigFor(cfg)
	c.NegotiatedSerializer = onePassSerializer{c.NegotiatedSerializer}
	// As dynamic.NewForConfigAndClient: unversioned, the paths absolute.
	c.GroupVersion = nil
	c.APIPath = "/if-you-see-this-search-for-the-break"
	h, err := rest.HTTPClientFor(c)
	if err != nil {
		return nil, err
	}
	client, err := rest.UnversionedRESTClientForConfigAndClient(c, h)
	if err != nil {
		return nil, err
	}
	return dynamic.New(client), nil
}

// onePassSerializer puts onePassDecoder in front of the JSON serializer.
type onePassSerializer struct{ runtime.NegotiatedSerializer }

func (s onePassSerializer) SupportedMediaTypes() []runtime.SerializerInfo {
	infos := append([]runtime.SerializerInfo(nil), s.NegotiatedSerializer.SupportedMediaTypes()...)
	for i := range infos {
		if infos[i].MediaType == runtime.ContentTypeJSON {
			infos[i].Serializer = onePassDecoder{infos[i].Serializer}
		}
	}
	return infos
}

type onePassDecoder struct{ runtime.Serializer }

func (d onePassDecoder) Decode(data []byte, gvk *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	switch into.(type) {
	case *unstructured.Unstructured, *unstructured.UnstructuredList:
		if DecodeUnstructured(data, into) == nil {
			actual := into.GetObjectKind().GroupVersionKind()
			if actual.Kind != "" {
				return into, &actual, nil
			}
		}
	}
	return d.Serializer.Decode(data, gvk, into)
}

// DecodeUnstructured decodes a JSON object into an Unstructured, or a list
// into an UnstructuredList, in one pass, as client-go does: integers as
// int64, other numbers as float64, and list items without a kind given
// the list's.
func DecodeUnstructured(data []byte, into runtime.Object) error {
	it := jsoniter.ConfigCompatibleWithStandardLibrary.BorrowIterator(data)
	defer jsoniter.ConfigCompatibleWithStandardLibrary.ReturnIterator(it)
	if it.WhatIsNext() != jsoniter.ObjectValue {
		return fmt.Errorf("not a JSON object")
	}
	var err error
	switch u := into.(type) {
	case *unstructured.Unstructured:
		u.Object = readObject(it, &err)
	case *unstructured.UnstructuredList:
		obj := map[string]any{}
		var items []any
		it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
			if key == "items" {
				v := readValue(it, &err)
				if items, _ = v.([]any); items == nil && v != nil && err == nil {
					err = fmt.Errorf("the items are not an array")
				}
			} else {
				obj[key] = readValue(it, &err)
			}
			return err == nil
		})
		u.Object = obj
		apiVersion, kind := u.GetAPIVersion(), u.GetKind()
		itemKind := strings.TrimSuffix(kind, "List")
		u.Items = make([]unstructured.Unstructured, 0, len(items))
		for _, item := range items {
			m, ok := item.(map[string]any)
			if !ok {
				return fmt.Errorf("a list item is not an object")
			}
			v := unstructured.Unstructured{Object: m}
			if v.GetKind() == "" && v.GetAPIVersion() == "" {
				v.SetKind(itemKind)
				v.SetAPIVersion(apiVersion)
			}
			u.Items = append(u.Items, v)
		}
	default:
		return fmt.Errorf("cannot decode into %T", into)
	}
	if err == nil && it.Error != nil {
		err = it.Error
	}
	// Only white space may follow: at its end the iterator says EOF.
	if err == nil && (it.WhatIsNext() != jsoniter.InvalidValue || !errors.Is(it.Error, io.EOF)) {
		err = fmt.Errorf("data after the JSON object")
	}
	return err
}

func readObject(it *jsoniter.Iterator, err *error) map[string]any {
	m := map[string]any{}
	it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
		m[key] = readValue(it, err)
		return *err == nil
	})
	return m
}

// readValue reads one JSON value as encoding/json would into an any,
// except numbers: int64 where they are integers, as client-go keeps them.
func readValue(it *jsoniter.Iterator, err *error) any {
	switch it.WhatIsNext() {
	case jsoniter.StringValue:
		return it.ReadString()
	case jsoniter.NumberValue:
		n := it.ReadNumber()
		if i, e := n.Int64(); e == nil {
			return i
		}
		f, e := n.Float64()
		if e != nil && *err == nil {
			*err = e
		}
		return f
	case jsoniter.NilValue:
		it.ReadNil()
		return nil
	case jsoniter.BoolValue:
		return it.ReadBool()
	case jsoniter.ArrayValue:
		out := []any{}
		it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
			out = append(out, readValue(it, err))
			return *err == nil
		})
		return out
	case jsoniter.ObjectValue:
		return readObject(it, err)
	}
	if *err == nil {
		*err = fmt.Errorf("invalid JSON")
		if it.Error != nil {
			*err = it.Error
		}
	}
	return nil
}
