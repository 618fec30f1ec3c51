package cmdutil

import (
	"bytes"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// TestStream is an in-memory stream that says whether it is a terminal, so
// tests reach a command's TTY paths (aligned tables, --wait by default,
// streamed progress, prompts) without a pseudo-terminal.
type TestStream struct {
	bytes.Buffer
	TTY bool
}

// IsTerminal reports what the test chose.
func (s *TestStream) IsTerminal() bool { return s.TTY }

// TestStreams returns IOStreams over in-memory buffers; tty makes all three
// look like a terminal.
func TestStreams(tty bool) (streams genericiooptions.IOStreams, in, out, errOut *TestStream) {
	in, out, errOut = &TestStream{TTY: tty}, &TestStream{TTY: tty}, &TestStream{TTY: tty}
	return genericiooptions.IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}
