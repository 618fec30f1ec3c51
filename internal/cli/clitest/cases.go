package clitest

import (
	"strings"
	"testing"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
)

// Case is one run of a command in a table test, and what it must leave.
type Case struct {
	Name string
	Args []string
	// Server makes the server the run talks to: Estate when nil.
	Server func(t testing.TB) *Server
	// Setup changes the server before the run (objects, reactions).
	Setup func(s *Server)
	TTY   bool
	Stdin string
	Env   map[string]string
	// Kubeconfig edits the kubeconfig of the run (Config of the server)
	// before it is written; Home fills the run's fresh $HOME.
	Kubeconfig func(cfg *clientcmdapi.Config)
	Home       func(t testing.TB, home string)

	Code   int
	Stdout []string // each must be in standard output
	Stderr []string // each must be in standard error
	Absent []string // none may be in either
	// NoRequests: the command refused before asking the server anything.
	NoRequests bool
	// NoChanges: nothing was created, changed or deleted (dry runs are
	// fine).
	NoChanges bool
	// Check makes assertions of its own (objects written, requests).
	Check CheckFunc
}

// Args splits a command line on spaces, for table cases.
func Args(line string) []string { return strings.Fields(line) }

// RunCases runs each case as a subtest against a server of its own.
func RunCases(t *testing.T, p cli.Plugin, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			c.Run(t, p)
		})
	}
}

// Run runs the case and checks what it left.
func (c Case) Run(t *testing.T, p cli.Plugin) (*Server, Result) {
	t.Helper()
	s := c.newServer(t)
	if c.Setup != nil {
		c.Setup(s)
	}
	cfg := Config(s)
	if c.Kubeconfig != nil {
		c.Kubeconfig(cfg)
	}
	home := t.TempDir()
	if c.Home != nil {
		c.Home(t, home)
	}
	r := Cmd{Plugin: p, Kubeconfig: WriteKubeconfig(t, cfg), TTY: c.TTY, Stdin: c.Stdin, Env: c.Env, Home: home}.Run(t, c.Args...)
	r.Check(t, c.Code, c.Stdout...)
	if r.Code == c.Code {
		r.CheckErr(t, c.Code, c.Stderr...)
	}
	for _, a := range c.Absent {
		if strings.Contains(r.Stdout, a) || strings.Contains(r.Stderr, a) {
			t.Errorf("output holds %q\n%s", a, r)
		}
	}
	if c.NoRequests {
		s.NoRequests(t)
	}
	if c.NoChanges {
		s.NoChanges(t)
	}
	if c.Check != nil && !t.Failed() {
		c.Check(t, s, r)
	}
	return s, r
}

func (c Case) newServer(t *testing.T) *Server {
	if c.Server != nil {
		return c.Server(t)
	}
	return Estate(t)
}
