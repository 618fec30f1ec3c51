package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
)

// profilePlugins are the plugins whose fleet verbs -profile-verb can run.
var profilePlugins = map[string]func() cli.Plugin{
	"cluster": cluster.Plugin,
	"lb":      lb.Plugin,
	"observe": observe.Plugin,
}

// profileFleet runs a fleet verb ("cluster list -A": the plugin, then its
// arguments; --all-contexts is added) in this process, n times over fresh
// kubeconfigs of contexts sites (new addresses, so every run dials and
// handshakes as a new process would), under a CPU profile written to path.
// The delaying proxy runs here too: read the profile with
// -ignore 'main\.\(\*wan\)'.
func profileFleet(path, verb string, n, contexts int, kubeconfig func(int, ...int) (string, error)) error {
	words := strings.Fields(verb)
	if len(words) < 2 || profilePlugins[words[0]] == nil {
		return fmt.Errorf("-profile-verb %q: want a plugin (cluster, lb or observe) and its arguments", verb)
	}
	args := append(words[1:], "--all-contexts")
	kcs := make([]string, n)
	for i := range kcs {
		kc, err := kubeconfig(contexts)
		if err != nil {
			return err
		}
		kcs[i] = fmt.Sprintf("%s.%d", kc, i)
		if err := os.Rename(kc, kcs[i]); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	for _, kc := range kcs {
		os.Setenv("KUBECONFIG", kc)
		var errOut bytes.Buffer
		streams := genericiooptions.IOStreams{In: bytes.NewReader(nil), Out: io.Discard, ErrOut: &errOut}
		// Exit 1 is an answer of audit and health for the seeded estate.
		if code := cli.Run(profilePlugins[words[0]](), cli.NewFactory(), streams, args); code > 1 {
			return fmt.Errorf("%s exited %d: %s", verb, code, errOut.String())
		}
	}
	fmt.Fprintf(os.Stderr, "CPU profile of %d runs of %q over %d contexts: %s\n", n, verb, contexts, path)
	return nil
}
