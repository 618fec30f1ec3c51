package localcp

// The processes of a control plane: start, readiness, stop, and the state
// file through which a detached control plane is found and stopped later.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

func (cp *ControlPlane) saveState() error {
	state, _ := json.MarshalIndent(cp, "", "  ")
	if err := os.WriteFile(filepath.Join(cp.Dir, stateFile), state, 0o600); err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	return nil
}

func (cp *ControlPlane) start(opts Options, name, bin string, env []string, args ...string) error {
	logFile, err := os.OpenFile(filepath.Join(cp.Dir, "logs", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("creating log for %s: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env // nil: this process's environment
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr(opts.Detach)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting %s: %w", name, err)
	}
	cp.procs = append(cp.procs, cmd)
	cp.files = append(cp.files, logFile)
	if !opts.Detach {
		// Reap the process so an early exit is noticed by waitReady.
		go func() { _ = cmd.Wait() }()
	}
	return nil
}

func (cp *ControlPlane) waitReady(ctx context.Context, name string) error {
	pool := x509.NewCertPool()
	caPEM, err := os.ReadFile(cp.CAFile)
	if err != nil {
		return fmt.Errorf("reading CA: %w", err)
	}
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	lastErr := errors.New("not ready")
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		for _, p := range cp.procs {
			if exited(p) {
				return false, fmt.Errorf("%s exited during start-up; see %s", filepath.Base(p.Path), filepath.Join(cp.Dir, "logs", filepath.Base(p.Path)+".log"))
			}
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cp.Server+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+cp.adminToken)
		resp, err := client.Do(req)
		if err != nil {
			lastErr = err
			return false, nil
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return true, nil
		}
		lastErr = fmt.Errorf("readyz: %s", strings.TrimSpace(string(body)))
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %s: %w (last: %w)", name, err, lastErr)
	}
	return nil
}

func exited(c *exec.Cmd) bool {
	if c.ProcessState != nil {
		return true
	}
	// Detached processes are not reaped by us; signal 0 tells if they live.
	return c.Process.Signal(syscall.Signal(0)) != nil
}

// StopAPIServer stops only kube-apiserver (to test "unreachable").
func (cp *ControlPlane) StopAPIServer() {
	for _, p := range cp.procs {
		if filepath.Base(p.Path) == "kube-apiserver" {
			terminate(p.Process.Pid, 10*time.Second)
		}
	}
}

// Stop terminates every process, newest first, and waits for them.
func (cp *ControlPlane) Stop() {
	if cp == nil {
		return
	}
	for i := len(cp.procs) - 1; i >= 0; i-- {
		terminate(cp.procs[i].Process.Pid, 10*time.Second)
	}
	for _, f := range cp.files {
		f.Close()
	}
	cp.procs, cp.files = nil, nil
}

// StopDir stops a detached control plane from its state directory.
func StopDir(dir string) error {
	cp, err := Load(dir)
	if err != nil {
		return err
	}
	for i := len(cp.PIDs) - 1; i >= 0; i-- {
		terminate(cp.PIDs[i], 10*time.Second)
	}
	return os.Remove(filepath.Join(dir, stateFile))
}

// Load reads the state of a detached control plane.
func Load(dir string) (*ControlPlane, error) {
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, fmt.Errorf("no local control plane in %s: %w", dir, err)
	}
	cp := &ControlPlane{}
	if err := json.Unmarshal(raw, cp); err != nil {
		return nil, fmt.Errorf("reading %s: %w", stateFile, err)
	}
	return cp, nil
}

// Running reports whether every process of a loaded control plane is alive.
func (cp *ControlPlane) Running() bool {
	if len(cp.PIDs) == 0 {
		return false
	}
	for _, pid := range cp.PIDs {
		if syscall.Kill(pid, 0) != nil {
			return false
		}
	}
	return true
}

func terminate(pid int, grace time.Duration) {
	if syscall.Kill(pid, syscall.SIGTERM) != nil {
		return
	}
	deadline := time.Now().Add(grace)
	_ = wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, grace, true, func(context.Context) (bool, error) {
		return !alive(pid), nil
	})
	if alive(pid) || time.Now().After(deadline) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	// A zombie child still answers signal 0; read its state.
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

func freePort() (int, error) { return freePortOn(net.IPv4(127, 0, 0, 1)) }

// FreePort returns a loopback port free at the time of the call.
func FreePort() (int, error) { return freePort() }
