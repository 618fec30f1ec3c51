// Package observe tests `kubectl tko observe` through real kubectl and the
// real plugin against a real local control plane seeded with a TKO estate,
// and a real Prometheus 2.42 and Alertmanager 0.25 (Debian's packages,
// fetched by hack/tools.sh): Prometheus scrapes the local API server's
// /metrics with a bearer token, evaluates TKO's recommended rules (as
// `observe rules recommend` prints them) and the test's own, and sends
// what fires to Alertmanager.
//
// The API server refuses to proxy to loopback, so the package runs in a
// network and mount namespace of its own (unshare, as root): its loopback
// also carries 10.254.0.1, where Prometheus and Alertmanager listen, and
// Services in tanzu-system-monitoring point there through EndpointSlices
// whose targetRef is a Pod with that podIP, as TKG's package would. No
// address outside this machine is used. Debian's Alertmanager reads its
// templates from /usr/share/prometheus/alertmanager: an overlay of the
// unpacked package on /usr/share, in the private mount namespace, puts
// them there without touching the host.
package observe

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var suite harness.Suite

// monitoringIP is where Prometheus and Alertmanager listen, on the
// namespace's own loopback.
const monitoringIP = "10.254.0.1"

const inNamespace = "TKO_OBSERVE_NETNS"

func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Short() && os.Getenv(inNamespace) == "" {
		os.Exit(reexec())
	}
	code := harness.Main(m, &suite, testenv.Options{Seed: true})
	stopMonitoring()
	os.Exit(code)
}

// reexec runs this test binary again in new network and mount namespaces
// and prepares them: loopback up with monitoringIP, Alertmanager's
// templates under /usr/share.
func reexec() int {
	if os.Geteuid() != 0 {
		fmt.Println("skipping: these tests need root for a network namespace of their own (unshare -n)")
		return 0
	}
	env, err := loadEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	share := filepath.Join(filepath.Dir(filepath.Dir(env["TKO_ALERTMANAGER"])), "share")
	if _, err := os.Stat(filepath.Join(share, "prometheus", "alertmanager", "default.tmpl")); err != nil {
		fmt.Fprintf(os.Stderr, "Alertmanager's templates are missing (%v): run hack/tools.sh prometheus alertmanager chromium\n", err)
		return 1
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	script := strings.Join([]string{
		"set -e",
		"ip link set lo up",
		"ip addr add " + monitoringIP + "/32 dev lo",
		"mount -t overlay overlay -o lowerdir=" + share + ":/usr/share /usr/share",
		`exec "$@"`,
	}, "\n")
	args := append([]string{"-n", "-m", "--propagation", "private", "sh", "-c", script, "sh", self}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), inNamespace+"=1")
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func loadEnv() (testenv.Env, error) {
	root, err := testenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	return testenv.LoadEnv(root)
}
