package apply

import (
	"errors"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// TestValidateRefusesBeforeConnecting: flag mistakes and policies given by
// flags are refused with the flag's name, without a cluster.
func TestValidateRefusesBeforeConnecting(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"security", "p"}, `--recipe: "" is not a recipe of security policies (one of: baseline, restricted)`},
		{[]string{"network", "p", "--recipe", "deny-all-to-pods"}, "--pod-selector: the deny-all-to-pods recipe needs"},
		{[]string{"image-registry", "p", "--allow", "https://harbor"}, `--allow: "https://harbor" can never match`},
		{[]string{"image-registry", "p", "--allow", "harbor.example.com/app:1.0"}, `--allow: "harbor.example.com/app:1.0" can never match an image: allow the repository (harbor.example.com/app) without a tag`},
		{[]string{"image-registry", "p", "--allow", ""}, "--allow: the allowed-name-tag recipe needs the registries to allow"},
		{[]string{"image-registry", "p", "--allow", "harbor.example.com,,docker.io"}, `--allow: "" can never match an image`},
		{[]string{"quota", "p", "--memory", "lots"}, `--memory: "lots" is not a quantity`},
		{[]string{"security", "Bad_Name", "--recipe", "baseline"}, `NAME: "Bad_Name" is not a policy name`},
		{[]string{"security", "p", "--recipe", "baseline", "--namespace-selector", "a in (b"}, "--namespace-selector:"},
		{[]string{"security", "p", "--level", "lax"}, `--recipe: "lax" is not a recipe of security policies`},
		{[]string{"quota", "p", "--size", "huge"}, `--recipe: "huge" is not a recipe of namespace-quota policies (one of: small, medium, large, custom)`},
		{[]string{"firewall", "p"}, `unknown policy type "firewall"`},
		{[]string{"security"}, "give TYPE NAME"},
		{[]string{"-f", "x.yaml", "--recipe", "baseline"}, "--recipe describes a policy given by flags"},
		{[]string{"security", "p", "--recipe", "baseline", "--dry-run=maybe"}, "--dry-run must be none, client or server"},
		{[]string{"security", "p", "--recipe", "baseline", "--cluster", "a", "--all-workload-clusters"}, "--cluster and --all-workload-clusters are exclusive"},
		{[]string{"security", "p", "--level", "strict", "--deny-host-path"}, "--deny-host-path: restricted already refuses hostPath, flexVolume and gitRepo volumes"},
		{[]string{"image-registry", "p", "--block-latest-tag", "--deny-privileged"}, "--deny-privileged: applies to security policies, not to image-registry ones"},
		{[]string{"-f", "x.yaml", "--deny-privileged"}, "--deny-privileged describes a policy given by flags"},
	} {
		streams, _, _, _ := cmdutil.TestStreams(false)
		f := cli.NewFactory()
		cmd, opts := newCmd(f, streams)
		// --dry-run refuses a bad value as it is parsed.
		err := cmd.ParseFlags(tc.args)
		if err == nil {
			err = opts.Complete(f, cmd, cmd.Flags().Args())
		}
		if err == nil {
			err = opts.Validate()
		}
		var pe *errs.ProblemsError
		msg := ""
		if errors.As(err, &pe) {
			for _, p := range pe.Problems {
				msg += p.String() + "\n"
			}
		} else if err != nil {
			msg = err.Error()
		}
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%v: %q, want %q", tc.args, msg, tc.want)
		}
	}
}
