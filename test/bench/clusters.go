package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

var clustersGVR = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}

// clusterList measures `cluster list -A` over many Clusters against curl
// fetching the same list (the server's own cost) and `kubectl get clusters
// -A -o json`, on the same server.
func clusterList(bin, kubectl string, runs, namespaces, perNamespace int) error {
	ctx := context.Background()
	e, err := startEnv(ctx, fmt.Sprintf("and creating %d Clusters in %d namespaces", namespaces*perNamespace, namespaces), testenv.Options{})
	if err != nil {
		return err
	}
	defer e.Close()
	dir, cp, cfg, dyn := e.Dir, e.CP, e.Cfg, e.Dyn
	start := time.Now()
	if err := fill(ctx, dyn, namespaces, perNamespace); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created in %s\n", time.Since(start).Round(time.Second))

	env := append(os.Environ(), "KUBECONFIG="+cp.Kubeconfig, "HOME="+dir)
	// Warm up both tools first.
	_, _ = measure(1, env, kubectl, "get", "clusters.cluster.x-k8s.io", "-A", "-o", "json")
	_, _ = measure(1, env, filepath.Join(bin, "kubectl-tko-cluster"), "list", "-A")
	ref, err := measure(runs, env, kubectl, "get", "clusters.cluster.x-k8s.io", "-A", "-o", "json")
	if err != nil {
		return err
	}
	floor, err := curlFloor(dir, cfg, runs)
	if err != nil {
		return err
	}
	fmt.Printf("\n'cluster list -A' over %d Clusters in %d namespaces (median of %d runs; piped output); goal: wall 1.5x the curl floor, RSS 0.35x kubectl\n", namespaces*perNamespace, namespaces, runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND\tWALL\tPEAK RSS\tWALL/CURL\tWALL/KUBECTL\tRSS/KUBECTL")
	row := func(name string, s Sample) {
		fmt.Fprintf(tw, "%s\t%s\t%d MiB\t%.2fx\t%.2fx\t%.2fx\n", name, ms(s.Wall), s.MaxRSS/1024,
			float64(s.Wall)/float64(floor.Wall), float64(s.Wall)/float64(ref.Wall), float64(s.MaxRSS)/float64(ref.MaxRSS))
	}
	row("curl (the server streaming the list)", floor)
	row("kubectl get clusters -A -o json", ref)
	for _, args := range [][]string{{"list", "-A"}, {"list", "-A", "-o", "wide"}, {"list", "-A", "-o", "json"}, {"list", "-A", "-o", "yaml"}} {
		s, err := measure(runs, env, filepath.Join(bin, "kubectl-tko-cluster"), args...)
		if err != nil {
			return err
		}
		row(fmt.Sprintf("kubectl-tko-cluster %v", args), s)
	}
	return tw.Flush()
}

// curlFloor times curl fetching the whole Cluster list in one response:
// what the API server alone costs, with nothing decoded.
func curlFloor(dir string, cfg *rest.Config, runs int) (Sample, error) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		return Sample{}, fmt.Errorf("the list benchmark compares against curl, which is not on PATH")
	}
	ca := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(ca, cfg.CAData, 0o600); err != nil {
		return Sample{}, err
	}
	url := cfg.Host + "/apis/" + clustersGVR.Group + "/" + clustersGVR.Version + "/" + clustersGVR.Resource
	// The token goes in a header file, not on the command line.
	header := filepath.Join(dir, "auth-header")
	if err := os.WriteFile(header, []byte("Authorization: Bearer "+cfg.BearerToken+"\n"), 0o600); err != nil {
		return Sample{}, err
	}
	// The API server indents JSON for a client that calls itself curl; the
	// floor is the compact form every other client gets.
	return measure(runs, os.Environ(), curl, "-sSf", "--cacert", ca, "-H", "@"+header, "-H", "Accept: application/json", "-A", "kubectl-tko-bench", "-o", "/dev/null", url)
}

// fleetList measures `cluster list -A --all-contexts` over ten contexts of
// a management cluster with the seeded estate's five Clusters against
// `cluster list -A` on one of them.
func fleetList(bin string, runs int) error {
	ctx := context.Background()
	e, err := startEnv(ctx, "for the fleet benchmark", testenv.Options{})
	if err != nil {
		return err
	}
	defer e.Close()
	dir, cp, dyn := e.Dir, e.CP, e.Dyn
	if err := fillNamespace(ctx, dyn, "fleet", 5); err != nil {
		return err
	}
	raw, err := clientcmd.LoadFromFile(cp.Kubeconfig)
	if err != nil {
		return err
	}
	base := raw.Contexts[raw.CurrentContext]
	raw.Contexts = map[string]*clientcmdapi.Context{}
	for i := range 10 {
		raw.Contexts[fmt.Sprintf("mgmt-%02d", i)] = base.DeepCopy()
	}
	raw.CurrentContext = "mgmt-00"
	fleetFile := filepath.Join(dir, "fleet-kubeconfig")
	if err := clientcmd.WriteToFile(*raw, fleetFile); err != nil {
		return err
	}
	env := append(os.Environ(), "KUBECONFIG="+fleetFile, "HOME="+dir)
	plugin := filepath.Join(bin, "kubectl-tko-cluster")
	_, _ = measure(1, env, plugin, "list", "-A", "--all-contexts")
	single, singleServer, err := measureWithServer(e.CP.PIDs, runs, env, plugin, "list", "-A")
	if err != nil {
		return err
	}
	multi, multiServer, err := measureWithServer(e.CP.PIDs, runs, env, plugin, "list", "-A", "--all-contexts")
	if err != nil {
		return err
	}
	fmt.Printf("\nFleet: 'cluster list -A --all-contexts' over 10 contexts against 'cluster list -A' on one (median of %d runs); goal 1.3x\n", runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND\tWALL\tCLIENT CPU\tSERVER CPU\tPEAK RSS\tWALL RATIO")
	fmt.Fprintf(tw, "one context\t%s\t%s\t%s\t%d MiB\t1.00x\n", ms(single.Wall), ms(single.CPU), ms(singleServer), single.MaxRSS/1024)
	fmt.Fprintf(tw, "ten contexts\t%s\t%s\t%s\t%d MiB\t%.2fx\n", ms(multi.Wall), ms(multi.CPU), ms(multiServer), multi.MaxRSS/1024, float64(multi.Wall)/float64(single.Wall))
	if err := tw.Flush(); err != nil {
		return err
	}
	// Every context here is served by the same local API server on the same
	// cores as the client: no run can be shorter than the CPU both sides
	// spend, spread over the cores.
	cores := time.Duration(runtime.NumCPU())
	floor := (multi.CPU + multiServer) / cores
	// The same with a client that would spend nothing per extra context:
	// what the control plane alone imposes.
	serverFloor := max(single.Wall, (single.CPU+multiServer)/cores)
	fmt.Printf("per extra context: client %s, control plane %s of CPU; ten contexts on %d cores cannot take under %s (%.2fx),\n",
		ms((multi.CPU-single.CPU)/9), ms((multiServer-singleServer)/9), runtime.NumCPU(), ms(floor), float64(floor)/float64(single.Wall))
	fmt.Printf("nor under %s (%.2fx) with a client that spent nothing per extra context\n", ms(serverFloor), float64(serverFloor)/float64(single.Wall))
	return nil
}

// measureWithServer is measure plus the mean CPU the control plane's
// processes spent per run, less what they spend idle (their own loops).
func measureWithServer(pids []int, runs int, env []string, name string, args ...string) (Sample, time.Duration, error) {
	const quiet = 2 * time.Second
	idleStart := processCPU(pids)
	time.Sleep(quiet)
	idleCPU := processCPU(pids) - idleStart
	before, start := processCPU(pids), time.Now()
	s, err := measure(runs, env, name, args...)
	idle := time.Duration(float64(idleCPU) * time.Since(start).Seconds() / quiet.Seconds())
	return s, max(0, processCPU(pids)-before-idle) / time.Duration(runs), err
}

// processCPU is the user and system CPU time of processes, from /proc.
func processCPU(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			// The server's figures would read low: say so.
			fmt.Fprintf(os.Stderr, "warning: the CPU of control-plane process %d is not counted: %v\n", pid, err)
			continue
		}
		// Fields after the command name, which is in parentheses and may hold spaces.
		fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		total += time.Duration(utime+stime) * time.Second / clockTicks
	}
	return total
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times on Linux.
const clockTicks = 100

// fillNamespace creates a namespace with n Clusters.
func fillNamespace(ctx context.Context, dyn dynamic.Interface, ns string, n int) error {
	return create(ctx, dyn, []string{ns}, n)
}

// fill creates the Clusters (with status, as the controllers write it).
func fill(ctx context.Context, dyn dynamic.Interface, namespaces, perNamespace int) error {
	names := make([]string, namespaces)
	for n := range names {
		names[n] = fmt.Sprintf("bench-%02d", n)
	}
	return create(ctx, dyn, names, perNamespace)
}

func create(ctx context.Context, dyn dynamic.Interface, namespaces []string, perNamespace int) error {
	objs := seed.Objects([]byte("apiVersion: v1\nkind: Config\n"), false)
	var template *unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == "Cluster" && o.GetName() == "wc-prod-1" {
			template = o
		}
	}
	if template == nil {
		return fmt.Errorf("no template cluster in the seed")
	}
	nsGVR := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	for _, name := range namespaces {
		ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}}
		if _, err := dyn.Resource(nsGVR).Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	jobs := make(chan [2]int)
	nsOf := func(i int) string { return namespaces[i] }
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				u := template.DeepCopy()
				ns := nsOf(j[0])
				u.SetNamespace(ns)
				u.SetName(fmt.Sprintf("wc-%04d", j[1]))
				status := u.Object["status"]
				delete(u.Object, "status")
				created, err := dyn.Resource(clustersGVR).Namespace(ns).Create(ctx, u, metav1.CreateOptions{})
				if err == nil {
					created.Object["status"] = seed.Stamp(status, created.GetGeneration(), created.GroupVersionKind(), time.Now())
					_, err = dyn.Resource(clustersGVR).Namespace(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for n := range namespaces {
		for i := 0; i < perNamespace; i++ {
			jobs <- [2]int{n, i}
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return fmt.Errorf("creating clusters: %w", err)
	default:
		return nil
	}
}
