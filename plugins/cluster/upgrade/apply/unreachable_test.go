package apply_test

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// cutter forwards TCP to the test API server until cut: then its port
// refuses connections, as a management cluster gone from the network.
type cutter struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func newCutter(t *testing.T, target string) *cutter {
	c := &cutter{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.cut)
	return c
}

func (c *cutter) serve(ln net.Listener) {
	c.mu.Lock()
	c.ln = ln
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
}

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

func (c *cutter) restore(t *testing.T) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	c.serve(ln)
}

// TestApplyManagementClusterUnreachableMidRun: the management cluster
// goes away while the second wave's cluster is upgraded; the run stops
// there (a timeout or a connection error), saying where; once it answers
// again, --resume finishes without writing the first cluster again.
func TestApplyManagementClusterUnreachableMidRun(t *testing.T) {
	s := fleet(t)
	topo := controller(t, s)
	file := writePlan(t, s)
	proxy := newCutter(t, strings.TrimPrefix(s.URL, "https://"))
	cfg := clitest.Config(s)
	for _, cl := range cfg.Clusters {
		cl.Server = "https://" + proxy.addr
	}
	kubeconfig := clitest.WriteKubeconfig(t, cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 400 {
			if version(s, "wc-prod-2") == to {
				proxy.cut()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	run := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: kubeconfig}
	r := run.Run(t, "upgrade", "apply", "--plan", file, "--skip-backup", "--timeout", "3s", "--request-timeout", "2s")
	<-done
	if (r.Code != 4 && r.Code != 6) || !strings.Contains(r.Stderr, "error: stopped in wave 2 of 3 (done: default/wc-prod-1;") {
		t.Fatalf("exit %d\n%s", r.Code, r)
	}
	proxy.restore(t)
	rolled := topo.Rolled("default/wc-prod-1")
	before := updatesOf(s, "wc-prod-1")
	r = run.Run(t, "upgrade", "apply", "--resume", "--timeout", "20s")
	r.Check(t, 0, "default/wc-prod-2\tDone\t1/1\t"+to, "default/wc-prod-3\tDone\t1/1\t"+to)
	if updatesOf(s, "wc-prod-1") != before || topo.Rolled("default/wc-prod-1") != rolled || updatesOf(s, "wc-prod-2") != 1 {
		t.Errorf("the resume wrote a cluster again: wc-prod-1 %d → %d updates, wc-prod-2 %d", before, updatesOf(s, "wc-prod-1"), updatesOf(s, "wc-prod-2"))
	}
}
