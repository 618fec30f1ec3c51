package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// profileFleet runs 'cluster list -A --all-contexts' in this process, n
// times over fresh kubeconfigs of contexts sites (new addresses, so every
// run dials and handshakes as a new process would), under a CPU profile
// written to path. The delaying proxy runs here too: read the profile
// with -ignore 'main\.\(\*wan\)'.
func profileFleet(path string, n, contexts int, kubeconfig func(int, ...int) (string, error)) error {
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
		if code := cli.Run(cluster.Plugin(), cli.NewFactory(), streams, []string{"list", "-A", "--all-contexts"}); code != 0 {
			return fmt.Errorf("cluster list exited %d: %s", code, errOut.String())
		}
	}
	fmt.Fprintf(os.Stderr, "CPU profile of %d runs over %d contexts: %s\n", n, contexts, path)
	return nil
}
