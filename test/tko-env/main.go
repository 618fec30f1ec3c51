// Command tko-env runs the local TKO management cluster for the demo and
// for developers: up (start, install CRDs, seed), down, status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tko-env", flag.ContinueOnError)
	dir := fs.String("dir", ".tko-env", "state directory (kubeconfig, logs, etcd data)")
	kapp := fs.Bool("kapp-controller", false, "also run kapp-controller with its Package API (root only)")
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: tko-env up|down|status|kubeconfig|play-upgrade [--dir DIR]")
		return 2
	}
	verb := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch verb {
	case "up":
		err = up(ctx, abs, *kapp, stderr)
		if err == nil {
			fmt.Fprintln(stdout, filepath.Join(abs, "kubeconfig"))
		}
	case "play-upgrade":
		err = playUpgrade(ctx, abs, stdout, stderr)
	case "down":
		err = localcp.StopDir(abs)
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	case "status", "kubeconfig":
		var cp *localcp.ControlPlane
		cp, err = localcp.Load(abs)
		if err == nil && !cp.Running() {
			err = fmt.Errorf("the local control plane in %s is not running: start it with 'make demo' or 'tko-env up'", abs)
		}
		if err == nil && verb == "status" {
			fmt.Fprintf(stdout, "running: %s (kubeconfig %s)\n", cp.Server, cp.Kubeconfig)
		} else if err == nil {
			fmt.Fprintln(stdout, cp.Kubeconfig)
		}
	default:
		fmt.Fprintf(stderr, "error: unknown command %q: use up, down, status, kubeconfig or play-upgrade\n", verb)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

func up(ctx context.Context, dir string, kapp bool, log io.Writer) error {
	root, err := testenv.RepoRoot()
	if err != nil {
		return err
	}
	env, err := testenv.LoadEnv(root)
	if err != nil {
		return err
	}
	if cp, err := localcp.Load(dir); err == nil && cp.Running() {
		fmt.Fprintf(log, "local control plane already running at %s; refreshing CRDs and seed\n", cp.Server)
		return testenv.Prepare(ctx, cp, env, root, testenv.Options{Seed: true, Velero: true, Log: log})
	}
	_ = localcp.StopDir(dir)
	_ = os.RemoveAll(dir)
	_, err = testenv.Start(ctx, env, root, testenv.Options{Dir: dir, Detach: true, Seed: true, KappController: kapp, Velero: true, Log: log})
	return err
}
