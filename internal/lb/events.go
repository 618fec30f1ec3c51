package lb

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// AKOComponent is the component AKO reports its Events as, on its pod and
// (since AKO 1.6.1) on the Services, Ingresses, Routes and Gateways it serves.
const AKOComponent = "avi-kubernetes-operator"

// Event is a Kubernetes Event, reduced.
type Event struct {
	Type    string    `json:"type,omitempty"`
	Source  string    `json:"source,omitempty"` // the reporting component
	Reason  string    `json:"reason"`
	Message string    `json:"message"`
	Count   int64     `json:"count"`
	Last    time.Time `json:"last"`
}

// Text is the Event as a table cell: its reason and message on one line.
func (e Event) Text() string { return e.Reason + ": " + oneLine(e.Message) }

// reporter names who wrote the Event, AKO by its product name.
func (e Event) reporter() string {
	switch e.Source {
	case AKOComponent:
		return "AKO"
	case "":
		return "a controller"
	}
	return e.Source
}

func eventFrom(u *unstructured.Unstructured) Event {
	e := Event{}
	e.Type, _, _ = unstructured.NestedString(u.Object, "type")
	e.Reason, _, _ = unstructured.NestedString(u.Object, "reason")
	e.Message, _, _ = unstructured.NestedString(u.Object, "message")
	e.Count, _, _ = unstructured.NestedInt64(u.Object, "count")
	// Events written through events.k8s.io name the reporter in
	// reportingComponent; the older recorders in source.component.
	for _, f := range [][]string{{"reportingComponent"}, {"source", "component"}} {
		if e.Source, _, _ = unstructured.NestedString(u.Object, f...); e.Source != "" {
			break
		}
	}
	for _, f := range [][]string{{"series", "lastObservedTime"}, {"lastTimestamp"}, {"eventTime"}, {"metadata", "creationTimestamp"}} {
		if s, _, _ := unstructured.NestedString(u.Object, f...); s != "" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				e.Last = t
				break
			}
		}
	}
	return e
}

func newestFirst(list []Event) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].Last.After(list[j].Last) })
}

// newest is the newest Event of a type ("" for any).
func newest(list []Event, typ string) (Event, bool) {
	for _, e := range list {
		if typ == "" || e.Type == typ {
			return e, true
		}
	}
	return Event{}, false
}

// listEvents lists Events by a field selector; what RBAC forbids is noted
// as not checked and reads as none.
func (c *Cluster) listEvents(ctx context.Context, dyn dynamic.Interface, namespace, selector, what string) (*unstructured.UnstructuredList, error) {
	list, err := dyn.Resource(events).Namespace(namespace).List(ctx, metav1.ListOptions{FieldSelector: selector})
	switch {
	case apierrors.IsForbidden(err):
		c.Unchecked = append(c.Unchecked, what+" (forbidden)")
		return &unstructured.UnstructuredList{}, nil
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return list, nil
}

// akoWarnings keeps the Warning Events on AKO's pod, newest first.
func (c *Cluster) akoWarnings(evs *unstructured.UnstructuredList) {
	for i := range evs.Items {
		if e := eventFrom(&evs.Items[i]); e.Type == "Warning" {
			c.AKO.Warnings = append(c.AKO.Warnings, e)
		}
	}
	newestFirst(c.AKO.Warnings)
}

// readServiceEvents gives each pending Service the Events whose involved
// object it is, from any reporter, newest first: a controller that serves
// it says why it waits there. Only pending Services need them, so a
// cluster with none is spared the list.
func (c *Cluster) readServiceEvents(ctx context.Context, dyn dynamic.Interface, namespace string) error {
	pending := map[string]*Service{}
	for i := range c.Services {
		if s := &c.Services[i]; s.Pending() {
			pending[s.Namespace+"/"+s.Name] = s
		}
	}
	if len(pending) == 0 {
		return nil
	}
	evs, err := c.listEvents(ctx, dyn, namespace, "involvedObject.kind=Service", "the Services' Events")
	if err != nil {
		return err
	}
	for i := range evs.Items {
		u := &evs.Items[i]
		kind, _, _ := unstructured.NestedString(u.Object, "involvedObject", "kind")
		ns, _, _ := unstructured.NestedString(u.Object, "involvedObject", "namespace")
		name, _, _ := unstructured.NestedString(u.Object, "involvedObject", "name")
		uid, _, _ := unstructured.NestedString(u.Object, "involvedObject", "uid")
		s := pending[ns+"/"+name]
		// An Event of an earlier Service of the same name is not about this one.
		if kind != "Service" || s == nil || uid != "" && s.uid != "" && uid != s.uid {
			continue
		}
		s.Events = append(s.Events, eventFrom(u))
	}
	for _, s := range pending {
		newestFirst(s.Events)
	}
	return nil
}

// reportedByAKO reports a Service AKO has written an Event on.
func (s Service) reportedByAKO() bool {
	return slices.ContainsFunc(s.Events, func(e Event) bool { return e.Source == AKOComponent })
}

// LastEvent is the newest Event on a pending Service, of any type.
func (s Service) LastEvent() (Event, bool) { return newest(s.Events, "") }
