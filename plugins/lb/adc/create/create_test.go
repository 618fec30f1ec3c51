package create_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// adc is an AKODeploymentConfig for the prod clusters.
const adc = `apiVersion: networking.tkg.tanzu.vmware.com/v1alpha1
kind: AKODeploymentConfig
metadata:
  name: prod-adc
spec:
  adminCredentialRef: {name: avi-controller-credentials, namespace: tkg-system-networking}
  certificateAuthorityRef: {name: avi-controller-ca, namespace: tkg-system-networking}
  cloudName: Default-Cloud
  controller: avi-ctrl.tko.example.com
  serviceEngineGroup: tkg-prod-seg
  dataNetwork: {name: tkg-prod-vip-pg, cidr: 10.20.40.0/24}
  clusterSelector: {matchLabels: {tkg.tanzu.vmware.com/cluster-plan: prod}}
`

// secrets are the AVI credentials and CA the seeded ADCs name.
func secrets(s *clitest.Server) {
	s.AddYAML(`
apiVersion: v1
kind: Secret
metadata: {name: avi-controller-credentials, namespace: tkg-system-networking}
data: {username: YWRtaW4=, password: c2VjcmV0}
---
apiVersion: v1
kind: Secret
metadata: {name: avi-controller-ca, namespace: tkg-system-networking}
data: {certificateAuthorityData: Y2E=}
`)
}

// TestADCCreate checks an ADC whole (its Secrets included) before
// creating it.
func TestADCCreate(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "create", Setup: secrets, Args: clitest.Args("adc create -f -"), Stdin: adc,
			Stdout: []string{"akodeploymentconfig.networking.tkg.tanzu.vmware.com/prod-adc created"},
			Check:  clitest.Stored("akodeploymentconfigs", "prod-adc", "tkg-prod-vip-pg", "spec", "dataNetwork", "name")},
		{Name: "dry run as yaml", Setup: secrets, Args: clitest.Args("adc create -f - --dry-run -o yaml"), Stdin: adc,
			Stdout: []string{"kind: AKODeploymentConfig\n", "name: prod-adc\n"}, NoChanges: true},
		{Name: "missing secrets", Args: clitest.Args("adc create -f -"), Stdin: adc, Code: 2,
			Stderr: []string{"2 problem(s), nothing was created", "<stdin>:6: spec.adminCredentialRef: Secret tkg-system-networking/avi-controller-credentials does not exist"}, NoChanges: true},
		{Name: "no file", Args: clitest.Args("adc create"), Code: 2, Stderr: []string{"missing -f FILE"}, NoRequests: true},
		{Name: "not YAML", Args: clitest.Args("adc create -f -"), Stdin: "spec: [", Code: 2, NoRequests: true},
	})
}
