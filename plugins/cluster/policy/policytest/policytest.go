// Package policytest gives the tests of the policy verbs the seeded estate
// with policies applied, as `cluster policy apply` applies them.
package policytest

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// Applied is the seeded estate with two policies on namespace team-a: a
// medium quota named team-a (a LimitRange and a ResourceQuota tko-team-a)
// and lockdown, a deny-all NetworkPolicy tko-lockdown.
func Applied(t testing.TB) *clitest.Server {
	t.Helper()
	s := clitest.Estate(t)
	s.Prepare(cluster.Plugin(), clitest.Args("policy apply quota team-a --size medium --namespaces team-a")...)
	s.Prepare(cluster.Plugin(), clitest.Args("policy apply network lockdown --recipe deny-all --namespaces team-a")...)
	return s
}
