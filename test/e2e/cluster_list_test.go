package e2e

import (
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// rowOf returns the tab-separated cells of the line whose NAME is name
// (tables are tab-separated when piped).
func rowOf(t *testing.T, out, name string, nameCol int) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		cells := strings.Split(line, "\t")
		if len(cells) > nameCol && cells[nameCol] == name {
			return cells
		}
	}
	t.Fatalf("no row %q in:\n%s", name, out)
	return nil
}

func TestClusterListStates(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "list", "-A").Success()
	if got := r.StdoutLines()[0]; got != "NAMESPACE\tNAME\tCLASS\tVERSION\tCONTROLPLANE\tWORKERS\tSTATUS\tAGE" {
		t.Errorf("header %q", got)
	}
	for name, want := range map[string][]string{
		"wc-prod-1":  {"default", "wc-prod-1", "tkg-vsphere-default-v1.2.0", "v1.30.2+vmware.1", "3/3", "3/3", "Available"},
		"wc-dev-1":   {"default", "wc-dev-1", "tkg-vsphere-default-v1.2.0", "v1.31.1+vmware.2", "0/1", "0/2", "Provisioning"},
		"wc-team-a":  {"team-a", "wc-team-a", "tkg-vsphere-default-v1.2.0", "v1.29.9+vmware.1", "3/3", "2/3", "Degraded"},
		"wc-failed":  {"team-a", "wc-failed", "tkg-vsphere-default-v1.2.0", "v1.30.2+vmware.1", "0/1", "0/1", "Failed"},
		"wc-retired": {"team-a", "wc-retired", "tkg-vsphere-default-v1.2.0", "v1.29.9+vmware.1", "1/1", "1/1", "Deleting"},
	} {
		row := rowOf(t, r.Stdout, name, 1)
		if strings.Join(row[:7], "|") != strings.Join(want, "|") {
			t.Errorf("%s: row %q, want %q", name, row[:7], want)
		}
	}
	r.StdoutLacks("tkg-mgmt")
	e.Kubectl("tko", "cluster", "list", "-A", "--include-management-cluster").Success().StdoutContains("tkg-mgmt")

	wide := e.Kubectl("tko", "cluster", "list", "-n", "team-a", "-o", "wide").Success()
	row := rowOf(t, wide.Stdout, "wc-failed", 0)
	if row[7] != "v1.30.2---vmware.1-tkg.1" || row[8] != "-" || row[9] != "dev" || row[10] != "workload" || row[11] != "10.20.1.21:6443" || !strings.Contains(row[12], "insufficient free space") {
		t.Errorf("wide row %q", row)
	}
	e.Kubectl("tko", "cluster", "list", "-n", "team-a", "--no-headers").Success().StdoutLacks("NAME")
	empty := e.Namespace()
	r = e.Kubectl("tko", "cluster", "list", "-n", empty).Success()
	if r.Stdout != "" || !strings.Contains(r.Stderr, "No clusters found") {
		t.Errorf("empty namespace: stdout %q stderr %q", r.Stdout, r.Stderr)
	}
}

func TestClusterListOutputs(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "list", "-n", "team-a", "-o", "json").Success()
	var list struct {
		Kind  string
		Items []struct {
			APIVersion string
			Metadata   struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		t.Fatal(err)
	}
	if list.Kind != "List" || len(list.Items) != 3 || list.Items[0].APIVersion != "cluster.x-k8s.io/v1beta2" {
		t.Errorf("json list: %+v", list)
	}
	e.Kubectl("tko", "cluster", "list", "-n", "team-a", "-o", "yaml").Success().StdoutContains("kind: List", "name: wc-team-a")
	r = e.Kubectl("tko", "cluster", "list", "-n", "team-a", "-o", "name").Success()
	if r.Stdout != "cluster.cluster.x-k8s.io/wc-failed\ncluster.cluster.x-k8s.io/wc-retired\ncluster.cluster.x-k8s.io/wc-team-a\n" {
		t.Errorf("-o name: %q", r.Stdout)
	}
	// Other tests add clusters in their own namespaces: assert on the seeded ones.
	r = e.Kubectl("tko", "cluster", "list", "-n", "team-a", "-o", "jsonpath={.items[*].metadata.name}").Success()
	if r.Stdout != "wc-failed wc-retired wc-team-a" {
		t.Errorf("jsonpath: %q", r.Stdout)
	}
	e.Kubectl("tko", "cluster", "list", "-A", "-o", "go-template={{range .items}}{{.metadata.name}}={{.spec.topology.version}};{{end}}").Success().
		StdoutContains("wc-prod-1=v1.30.2+vmware.1;")
	r = e.Kubectl("tko", "cluster", "list", "-A", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase").Success()
	if !strings.Contains(r.Stdout, "NAME") || !strings.Contains(r.Stdout, "wc-failed") || !strings.Contains(r.Stdout, "Failed") {
		t.Errorf("custom-columns: %q", r.Stdout)
	}
	r = e.Kubectl("tko", "cluster", "list", "-n", "team-a", "-l", "run.tanzu.vmware.com/tkr=v1.29.9---vmware.1-tkg.1", "-o", "name").Success()
	if r.Stdout != "cluster.cluster.x-k8s.io/wc-retired\ncluster.cluster.x-k8s.io/wc-team-a\n" {
		t.Errorf("-l: %q", r.Stdout)
	}
	// Chaining: names from list feed get.
	e.Command("bash", "-c", "kubectl tko cluster list -n team-a -o name | xargs -n1 kubectl tko cluster get -n team-a --no-headers").
		Success().StdoutContains("wc-failed", "wc-team-a", "wc-retired")
}

// fleetKubeconfig has two contexts on the local control plane and one on a
// closed port.
func fleetKubeconfig(t *testing.T, path string) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	base := cfg.Contexts["tko-local"]
	cfg.Contexts["mgmt-a"] = base.DeepCopy()
	cfg.Contexts["mgmt-b"] = base.DeepCopy()
	cfg.Clusters["down"] = &clientcmdapi.Cluster{Server: "https://" + closed, InsecureSkipTLSVerify: true}
	cfg.Contexts["mgmt-down"] = &clientcmdapi.Context{Cluster: "down", AuthInfo: base.AuthInfo}
	delete(cfg.Contexts, "tko-local-viewer")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestClusterListFleet(t *testing.T) {
	e := suite.New(t)
	fleetKubeconfig(t, e.Kubeconfig)
	r := e.Kubectl("tko", "cluster", "list", "-A", "--context", "mgmt-a,mgmt-b,mgmt-down").Success()
	if got := r.StdoutLines()[0]; !strings.HasPrefix(got, "CONTEXT\tNAMESPACE\tNAME") {
		t.Errorf("header %q", got)
	}
	a, b := 0, 0
	for _, line := range r.StdoutLines() {
		if !seededNamespace(line) {
			continue // clusters other tests made in their own namespaces
		}
		switch {
		case strings.HasPrefix(line, "mgmt-a\t"):
			a++
		case strings.HasPrefix(line, "mgmt-b\t"):
			b++
		}
	}
	if a != 5 || b != 5 {
		t.Errorf("rows per context: mgmt-a %d, mgmt-b %d, want 5 each:\n%s", a, b, r.Stdout)
	}
	down := rowOf(t, r.Stdout, "mgmt-down", 0)
	if !strings.Contains(strings.Join(down, " "), "Error: cannot reach the Kubernetes API server") {
		t.Errorf("unreachable context row %q", down)
	}
	// --strict turns a failed context into exit code 1; the rows still print.
	e.Kubectl("tko", "cluster", "list", "-A", "--context", "mgmt-a,mgmt-down", "--strict").ExitCode(explain.ExitFailure).StdoutContains("wc-prod-1")
	// Every context of the kubeconfig.
	r = e.Kubectl("tko", "cluster", "list", "-A", "--all-contexts", "-o", "json").Success()
	r.StderrContains("warning: context mgmt-down: cannot reach")
	var list struct {
		Items []struct {
			Metadata struct {
				Namespace   string
				Annotations map[string]string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		t.Fatal(err)
	}
	contexts := map[string]int{}
	for _, it := range list.Items {
		if it.Metadata.Namespace == "default" || it.Metadata.Namespace == "team-a" {
			contexts[it.Metadata.Annotations["tko.tanzu.vmware.com/context"]]++
		}
	}
	if contexts["mgmt-a"] != 5 || contexts["mgmt-b"] != 5 || contexts["tko-local"] != 5 {
		t.Errorf("items per context: %v", contexts)
	}
	e.Kubectl("tko", "cluster", "list", "--all-contexts", "--context", "x").ExitCode(explain.ExitUsage)
}

func seededNamespace(row string) bool {
	cells := strings.Split(row, "\t")
	return len(cells) > 1 && (cells[1] == "default" || cells[1] == "team-a")
}

// TanzuKubernetesClusters of vSphere with Tanzu that no Cluster represents
// are listed too.
func TestClusterListTanzuKubernetesClusters(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "list", "-n", "vsphere-ns-1", "-o", "wide").Success()
	row := rowOf(t, r.Stdout, "tkc-guest-1", 0)
	if strings.Join(row[:6], "|") != "tkc-guest-1|TanzuKubernetesCluster|v1.26.5+vmware.2-fips.1|-/3|-/3|Available" || row[7] != "v1.26.5---vmware.2-fips.1-tkg.1" || row[8] != "best-effort-medium,best-effort-large" {
		t.Errorf("TKC row %q", row)
	}
	e.Kubectl("tko", "cluster", "list", "-n", "vsphere-ns-1", "-o", "name").Success().StdoutContains("tanzukubernetescluster.run.tanzu.vmware.com/tkc-guest-1")
}
