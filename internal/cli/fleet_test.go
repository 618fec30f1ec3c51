package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestFleetFlagsSelection(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		context string
		want    []string // contexts
		refuse  string
	}{
		{name: "comma-separated --context is a fleet", context: "mc-a,mc-b", want: []string{"mc-a", "mc-b"}},
		{name: "one --context is not", context: "mc-a"},
		{name: "all contexts with --context", args: []string{"--all-contexts"}, context: "mc-a", refuse: "--all-contexts and --context"},
		{name: "clusters and all", args: []string{"--cluster", "a", "--all-workload-clusters"}, refuse: "exclusive"},
		{name: "clusters and selector", args: []string{"--cluster", "a", "--cluster-selector", "x=y"}, refuse: "exclusive"},
		{name: "contexts and clusters", args: []string{"--all-contexts", "--cluster", "a"}, refuse: "not both"},
		{name: "parallel", args: []string{"--parallel", "0"}, refuse: "--parallel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFactory()
			f.Overrides.CurrentContext = tt.context
			ff := NewFleetFlags()
			cmd := &cobra.Command{Use: "x"}
			ff.AddContextFlags(cmd, "")
			ff.AddClusterFlags(cmd, "Workload clusters.")
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			sel, err := ff.Selection(f)
			if tt.refuse != "" {
				if err == nil || !strings.Contains(err.Error(), tt.refuse) {
					t.Fatalf("want a refusal with %q, got %v", tt.refuse, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sel.Contexts, tt.want) {
				t.Errorf("contexts %v, want %v", sel.Contexts, tt.want)
			}
		})
	}
}
