package posture

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// Exception is an accepted finding: the objects of a check matching
// Object (a glob over Kind/namespace/name, as the OBJECTS column names
// them) do not fail it.
type Exception struct {
	ID     string `json:"id"`
	Object string `json:"object"`
	Reason string `json:"reason"`
}

// Exceptions is a file of accepted findings.
type Exceptions []Exception

// ParseExceptions reads a YAML list of {id, object, reason}; an unknown
// ID, a missing field or a bad glob is an InputError at its line.
func ParseExceptions(file string, raw []byte) (Exceptions, error) {
	docs, err := yamldoc.Parse(file, raw)
	if err != nil {
		return nil, err
	}
	var out Exceptions
	for _, d := range docs {
		list, ok := d.Data.([]any)
		if !ok {
			return nil, &errs.InputError{File: file, Line: d.Line(), Err: errors.New("expected a list of {id, object, reason}")}
		}
		for i, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, &errs.InputError{File: file, Line: d.Line(i), Err: errors.New("expected a mapping with id, object and reason")}
			}
			e := Exception{ID: str(m["id"]), Object: str(m["object"]), Reason: str(m["reason"])}
			bad := func(field, msg string) error {
				return &errs.InputError{File: file, Line: d.Line(i, field), Field: field, Err: errors.New(msg)}
			}
			for k := range m {
				if k != "id" && k != "object" && k != "reason" {
					return nil, bad(k, "unknown field: use id, object and reason")
				}
			}
			switch {
			case e.ID == "":
				return nil, bad("id", "missing: the ID of a check ("+strings.Join(IDs(), ", ")+")")
			case e.Object == "":
				return nil, bad("object", "missing: the object to accept, e.g. Pod/ns/name or Namespace/* (a glob)")
			case e.Reason == "":
				return nil, bad("reason", "missing: say why the finding is accepted")
			}
			if _, ok := CheckByID(e.ID); !ok {
				return nil, bad("id", fmt.Sprintf("unknown check ID %q: use one of %s", e.ID, strings.Join(IDs(), ", ")))
			}
			if _, err := path.Match(e.Object, ""); err != nil {
				return nil, bad("object", fmt.Sprintf("%q is not a valid glob", e.Object))
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

// objectName is the object an OBJECTS entry names, without the details in
// parentheses.
func objectName(entry string) string {
	name, _, _ := strings.Cut(entry, " (")
	return name
}

// split divides a check's failing objects into those still failing and
// those an exception accepts.
func (x Exceptions) split(id string, objects []string) (failing, excepted []string) {
	for _, o := range objects {
		accepted := false
		for _, e := range x {
			if e.ID != id {
				continue
			}
			if ok, _ := path.Match(e.Object, objectName(o)); ok {
				accepted = true
				break
			}
		}
		if accepted {
			excepted = append(excepted, o)
		} else {
			failing = append(failing, o)
		}
	}
	return failing, excepted
}
