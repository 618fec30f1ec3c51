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
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

func main() {
	bin := flag.String("bin", "bin", "directory of the built plugins")
	runs := flag.Int("runs", 21, "runs per measurement (the median is reported)")
	listRuns := flag.Int("list-runs", 7, "runs per measurement of the large list benchmarks")
	clusters := flag.Int("clusters", 5000, "Clusters for the list benchmark (spread over 50 namespaces)")
	installRuns := flag.Int("install-runs", 9, "runs per client of the install --wait latency benchmark")
	only := flag.String("only", "", "run one benchmark: startup, size, list, fleet, wan, install or login")
	profile := flag.String("cpuprofile", "", "with wan: run -profile-verb over 100 contexts in this process --runs times under a CPU profile written here, and nothing else")
	profileVerb := flag.String("profile-verb", "cluster list -A", "with -cpuprofile: the fleet verb to profile, plugin first (cluster audit -A, lb status -A, observe health -A)")
	verbs := flag.String("verbs", "", "with wan: measure only the fleet verbs whose command contains one of these, comma-separated (audit,lb status), without the list figures")
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
		{"wan", func() error { return fleetWAN(*bin, *runs, *profile, *profileVerb, *verbs) }},
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
	MinFlt int64         // minor page faults
}

// measure runs a command n times and returns the median wall time, peak
// resident set size and CPU time.
func measure(n int, env []string, name string, args ...string) (Sample, error) {
	return measureCodes(n, env, []int{0}, name, args...)
}

// measureCodes is measure for a command whose answer may be one of codes
// (a fleet view exits 1 for a target's failure it shows).
func measureCodes(n int, env []string, codes []int, name string, args ...string) (Sample, error) {
	samples := make([]Sample, 0, n)
	for range n {
		s, err := measureOnce(env, codes, name, args...)
		if err != nil {
			return Sample{}, err
		}
		samples = append(samples, s)
	}
	return median(samples), nil
}

// measureOnce runs a command once through the measuring helper.
func measureOnce(env []string, codes []int, name string, args ...string) (Sample, error) {
	cmd := exec.Command(rssBinary, append([]string{name}, args...)...)
	cmd.Env = env
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return Sample{}, fmt.Errorf("%s %v: %w", filepath.Base(name), args, err)
	}
	var wall, maxrss, cpu, minflt int64
	var code int
	if _, err := fmt.Sscanf(string(out), "%d %d %d %d %d", &wall, &maxrss, &cpu, &code, &minflt); err != nil {
		return Sample{}, fmt.Errorf("reading the measurement of %s: %w", filepath.Base(name), err)
	}
	if !slices.Contains(codes, code) {
		return Sample{}, fmt.Errorf("%s %v: exit status %d", filepath.Base(name), args, code)
	}
	return Sample{Wall: time.Duration(wall), MaxRSS: maxrss, CPU: time.Duration(cpu), MinFlt: minflt}, nil
}

// median takes the median of each field on its own.
func median(samples []Sample) Sample {
	pick := func(get func(Sample) int64) int64 {
		v := make([]int64, len(samples))
		for i, s := range samples {
			v[i] = get(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return Sample{
		Wall:   time.Duration(pick(func(s Sample) int64 { return int64(s.Wall) })),
		MaxRSS: pick(func(s Sample) int64 { return s.MaxRSS }),
		CPU:    time.Duration(pick(func(s Sample) int64 { return int64(s.CPU) })),
		MinFlt: pick(func(s Sample) int64 { return s.MinFlt }),
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

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
