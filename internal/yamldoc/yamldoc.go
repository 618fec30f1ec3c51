// Package yamldoc reads YAML files and streams keeping the line of every
// node, so that any problem found later can be reported as file:line.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// Document is one parsed YAML document with the positions of its nodes, so
// problems can be reported as file:line.
type Document struct {
	File string
	Node *yaml.Node // the document's root mapping (or other node)
	Data any        // the decoded value (maps, slices, scalars)
}

// ReadFile reads a file, or standard input for "-".
func ReadFile(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, &errs.InputError{File: "-", Err: fmt.Errorf("reading standard input: %w", err)}
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &errs.InputError{File: path, Err: errors.Unwrap(err)}
	}
	return b, nil
}

var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// Parse parses every document of a YAML stream, keeping positions.
// Syntax errors become an InputError with the line.
func Parse(file string, raw []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []Document
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			if m := yamlLineRE().FindStringSubmatch(err.Error()); m != nil {
				line, _ := strconv.Atoi(m[1])
				if strings.HasPrefix(m[2], "did not find expected") {
					// yaml.v3 numbers the lines of its parser's errors (these)
					// from 0 and of its scanner's from 1.
					line++
				}
				return nil, &errs.InputError{File: file, Line: line, Err: errors.New("malformed YAML: " + m[2])}
			}
			return nil, &errs.InputError{File: file, Err: fmt.Errorf("malformed YAML: %w", err)}
		}
		root := &node
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		var data any
		if err := root.Decode(&data); err != nil {
			return nil, &errs.InputError{File: file, Line: root.Line, Err: fmt.Errorf("malformed YAML: %w", err)}
		}
		if data == nil {
			continue
		}
		docs = append(docs, Document{File: file, Node: root, Data: Normalize(data)})
	}
}

// Line returns the line of the value at a path of mapping keys and
// sequence indexes ("spec", "topology", "variables", 3), or of the closest
// parent that exists.
func (d Document) Line(path ...any) int {
	n := d.Node
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch key := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
					line = n.Content[i].Line
					break
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && key < len(n.Content) {
				next = n.Content[key]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// Normalize turns Go ints (from yaml.v3 or Go literals) into int64, the
// integer type apimachinery's JSON objects use, so they can be deep-copied.
func Normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			t[k] = Normalize(val)
		}
		return t
	case []any:
		for i, val := range t {
			t[i] = Normalize(val)
		}
		return t
	case int:
		return int64(t)
	}
	return v
}
