package posture

import (
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/junit"
)

// JUnit renders the report for CI gates: a suite per cluster, a case per
// check. Error findings are failures; warnings pass with their objects on
// system-out, so a gate fails exactly when the command exits 1.
func (r Report) JUnit() ([]byte, error) {
	var suites []junit.Suite
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Cluster]
		if !ok {
			i = len(suites)
			index[res.Cluster] = i
			suites = append(suites, junit.Suite{Name: res.Cluster})
		}
		tc := junit.Case{Name: res.ID + " " + res.Check, ClassName: res.Cluster}
		objects := strings.Join(res.Objects, "\n")
		switch {
		case res.Status == StatusFail && res.Severity == SeverityError:
			tc.Failure = &junit.Message{Message: fmt.Sprintf("%d object(s): %s", len(res.Objects), res.Fix), Type: res.Severity, Text: objects}
		case res.Status == StatusFail:
			tc.SystemOut = fmt.Sprintf("WARNING: %d object(s): %s\n%s", len(res.Objects), res.Fix, objects)
		case res.Status == StatusIgnored || res.Status == StatusUnchecked || res.Status == StatusSkipped:
			tc.Skipped = &junit.Message{Message: res.Note}
		}
		suites[i].Add(tc)
	}
	return junit.Marshal("kubectl tko cluster inspect security", suites)
}
