package wait

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Condition is one entry of status.conditions, in the shape shared by
// metav1.Condition, Cluster API and kapp-controller.
type Condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
	Severity           string `json:"severity,omitempty"`
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
	ObservedGeneration int64  `json:"observedGeneration,omitempty"`
}

// Conditions reads the conditions at the given field path (default
// status.conditions).
func Conditions(obj *unstructured.Unstructured, path ...string) []Condition {
	if len(path) == 0 {
		path = []string{"status", "conditions"}
	}
	raw, _, _ := unstructured.NestedSlice(obj.Object, path...)
	out := make([]Condition, 0, len(raw))
	for _, item := range raw {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		c := Condition{}
		c.Type, _ = m["type"].(string)
		c.Status, _ = m["status"].(string)
		c.Reason, _ = m["reason"].(string)
		c.Message, _ = m["message"].(string)
		c.Severity, _ = m["severity"].(string)
		c.LastTransitionTime, _ = m["lastTransitionTime"].(string)
		switch g := m["observedGeneration"].(type) {
		case int64:
			c.ObservedGeneration = g
		case float64:
			c.ObservedGeneration = int64(g)
		}
		out = append(out, c)
	}
	return out
}

// Find returns the condition of the given type.
func Find(conds []Condition, condType string) (Condition, bool) {
	for _, c := range conds {
		if c.Type == condType {
			return c, true
		}
	}
	return Condition{}, false
}

// Observed reports whether the controller has seen the object's current
// generation: a status older than the spec says nothing about the spec.
func Observed(obj *unstructured.Unstructured) bool {
	gen := obj.GetGeneration()
	observed, found, _ := unstructured.NestedInt64(obj.Object, "status", "observedGeneration")
	return !found || gen == 0 || observed >= gen
}

// ConditionTrue is a Check for "condition T is True at the current
// generation". When failType is set and that condition turns True, the
// wait fails with its message.
func ConditionTrue(condType, failType string) Check {
	return func(obj *unstructured.Unstructured) (bool, error) {
		if obj == nil {
			return false, fmt.Errorf("%s was deleted while waiting for %s", "the object", condType)
		}
		if !Observed(obj) {
			return false, nil
		}
		conds := Conditions(obj)
		if failType != "" {
			if c, ok := Find(conds, failType); ok && c.Status == "True" && (c.ObservedGeneration == 0 || c.ObservedGeneration >= obj.GetGeneration()) {
				return false, &FailedError{Kind: obj.GetKind(), Name: obj.GetName(), Condition: c}
			}
		}
		c, ok := Find(conds, condType)
		if !ok || c.Status != "True" {
			return false, nil
		}
		return c.ObservedGeneration == 0 || c.ObservedGeneration >= obj.GetGeneration(), nil
	}
}

// Deleted is a Check for "the object is gone".
func Deleted(obj *unstructured.Unstructured) (bool, error) { return obj == nil, nil }

// FailedError reports a failure condition met while waiting.
type FailedError struct {
	Kind, Name string
	Condition  Condition
}

func (e *FailedError) Error() string {
	msg := e.Condition.Message
	if msg == "" {
		msg = e.Condition.Reason
	}
	return fmt.Sprintf("%s %q is %s: %s", e.Kind, e.Name, e.Condition.Type, msg)
}
