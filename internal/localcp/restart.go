package localcp

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// RestartAPIServer stops kube-apiserver and starts it again with the same
// arguments, on the same port and etcd: an API server that went away in the
// middle of something and came back (the reliability tests).
func (cp *ControlPlane) RestartAPIServer(ctx context.Context) error {
	for i, p := range cp.procs {
		if filepath.Base(p.Path) != "kube-apiserver" {
			continue
		}
		terminate(p.Process.Pid, 10*time.Second)
		cp.procs = append(cp.procs[:i], cp.procs[i+1:]...)
		if err := cp.start(Options{}, "kube-apiserver", p.Path, p.Env, p.Args[1:]...); err != nil {
			return fmt.Errorf("restarting kube-apiserver: %w", err)
		}
		return cp.waitReady(ctx, "kube-apiserver")
	}
	return fmt.Errorf("no kube-apiserver process to restart")
}
