package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
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
			return nil, &InputError{File: "-", Err: fmt.Errorf("reading standard input: %w", err)}
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &InputError{File: path, Err: errors.Unwrap(err)}
	}
	return b, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseYAML parses every document of a YAML stream, keeping positions.
// Syntax errors become an InputError with the line.
func ParseYAML(file string, raw []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []Document
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
				line, _ := strconv.Atoi(m[1])
				return nil, &InputError{File: file, Line: line, Err: errors.New("malformed YAML: " + m[2])}
			}
			return nil, &InputError{File: file, Err: fmt.Errorf("malformed YAML: %w", err)}
		}
		root := &node
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		var data any
		if err := root.Decode(&data); err != nil {
			return nil, &InputError{File: file, Line: root.Line, Err: fmt.Errorf("malformed YAML: %w", err)}
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

// Confirm asks a yes/no question on a terminal. From a script or a pipe it
// refuses (the caller names the flag that skips the question), so nothing
// destructive happens by accident.
func Confirm(in io.Reader, errOut io.Writer, refusal, question string) error {
	if !IsTerminal(in) {
		return Usagef("%s", refusal)
	}
	fmt.Fprintf(errOut, "%s [y/N] ", question)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		fmt.Fprintln(errOut, "Nothing deleted.")
		return &SilentError{Code: ExitFailure}
	}
	return nil
}
