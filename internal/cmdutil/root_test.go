package cmdutil

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// testPlugin counts how often its verbs are built.
func testPlugin(built *int) Plugin {
	return Plugin{
		Name:  "test",
		Short: "a test plugin",
		Flags: func(root *cobra.Command, _ genericiooptions.IOStreams) {
			root.PersistentFlags().String("context", "", "the kubeconfig context")
		},
		Build: func(root *cobra.Command, _ genericiooptions.IOStreams) {
			*built++
			root.AddCommand(&cobra.Command{Use: "list", RunE: func(*cobra.Command, []string) error { return nil }})
		},
	}
}

func TestVersionBuildsNoVerbs(t *testing.T) {
	var built int
	streams, _, out, errOut := TestStreams(false)
	// The persistent flags still parse where every other command takes them.
	if code := Run(testPlugin(&built), streams, []string{"version", "--context", "x", "-o", "json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if built != 0 || !strings.Contains(out.String(), `"plugin": "kubectl-tko-test"`) {
		t.Errorf("built the verbs %d times, printed %s", built, out)
	}
	if code := Run(testPlugin(&built), streams, []string{"list"}); code != 0 || built != 1 {
		t.Errorf("list: exit %d, built %d times: %s", code, built, errOut)
	}
	// Help, completion and the docs see every command.
	if root := NewRootCommand(testPlugin(&built), streams); built != 2 || len(root.Commands()) != 2 {
		t.Errorf("NewRootCommand built %d times, %d commands", built, len(root.Commands()))
	}
}
