package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

// The distance between sites: each direction of every connection to a
// fleet context is held this long (a 50 ms round trip).
const wanDelayEachWay = 25 * time.Millisecond

// fleetWAN measures fleet views with every context its own server address
// at WAN distance (wan.go): one context, 10, 100 and 1,000; 100 with one
// context that never answers and with five that refuse TLS; and each fleet
// verb at 100 contexts against its one-context time.
func fleetWAN(bin string, runs int, profile, profileVerb, verbs string) error {
	ctx := context.Background()
	e, err := startEnv(ctx, "for the fleet benchmark at WAN distance", testenv.Options{Seed: true, Velero: true})
	if err != nil {
		return err
	}
	defer e.Close()
	raw, err := clientcmd.LoadFromFile(e.CP.Kubeconfig)
	if err != nil {
		return err
	}
	base := raw.Contexts[raw.CurrentContext]
	cluster := raw.Clusters[base.Cluster]
	target := strings.TrimPrefix(cluster.Server, "https://")
	w := newWAN(target, wanDelayEachWay, 30*time.Minute, 20000)
	defer w.Close()
	rtt, err := checkWAN(w)
	if err != nil {
		return err
	}

	// kubeconfig writes one with n contexts, each its own site; kinds
	// replaces the first sites' kind (silent, refusing).
	kubeconfig := func(n int, kinds ...int) (string, error) {
		cfg := raw.DeepCopy()
		cfg.Contexts, cfg.Clusters = map[string]*clientcmdapi.Context{}, map[string]*clientcmdapi.Cluster{}
		for i := range n {
			kind := wanDelay
			if i < len(kinds) {
				kind = kinds[i]
			}
			addr, err := w.Listen(kind)
			if err != nil {
				return "", err
			}
			name := fmt.Sprintf("site-%04d", i)
			c := cluster.DeepCopy()
			c.Server = "https://" + addr
			cfg.Clusters[name] = c
			ctxCopy := base.DeepCopy()
			ctxCopy.Cluster = name
			cfg.Contexts[name] = ctxCopy
		}
		// The last site is the current context: a healthy one.
		cfg.CurrentContext = fmt.Sprintf("site-%04d", n-1)
		p := filepath.Join(e.Dir, fmt.Sprintf("fleet-%d-%d.kubeconfig", n, len(kinds)))
		return p, clientcmd.WriteToFile(*cfg, p)
	}
	env := func(kc string) []string { return append(os.Environ(), "KUBECONFIG="+kc, "HOME="+e.Dir) }
	pluginBin := filepath.Join(bin, "kubectl-tko-cluster")
	if profile != "" {
		os.Setenv("HOME", e.Dir)
		return profileFleet(profile, profileVerb, runs, 100, kubeconfig)
	}
	if verbs != "" {
		return fleetVerbs(kubeconfig, env, bin, runs, e.CP.PIDs, verbs)
	}

	fmt.Printf("\nFleet at WAN distance: every context its own address behind a loopback proxy holding each direction %s (measured round trip %s); median of %d runs (5 for 1,000 contexts)\n",
		wanDelayEachWay, ms(rtt), runs)
	one, err := kubeconfig(1)
	if err != nil {
		return err
	}
	_, _ = measure(1, env(one), pluginBin, "list", "-A")
	single, err := measure(runs, env(one), pluginBin, "list", "-A")
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTEXTS\tFLAGS\tWALL\tCLIENT CPU\tCPU PER EXTRA CONTEXT\tWALL RATIO\tGOAL")
	row := func(n int, flags string, s Sample, goal string) {
		perExtra := "-"
		if n > 1 {
			perExtra = ms((s.CPU - single.CPU) / time.Duration(n-1))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2fx\t%s\n", n, flags, ms(s.Wall), ms(s.CPU), perExtra, float64(s.Wall)/float64(single.Wall), goal)
	}
	row(1, "-", single, "")
	var at100 Sample
	plugin := map[int]Sample{1: single} // by contexts, default flags
	for _, c := range []struct {
		n     int
		flags []string
		goal  string
	}{{10, nil, "≤ 1.3x"}, {100, nil, "≤ 2.0x"}, {100, []string{"--parallel", "16"}, ""}, {1000, nil, "(floor below)"}, {1000, []string{"--parallel", "1000"}, ""}} {
		kc, err := kubeconfig(c.n)
		if err != nil {
			return err
		}
		n := runs
		if c.n >= 1000 {
			n = min(runs, 5)
		}
		s, err := measure(n, env(kc), pluginBin, append([]string{"list", "-A", "--all-contexts"}, c.flags...)...)
		if err != nil {
			return err
		}
		if c.n == 100 && c.flags == nil {
			at100 = s
		}
		if c.flags == nil {
			plugin[c.n] = s
		}
		row(c.n, orDash(strings.Join(c.flags, " ")), s, c.goal)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The client's own CPU, spread over the cores, is a floor no run goes
	// under, whatever the network; so is one round trip's worth of work.
	cores := time.Duration(runtime.NumCPU())
	fmt.Printf("floor at 100 contexts: the client's CPU over %d cores, %s (%.2fx); the server's share on this machine is not in it\n",
		runtime.NumCPU(), ms(at100.CPU/cores), float64(at100.CPU/cores)/float64(single.Wall))
	if err := fleetFloor(e, raw, kubeconfig, runs, plugin); err != nil {
		return err
	}

	if err := slowSites(kubeconfig, env, pluginBin, single); err != nil {
		return err
	}
	return fleetVerbs(kubeconfig, env, bin, runs, e.CP.PIDs, "")
}

// slowSites: one context of 100 that never answers, five that refuse TLS.
// The view must come back within the per-target timeout plus the time of
// the others, with every other row, exit 0.
func slowSites(kubeconfig func(int, ...int) (string, error), env func(string) []string, plugin string, single Sample) error {
	fmt.Println("\nOne slow cluster does not hold the fleet: 'cluster list -A --all-contexts' over 100 contexts")
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tWALL\tEXIT\tROWS\tERROR ROWS\tBOUND")
	const targetTimeout = 5 * time.Second
	for _, c := range []struct {
		name  string
		kinds []int
		bound time.Duration
	}{
		{"1 of 100 never answers", []int{wanSilent}, targetTimeout + 2*time.Second},
		{"5 of 100 refuse TLS", []int{wanRefuser, wanRefuser, wanRefuser, wanRefuser, wanRefuser}, 2 * time.Second},
	} {
		kc, err := kubeconfig(100, c.kinds...)
		if err != nil {
			return err
		}
		cmd := exec.Command(plugin, "list", "-A", "--all-contexts", "--target-timeout", targetTimeout.String())
		cmd.Env = env(kc)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		start := time.Now()
		err = cmd.Run()
		wall := time.Since(start)
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			return err
		}
		rows, errRows := 0, 0
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
			rows++
			if strings.Contains(l, "Error") || strings.Contains(l, "error") {
				errRows++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", c.name, ms(wall), code, rows, errRows, ms(c.bound+single.Wall))
	}
	return tw.Flush()
}

// fleetVerbs measures each fleet verb over 100 contexts against its time
// on one; when only is set, the verbs containing one of its comma-separated words.
// The control plane runs on the same cores as the client: its CPU per
// run (etcd, kube-apiserver, ...) is a floor too, shown beside the client's.
func fleetVerbs(kubeconfig func(int, ...int) (string, error), env func(string) []string, bin string, runs int, serverPIDs []int, only string) error {
	one, err := kubeconfig(1)
	if err != nil {
		return err
	}
	many, err := kubeconfig(100)
	if err != nil {
		return err
	}
	fmt.Println("\nEvery fleet verb over 100 contexts against the same on one (goal ≤ 2.5x each)")
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND\tONE CONTEXT\t100 CONTEXTS\tRATIO\tCLIENT CPU PER EXTRA CONTEXT\tCPU FLOOR\tSERVER CPU 1 / 100\tMACHINE FLOOR")
	// Exit 1 is these views' answer for the seeded estate (audit FAIL
	// rows, health errors): measured as any other.
	answers := []int{0, 1}
	for _, v := range [][]string{
		{"kubectl-tko-observe", "health", "-A"},
		{"kubectl-tko-cluster", "audit", "-A"},
		{"kubectl-tko-cluster", "policy", "status"},
		{"kubectl-tko-cluster", "backup", "status"},
		{"kubectl-tko-lb", "status", "-A"},
	} {
		if only != "" && !slices.ContainsFunc(strings.Split(only, ","), func(o string) bool {
			return strings.Contains(strings.TrimPrefix(v[0], "kubectl-tko-")+" "+strings.Join(v[1:], " "), o)
		}) {
			continue
		}
		bin := filepath.Join(bin, v[0])
		_, _ = measureCodes(1, env(one), answers, bin, v[1:]...)
		server0 := processCPU(serverPIDs)
		s1, err := measureCodes(runs, env(one), answers, bin, v[1:]...)
		server1 := processCPU(serverPIDs)
		if err != nil {
			fmt.Fprintf(tw, "%s\t(%v)\t\t\n", strings.Join(v[1:], " "), err)
			continue
		}
		s100, err := measureCodes(runs, env(many), answers, bin, append(append([]string{}, v[1:]...), "--all-contexts")...)
		server100 := processCPU(serverPIDs)
		if err != nil {
			fmt.Fprintf(tw, "%s\t%s\t(%v)\t\n", strings.Join(v[1:], " "), ms(s1.Wall), err)
			continue
		}
		floor := s100.CPU / time.Duration(runtime.NumCPU())
		perRun1, perRun100 := (server1-server0)/time.Duration(runs), (server100-server1)/time.Duration(runs)
		machine := (s100.CPU + perRun100) / time.Duration(runtime.NumCPU())
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2fx\t%s\t%.2fx\t%s / %s\t%.2fx\n", strings.Join(v[1:], " "), ms(s1.Wall), ms(s100.Wall), float64(s100.Wall)/float64(s1.Wall),
			ms((s100.CPU-s1.CPU)/99), float64(floor)/float64(s1.Wall), ms(perRun1), ms(perRun100), float64(machine)/float64(s1.Wall))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
