package vsphere

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `auth kubeconfig get` on a vSphere namespace's context writes a
// TanzuKubernetesCluster's kubeconfig. The played vCenter takes only the
// password at /wcp/login, as the notes describe it, so the password is
// needed; the guest session it gets is cached, and real kubectl then
// uses the new kubeconfig without another login.
//
// Not parallel: it counts vCenter's logins, which the others add to.
func TestKubeconfigGetForTKC(t *testing.T) {
	e, _ := newEnv(t)
	withPassword(login(e, "--insecure-skip-tls-verify")).Success()

	out := filepath.Join(e.Home, "tkc-prod-1.yaml")
	get := []string{"tko", "auth", "kubeconfig", "get", "tkc-prod-1", "--context", teamA, "--export-file", out}
	e.Kubectl(get...).ExitCode(2).OneLineError("no password for the vSphere login: set KUBECTL_VSPHERE_PASSWORD")
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused kubeconfig get wrote its file")
	}
	withPassword(e.Kubectl(append(get, "-v=10")...)).Success().StderrContains("wrote the kubeconfig of tkc-prod-1 to " + out).
		StdoutLacks(devopsPassword)
	assertMode600(t, out)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "token") || strings.Contains(string(raw), devopsPassword) ||
		!strings.Contains(string(raw), "--tanzu-kubernetes-cluster-name=tkc-prod-1") || !strings.Contains(string(raw), "certificate-authority-data: ") {
		t.Fatalf("kubeconfig:\n%s", raw)
	}
	logins := vcenter.Logins()
	e.Kubectl("--kubeconfig", out, "auth", "whoami").Success().StdoutContains(usernamePrefix + devopsUser)
	e.Kubectl("--kubeconfig", out, "get", "tanzukubernetesclusters", "tkc-prod-1").Success()
	if got := vcenter.Logins(); got != logins {
		t.Fatalf("kubectl logged in again (%d logins, then %d)", logins, got)
	}

	// Both sessions, with their expiry, and who the guest context is.
	e.Kubectl("tko", "auth", "status", "--vsphere").Success().
		StdoutContains(vcenter.Server+"\t"+devopsUser+"\t(Supervisor)\t", vcenter.Server+"\t"+devopsUser+"\t"+teamA+"/tkc-prod-1\t", "valid for ")
	e.Kubectl("tko", "auth", "whoami", "--kubeconfig", out).Success().
		StdoutContains("Username:        "+usernamePrefix+devopsUser, "vSphere SSO user "+devopsUser+" at Supervisor "+vcenter.Server+", guest cluster "+teamA+"/tkc-prod-1; session expires at ")

	e.Kubectl("tko", "auth", "kubeconfig", "get", "tkc-nope", "--context", teamA).ExitCode(3).
		OneLineError(`TanzuKubernetesCluster "tkc-nope" not found in vSphere namespace "` + teamA + `"`)
}
