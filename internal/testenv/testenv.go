// Package testenv assembles a local TKO management cluster: the control
// plane of package localcp, the TKO CRDs and the seeded estate. The demo
// and the integration tests share it, so the demo shows what is tested.
package testenv

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

// Env is what hack/tools.sh --env reports: the tool binaries and CRDs.
type Env map[string]string

// LoadEnv reads the tool locations from the environment (the Makefile
// exports them); when they are missing it asks hack/tools.sh, which only
// prints paths and builds nothing.
func LoadEnv(repoRoot string) (Env, error) {
	env := Env{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "TKO_") {
			env[k] = v
		}
	}
	if env["TKO_KUBE_APISERVER"] != "" {
		return env, nil
	}
	out, err := exec.Command("bash", filepath.Join(repoRoot, "hack", "tools.sh"), "--env").Output()
	if err != nil {
		return nil, fmt.Errorf("locating tools with hack/tools.sh --env: %w", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env, nil
}

// Binaries returns the control-plane binaries.
func (e Env) Binaries() localcp.Binaries {
	return localcp.Binaries{
		Etcd:              e["TKO_ETCD"],
		APIServer:         e["TKO_KUBE_APISERVER"],
		ControllerManager: e["TKO_KUBE_CONTROLLER_MANAGER"],
		Kubectl:           e["TKO_KUBECTL"],
	}
}

// KappBinaries returns kapp-controller and its tools.
func (e Env) KappBinaries() localcp.KappBinaries {
	return localcp.KappBinaries{Controller: e["TKO_KAPP_CONTROLLER"], Kapp: e["TKO_KAPP"], Ytt: e["TKO_YTT"], Vendir: e["TKO_VENDIR"]}
}

// CRDs returns the CRD sources; shared is ../shared/crds when present.
func (e Env) CRDs(repoRoot string) localcp.CRDSources {
	shared := e["TKO_SHARED_CRDS"]
	if shared == "" {
		shared = localcp.FindShared(repoRoot)
	}
	return localcp.CRDSources{ClusterAPI: e["TKO_CAPI_CRDS"], KappController: e["TKO_KAPPCTRL_CRDS"], Shared: shared}
}

// RepoRoot walks up from the working directory to the module root.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "hack", "tools.sh")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside the kubectl-tko repository")
		}
		dir = parent
	}
}

// Options for Start.
type Options struct {
	Dir    string
	Detach bool
	// Bare starts the control plane without CRDs or seed: a plain
	// Kubernetes cluster, as a workload cluster looks to the plugins.
	Bare bool
	Seed bool
	// ServeV1beta1 makes cluster.x-k8s.io serve and store v1beta1 only, as
	// the Cluster API of a TKG 2.x management cluster does.
	ServeV1beta1 bool
	// KappController also runs a real kapp-controller with its aggregated
	// Package API (needs root; see localcp.StartKappController).
	KappController bool
	// AuthenticationConfig is passed to localcp (JWT issuers the API server trusts).
	AuthenticationConfig []byte
	// Address and Port of kube-apiserver (see localcp.Options): a loopback
	// address of its own and a fixed port, as a Supervisor's 6443.
	Address string
	Port    int
	// Velero also installs Velero's CRDs (TKO_VELERO_CRDS, from hack/tools.sh
	// velero-crds) and seeds its objects in recorded states, when present.
	Velero bool
	Log    io.Writer
}

// Start runs a control plane, installs the TKO CRDs and seeds the estate.
func Start(ctx context.Context, env Env, repoRoot string, opts Options) (*localcp.ControlPlane, error) {
	cp, err := localcp.Start(ctx, localcp.Options{Dir: opts.Dir, Binaries: env.Binaries(), Detach: opts.Detach,
		AuthenticationConfig: opts.AuthenticationConfig, Address: opts.Address, Port: opts.Port, Log: opts.Log})
	if err != nil {
		return nil, err
	}
	if err := Prepare(ctx, cp, env, repoRoot, opts); err != nil {
		cp.Stop()
		return nil, err
	}
	if opts.KappController {
		if opts.Log != nil {
			fmt.Fprintln(opts.Log, "starting kapp-controller v0.51.0 with its Package API")
		}
		if err := cp.StartKappController(ctx, env.KappBinaries(), opts.Detach); err != nil {
			cp.Stop()
			return nil, err
		}
	}
	return cp, nil
}

// Prepare installs the CRDs and the seed into a running control plane.
func Prepare(ctx context.Context, cp *localcp.ControlPlane, env Env, repoRoot string, opts Options) error {
	if opts.Bare {
		return nil
	}
	cfg, err := cp.RESTConfig()
	if err != nil {
		return err
	}
	crds, err := localcp.TKOCRDs(env.CRDs(repoRoot))
	if err != nil {
		return err
	}
	if opts.ServeV1beta1 {
		localcp.OnlyVersion(crds, "cluster.x-k8s.io", "v1beta1")
	}
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "installing %d CRDs (Cluster API, kapp-controller, Pinniped, AKO, Tanzu)\n", len(crds))
	}
	if err := localcp.InstallCRDs(ctx, cfg, crds); err != nil {
		return err
	}
	if !opts.Seed {
		return nil
	}
	if err := prepareVelero(ctx, cfg, env, opts); err != nil {
		return err
	}
	if opts.Log != nil {
		fmt.Fprintln(opts.Log, "seeding the TKO estate (ClusterClass, clusters in every state, TKRs, packages, Pinniped, AKO)")
	}
	kubeconfig, err := os.ReadFile(cp.Kubeconfig)
	if err != nil {
		return fmt.Errorf("reading kubeconfig: %w", err)
	}
	return seed.Apply(ctx, cfg, kubeconfig, opts.KappController)
}

// StartInRepo finds the repository and its tools, then starts like Start.
func StartInRepo(ctx context.Context, opts Options) (*localcp.ControlPlane, Env, string, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, nil, "", err
	}
	env, err := LoadEnv(root)
	if err != nil {
		return nil, nil, "", err
	}
	cp, err := Start(ctx, env, root, opts)
	return cp, env, root, err
}

// Running is what RunTests hands to a test package before its tests run.
type Running struct {
	CP   *localcp.ControlPlane
	Env  Env
	Root string // repository root
	Dyn  dynamic.Interface
	Dir  string // scratch directory, removed afterwards
}

// RunTests starts a control plane for a test package, hands it to setup,
// runs the tests and stops it; TestMain exits with the result. Start-up
// is bounded by timeout.
func RunTests(m interface{ Run() int }, opts Options, timeout time.Duration, setup func(Running) error) int {
	if !flag.Parsed() {
		flag.Parse()
	}
	if testing.Short() {
		// go test -short is the fast loop: nothing here runs without the
		// control plane, so no test of this package is run.
		fmt.Println("skipping this package under -short: its tests need a real control plane (make test runs them)")
		_ = flag.Set("test.run", "^$")
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "tko-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	opts.Dir = filepath.Join(dir, "cp")
	cp, env, root, err := StartInRepo(ctx, opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the local control plane: %v\n", err)
		return 1
	}
	defer cp.Stop()
	cfg, err := cp.RESTConfig()
	if err == nil {
		var dyn dynamic.Interface
		if dyn, err = dynamic.NewForConfig(cfg); err == nil {
			err = setup(Running{CP: cp, Env: env, Root: root, Dyn: dyn, Dir: dir})
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// prepareVelero installs Velero's CRDs and seeds its recorded objects, when
// asked for and hack/tools.sh has fetched the CRDs.
func prepareVelero(ctx context.Context, cfg *rest.Config, env Env, opts Options) error {
	dir := env["TKO_VELERO_CRDS"]
	if !opts.Velero || dir == "" {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		if opts.Log != nil {
			fmt.Fprintln(opts.Log, "no Velero CRDs (hack/tools.sh velero-crds fetches them): the backup commands will say Velero is not installed")
		}
		return nil
	}
	crds, err := localcp.ReadCRDs(files...)
	if err != nil {
		return err
	}
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "installing %d Velero CRDs and seeding Velero's objects in recorded states\n", len(crds))
	}
	if err := localcp.InstallCRDs(ctx, cfg, crds); err != nil {
		return err
	}
	return seed.ApplyVelero(ctx, cfg)
}
