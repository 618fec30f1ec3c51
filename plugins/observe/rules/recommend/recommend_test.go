package recommend_test

import (
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
)

// TestRecommend prints TKO's alerting rules as a rule file, without a
// cluster.
func TestRecommend(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "rule file", Args: clitest.Args("rules recommend"), Stdout: []string{"groups:\n", "- alert: TKOTargetDown\n", "expr: up == 0\n"}, NoRequests: true,
			Check: func(t *testing.T, _ *clitest.Server, r clitest.Result) {
				var file struct {
					Groups []struct {
						Rules []map[string]any `json:"rules"`
					} `json:"groups"`
				}
				if err := yaml.Unmarshal([]byte(r.Stdout), &file); err != nil || len(file.Groups) < 2 {
					t.Errorf("not a rule file: %v (%d groups)", err, len(file.Groups))
				}
			}},
		{Name: "arguments", Args: clitest.Args("rules recommend x"), Code: 2, NoRequests: true},
	})
}
