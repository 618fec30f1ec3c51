// Command bench measures kubectl tko against the reference tools, run side
// by side on this machine, and prints the figures and their ratios.
// Timing lives here, never in tests.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

func main() {
	bin := flag.String("bin", "bin", "directory of the built plugins")
	runs := flag.Int("runs", 21, "runs per measurement (the median is reported)")
	listRuns := flag.Int("list-runs", 7, "runs per measurement of the large list benchmarks")
	clusters := flag.Int("clusters", 5000, "Clusters for the list benchmark (spread over 50 namespaces)")
	installRuns := flag.Int("install-runs", 9, "runs per client of the install --wait latency benchmark")
	only := flag.String("only", "", "run one benchmark: startup, size, list, fleet, wan, install or login")
	profile := flag.String("cpuprofile", "", "with wan: run the 100-context list in this process --runs times under a CPU profile written here, and nothing else")
	carriedToo := flag.Bool("carried", true, "with size: also build the plugins from this tree with symbols and print what each carries")
	flag.Parse()
	if err := buildRSS(); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
	defer os.RemoveAll(filepath.Dir(rssBinary))
	kubectl := os.Getenv("TKO_KUBECTL")
	if kubectl == "" {
		fmt.Fprintln(os.Stderr, "error: TKO_KUBECTL is not set: run through 'make bench'")
		os.Exit(2)
	}
	benches := []struct {
		name string
		run  func() error
	}{
		{"startup", func() error { return startup(*bin, kubectl, *runs) }},
		{"size", func() error { return sizes(*bin, kubectl, *carriedToo) }},
		{"list", func() error { return clusterList(*bin, kubectl, *listRuns, 50, *clusters/50) }},
		{"fleet", func() error { return fleetList(*bin, *runs) }},
		{"wan", func() error { return fleetWAN(*bin, *runs, *profile) }},
		{"install", func() error { return installLatency(*bin, kubectl, *installRuns) }},
		{"login", func() error { return loginCached(*bin, kubectl, *runs) }},
	}
	for _, b := range benches {
		if *only != "" && *only != b.name {
			continue
		}
		if err := b.run(); err != nil {
			fmt.Fprintf(os.Stderr, "error: %s: %v\n", b.name, err)
			os.Exit(1)
		}
	}
}

// rssBinary is the measuring helper (./rss), built at start.
var rssBinary string

func buildRSS() error {
	dir, err := os.MkdirTemp("", "tko-bench-rss-")
	if err != nil {
		return err
	}
	rssBinary = filepath.Join(dir, "rss")
	if out, err := exec.Command("go", "build", "-o", rssBinary, "./test/bench/rss").CombinedOutput(); err != nil {
		return fmt.Errorf("building the measuring helper: %w\n%s", err, out)
	}
	return nil
}

// Sample is one measured command.
type Sample struct {
	Wall   time.Duration
	MaxRSS int64         // KiB
	CPU    time.Duration // user and system
}

// measure runs a command n times and returns the median wall time, peak
// resident set size and CPU time.
func measure(n int, env []string, name string, args ...string) (Sample, error) {
	return measureCodes(n, env, []int{0}, name, args...)
}

// measureCodes is measure for a command whose answer may be one of codes
// (a fleet view exits 1 for a target's failure it shows).
func measureCodes(n int, env []string, codes []int, name string, args ...string) (Sample, error) {
	walls := make([]time.Duration, 0, n)
	rss := make([]int64, 0, n)
	cpus := make([]time.Duration, 0, n)
	for range n {
		cmd := exec.Command(rssBinary, append([]string{name}, args...)...)
		cmd.Env = env
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return Sample{}, fmt.Errorf("%s %v: %w", filepath.Base(name), args, err)
		}
		var wall, maxrss, cpu int64
		var code int
		if _, err := fmt.Sscanf(string(out), "%d %d %d %d", &wall, &maxrss, &cpu, &code); err != nil {
			return Sample{}, fmt.Errorf("reading the measurement of %s: %w", filepath.Base(name), err)
		}
		if !slices.Contains(codes, code) {
			return Sample{}, fmt.Errorf("%s %v: exit status %d", filepath.Base(name), args, code)
		}
		walls = append(walls, time.Duration(wall))
		rss = append(rss, maxrss)
		cpus = append(cpus, time.Duration(cpu))
	}
	slices.Sort(walls)
	slices.Sort(rss)
	slices.Sort(cpus)
	return Sample{Wall: walls[len(walls)/2], MaxRSS: rss[len(rss)/2], CPU: cpus[len(cpus)/2]}, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func startup(bin, kubectl string, runs int) error {
	env := append(os.Environ(), "KUBECONFIG=/nonexistent")
	ref, err := measure(runs, env, kubectl, "version", "--client")
	if err != nil {
		return err
	}
	fmt.Printf("Start-up: '<plugin> version' against 'kubectl version --client' (median of %d runs)\n", runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND\tWALL\tKUBECTL\tRATIO\tPEAK RSS\tKUBECTL RSS\tRATIO")
	for _, p := range pluginlist.Binaries() {
		s, err := measure(runs, env, filepath.Join(bin, p), "version")
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s version\t%s\t%s\t%.2fx\t%d MiB\t%d MiB\t%.2fx\n", p, ms(s.Wall), ms(ref.Wall),
			float64(s.Wall)/float64(ref.Wall), s.MaxRSS/1024, ref.MaxRSS/1024, float64(s.MaxRSS)/float64(ref.MaxRSS))
	}
	return tw.Flush()
}

// benchEnv is a local control plane in a temporary directory, with an
// admin dynamic client, for one benchmark.
type benchEnv struct {
	Dir string
	CP  *localcp.ControlPlane
	Cfg *rest.Config
	Dyn dynamic.Interface
}

// startEnv starts a control plane (what says why, on stderr).
func startEnv(ctx context.Context, what string, opts testenv.Options) (*benchEnv, error) {
	dir, err := os.MkdirTemp("", "tko-bench-")
	if err != nil {
		return nil, err
	}
	e := &benchEnv{Dir: dir}
	fmt.Fprintf(os.Stderr, "starting a local control plane %s...\n", what)
	opts.Dir = filepath.Join(dir, "cp")
	if e.CP, _, _, err = testenv.StartInRepo(ctx, opts); err != nil {
		e.Close()
		return nil, err
	}
	if e.Cfg, err = e.CP.RESTConfig(); err == nil {
		e.Cfg.QPS, e.Cfg.Burst = 1000, 2000
		e.Dyn, err = dynamic.NewForConfig(e.Cfg)
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close stops the control plane and removes the directory.
func (e *benchEnv) Close() {
	e.CP.Stop()
	os.RemoveAll(e.Dir)
}
