package reliability

// Command is one row of the matrix: a plugin binary and its arguments.
type Command struct {
	Binary string
	Args   []string
	// Prints says the command prints objects or records: it is run with
	// every -o format in the secrets matrix.
	Prints bool
	// Unlike, by fault name, where this command rightly answers otherwise
	// than the fault's rule (whoami needs no rights).
	Unlike map[string]Expect
}

// Expect is an exit code and what the one error line says; Skip marks a
// fault that does not apply (the command succeeds under it).
type Expect struct {
	Code int
	Says string
	Skip bool
}

// noKapp is the answer of a group verb that needs kapp-controller where
// none runs, whatever the user may read.
var noKapp = map[string]Expect{"no rights": {Code: 3, Says: "kapp-controller does not run in this management cluster"}}

// Commands are every command that talks to a cluster, by plugin. New
// plugins add their rows here.
var Commands = []Command{
	{"kubectl-tko-cluster", []string{"list", "-A"}, true, nil},
	{"kubectl-tko-cluster", []string{"describe", "wc-prod-1"}, true, nil},
	{"kubectl-tko-cluster", []string{"audit", "wc-prod-1"}, true, nil},
	{"kubectl-tko-cluster", []string{"inspect", "certs", "wc-prod-1", "--within", "1d"}, true, nil},
	{"kubectl-tko-cluster", []string{"inspect", "security", "--ignore", "1.2.1,1.2.1-auth"}, true, nil},
	{"kubectl-tko-cluster", []string{"inspect", "wc-prod-1", "--within", "1d"}, true, nil},
	{"kubectl-tko-cluster", []string{"available-upgrades", "wc-team-a", "-n", "team-a"}, true, nil},
	{"kubectl-tko-cluster", []string{"mhc", "get", "wc-prod-1"}, true, nil},
	{"kubectl-tko-cluster", []string{"node-pool", "list", "wc-prod-1"}, true, nil},
	{"kubectl-tko-cluster", []string{"vsphere-namespaces"}, true, nil},
	{"kubectl-tko-cluster", []string{"describe", "tkc-dev-1", "-n", "vsphere-team-a"}, true, nil},
	{"kubectl-tko-cluster", []string{"node-pool", "list", "tkc-dev-1", "-n", "vsphere-team-a"}, true, nil},
	{"kubectl-tko-cluster", []string{"available-upgrades", "tkc-prod-1", "-n", "vsphere-team-a"}, true, nil},
	{"kubectl-tko-cluster", []string{"scale", "tkc-dev-1", "-n", "vsphere-team-a", "--worker", "3", "--node-pool", "np-1", "--dry-run"}, false, nil},
	{"kubectl-tko-cluster", []string{"upgrade", "tkc-prod-1", "-n", "vsphere-team-a", "--tkr", "v1.27.11---vmware.1-fips.1-tkg.2", "--dry-run"}, false, nil},
	{"kubectl-tko-cluster", []string{"create", "-f", "../testdata/tkc-new.yaml", "--dry-run=server"}, true, nil},
	{"kubectl-tko-cluster", []string{"scale", "wc-prod-1", "--worker", "2", "--node-pool", "md-1", "--dry-run"}, false, nil},
	{"kubectl-tko-cluster", []string{"upgrade", "wc-team-a", "-n", "team-a", "--tkr", "v1.30.2---vmware.1-tkg.1", "--dry-run"}, false, nil},
	{"kubectl-tko-cluster", []string{"upgrade", "plan", "wc-team-a", "-n", "team-a"}, true, nil},
	{"kubectl-tko-cluster", []string{"upgrade", "apply", "wc-team-a", "-n", "team-a", "--dry-run"}, false, nil},
	{"kubectl-tko-cluster", []string{"upgrade", "status"}, true, nil},
	{"kubectl-tko-cluster", []string{"upgrade", "abort"}, false, nil},
	{"kubectl-tko-cluster", []string{"kubeconfig", "get", "wc-prod-1"}, false, nil},
	{"kubectl-tko-package", []string{"repository", "list", "-A"}, true, nil},
	{"kubectl-tko-package", []string{"installed", "list", "-A"}, true, nil},
	{"kubectl-tko-package", []string{"installed", "get", "contour", "-n", "tanzu-packages"}, true, nil},
	{"kubectl-tko-package", []string{"installed", "status", "contour", "-n", "tanzu-packages"}, false, nil},
	{"kubectl-tko-lb", []string{"services", "-A"}, true, nil},
	{"kubectl-tko-lb", []string{"status", "-A"}, true, nil},
	{"kubectl-tko-lb", []string{"status", "wc-prod-1", "--target-timeout", "5s"}, true, nil},
	{"kubectl-tko-lb", []string{"pools"}, true, nil},
	{"kubectl-tko-lb", []string{"doctor", "-A"}, true, nil},
	{"kubectl-tko-lb", []string{"adc", "list"}, true, nil},
	{"kubectl-tko-lb", []string{"adc", "get", "install-ako-for-all"}, true, nil},
	{"kubectl-tko-auth", []string{"whoami"}, true, map[string]Expect{"no rights": {Skip: true}}},
	{"kubectl-tko-auth", []string{"doctor"}, true, nil},
	{"kubectl-tko-auth", []string{"who-can", "delete", "clusters.cluster.x-k8s.io"}, true, nil},
	{"kubectl-tko-auth", []string{"kubeconfig", "get", "wc-prod-1"}, false, nil},
	{"kubectl-tko-observe", []string{"health", "-A"}, true, nil},
	{"kubectl-tko-observe", []string{"capacity", "-A"}, true, nil},
	{"kubectl-tko-cluster", []string{"policy", "list"}, true, nil},
	{"kubectl-tko-cluster", []string{"group", "list"}, true, nil},
	{"kubectl-tko-cluster", []string{"group", "get", "prod"}, true, nil},
	// This control plane runs no kapp-controller: with rights to read, the
	// answer is that (exit 3), checked before anything is read.
	{"kubectl-tko-cluster", []string{"group", "status", "prod"}, true, noKapp},
	{"kubectl-tko-cluster", []string{"group", "sync", "prod", "--dry-run"}, true, noKapp},
	{"kubectl-tko-cluster", []string{"policy", "status"}, true, nil},
	{"kubectl-tko-cluster", []string{"policy", "get", "team-a-baseline", "--all-workload-clusters"}, true, nil},
	{"kubectl-tko-cluster", []string{"policy", "apply", "security", "team-a-baseline", "--level", "baseline", "--deny-host-path", "--deny-privileged", "--namespaces", "team-a", "--dry-run=server"}, false, nil},
	{"kubectl-tko-cluster", []string{"backup", "list"}, true, nil},
	{"kubectl-tko-cluster", []string{"backup", "location", "get", "default"}, true, nil},
	{"kubectl-tko-cluster", []string{"backup", "get", "pre-upgrade"}, true, nil},
	{"kubectl-tko-cluster", []string{"backup", "get", "pre-upgrade", "--all-workload-clusters"}, true, nil},
	{"kubectl-tko-cluster", []string{"backup", "schedule", "pause", "nightly", "--all-workload-clusters", "--dry-run"}, true, nil},
	{"kubectl-tko-cluster", []string{"backup", "schedule", "unpause", "weekly-full", "--cluster", "wc-prod-1", "--dry-run"}, true, nil},
	{"kubectl-tko-cluster", []string{"backup", "schedule", "delete", "nightly", "--all-workload-clusters", "--dry-run"}, true, nil},
}
