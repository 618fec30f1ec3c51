package reliability

// Command is one row of the matrix: a plugin binary and its arguments.
type Command struct {
	Binary string
	Args   []string
	// Prints says the command prints objects or records: it is run with
	// every -o format in the secrets matrix.
	Prints bool
}

// Commands are every command that talks to a cluster, by plugin. New
// plugins add their rows here.
var Commands = []Command{
	{"kubectl-tko-cluster", []string{"list", "-A"}, true},
	{"kubectl-tko-cluster", []string{"describe", "wc-prod-1"}, true},
	{"kubectl-tko-cluster", []string{"audit", "wc-prod-1"}, true},
	{"kubectl-tko-cluster", []string{"available-upgrades", "wc-team-a", "-n", "team-a"}, true},
	{"kubectl-tko-cluster", []string{"mhc", "get", "wc-prod-1"}, true},
	{"kubectl-tko-cluster", []string{"node-pool", "list", "wc-prod-1"}, true},
	{"kubectl-tko-cluster", []string{"scale", "wc-prod-1", "--worker", "2", "--node-pool", "md-1", "--dry-run"}, false},
	{"kubectl-tko-cluster", []string{"upgrade", "wc-team-a", "-n", "team-a", "--tkr", "v1.30.2---vmware.1-tkg.1", "--dry-run"}, false},
	{"kubectl-tko-cluster", []string{"kubeconfig", "get", "wc-prod-1"}, false},
	{"kubectl-tko-package", []string{"repository", "list", "-A"}, true},
	{"kubectl-tko-package", []string{"installed", "list", "-A"}, true},
	{"kubectl-tko-package", []string{"installed", "get", "contour", "-n", "tanzu-packages"}, true},
	{"kubectl-tko-package", []string{"installed", "status", "contour", "-n", "tanzu-packages"}, false},
	{"kubectl-tko-lb", []string{"services", "-A"}, true},
	{"kubectl-tko-lb", []string{"status", "-A"}, true},
	{"kubectl-tko-lb", []string{"pools"}, true},
	{"kubectl-tko-lb", []string{"doctor", "-A"}, true},
	{"kubectl-tko-lb", []string{"adc", "list"}, true},
	{"kubectl-tko-lb", []string{"adc", "get", "install-ako-for-all"}, true},
}
