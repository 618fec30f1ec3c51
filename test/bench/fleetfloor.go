package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// fleetFloor measures what the same fleets cost a minimal client (floor/):
// one TLS handshake and one GET of the Clusters per site, all at once, with
// nothing of client-go. On two shared cores the handshakes of a thousand
// sites, ours and the API server's, are most of the wall time: the
// figure says what this machine allows, against which the plugin's rows
// above read.
func fleetFloor(e *benchEnv, raw *clientcmdapi.Config, kubeconfig func(int, ...int) (string, error), runs int, plugin map[int]Sample) error {
	floor := filepath.Join(e.Dir, "floor")
	if out, err := exec.Command("go", "build", "-o", floor, "./test/bench/floor").CombinedOutput(); err != nil {
		return fmt.Errorf("building the minimal client: %w\n%s", err, out)
	}
	base := raw.Contexts[raw.CurrentContext]
	cluster := raw.Clusters[base.Cluster]
	ca := filepath.Join(e.Dir, "floor-ca.pem")
	if err := os.WriteFile(ca, cluster.CertificateAuthorityData, 0o600); err != nil {
		return err
	}
	env := append(os.Environ(), "FLOOR_CA="+ca, "FLOOR_SERVER_NAME="+cluster.TLSServerName, "FLOOR_TOKEN="+raw.AuthInfos[base.AuthInfo].Token)
	fmt.Println("\nThe floor: a minimal Go client, one TLS handshake and one GET of the Clusters per site, every site at once, through the same proxy")
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SITES\tWALL\tCLIENT CPU\tCPU PER EXTRA SITE\tPLUGIN WALL / FLOOR WALL\tPLUGIN CPU / FLOOR CPU")
	var one Sample
	for _, n := range []int{1, 100, 1000} {
		kc, err := kubeconfig(n)
		if err != nil {
			return err
		}
		cfg, err := clientcmd.LoadFromFile(kc)
		if err != nil {
			return err
		}
		args := []string{"/apis/cluster.x-k8s.io/v1beta2/clusters?limit=500"}
		for _, c := range cfg.Clusters {
			args = append(args, strings.TrimPrefix(c.Server, "https://"))
		}
		k := runs
		if n >= 1000 {
			k = min(runs, 5)
		}
		_, _ = measure(1, env, floor, args...)
		s, err := measure(k, env, floor, args...)
		if err != nil {
			return err
		}
		perExtra := "-"
		if n == 1 {
			one = s
		} else {
			perExtra = ms((s.CPU - one.CPU) / time.Duration(n-1))
		}
		p := plugin[n]
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.2fx\t%.2fx\n", n, ms(s.Wall), ms(s.CPU), perExtra, float64(p.Wall)/float64(s.Wall), float64(p.CPU)/float64(s.CPU))
	}
	return tw.Flush()
}
