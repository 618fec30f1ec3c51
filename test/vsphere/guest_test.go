package vsphere

import (
	"bytes"
	"os"
	"testing"
	"time"

	vs "github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// A guest login writes the TanzuKubernetesCluster's context, whose API
// server (the one the Supervisor named) takes the guest session.
func TestGuestLogin(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	guest := []string{"--tanzu-kubernetes-cluster-namespace", teamA, "--tanzu-kubernetes-cluster-name", "tkc-prod-1", "--insecure-skip-tls-verify"}
	withPassword(login(e, guest...)).Success().
		StdoutContains("   "+vcenter.Server+"\n", "   "+teamA+"\n", "   tkc-prod-1\n", `Switched to context "tkc-prod-1".`)
	cfg, raw := loadKubeconfig(t, e.Kubeconfig)
	cpCA, err := os.ReadFile(suite.CP.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts["tkc-prod-1"]
	if ctx == nil || ctx.Namespace != teamA || ctx.Cluster != vcenter.Addr || cfg.CurrentContext != "tkc-prod-1" ||
		cfg.Clusters[vcenter.Addr].Server != "https://"+vcenter.Addr+":6443" || !bytes.Equal(cfg.Clusters[vcenter.Addr].CertificateAuthorityData, cpCA) ||
		!cfg.Clusters[vcenter.Server].InsecureSkipTLSVerify {
		t.Fatalf("kubeconfig:\n%s", raw)
	}
	if got := sessions(t, e); len(got) != 2 || got[1].Guest == nil || got[1].Guest.String() != teamA+"/tkc-prod-1" || got[1].GuestServer != vcenter.Addr {
		t.Fatalf("cached sessions: %+v", got)
	}
	// The guest cluster's CA from guest_cluster_ca verifies its API server.
	e.Kubectl("--context", "tkc-prod-1", "auth", "whoami").Success().StdoutContains(usernamePrefix + devopsUser)
	e.Kubectl("--context", "tkc-prod-1", "get", "tanzukubernetesclusters", "tkc-prod-1").Success()

	// The guest session expired, the Supervisor's still live: vCenter takes
	// no session in place of the password, so without one the exec entry
	// says how to log in to the guest cluster again; with it, it renews.
	expireGuest := sessions(t, e)[1]
	expireGuest.Expiry = time.Now().Add(-time.Minute).Truncate(time.Second)
	if err := (&vs.Store{Path: sessionsFile(e)}).Put(&expireGuest); err != nil {
		t.Fatal(err)
	}
	r := e.Kubectl("--context", "tkc-prod-1", "auth", "whoami").ExitCode(1)
	ourLine(t, r, "error: the vSphere session of "+devopsUser+" at "+vcenter.Server+" for guest cluster "+teamA+"/tkc-prod-1 expired at "+
		expireGuest.Expiry.UTC().Format(time.RFC3339)+"; log in again: kubectl tko auth login --vsphere --server "+vcenter.Server+
		" --vsphere-username "+devopsUser+" --tanzu-kubernetes-cluster-namespace "+teamA+" --tanzu-kubernetes-cluster-name tkc-prod-1 --insecure-skip-tls-verify")
	withPassword(e.Kubectl("--context", "tkc-prod-1", "auth", "whoami")).Success().StdoutContains(usernamePrefix + devopsUser)
	if got := sessions(t, e); len(got) != 2 || !got[1].Valid(time.Now(), time.Hour) {
		t.Fatalf("the guest session was not renewed: %+v", got)
	}

	// A TanzuKubernetesCluster that does not exist: nothing is written.
	before, _ := os.ReadFile(e.Kubeconfig)
	beforeCache, _ := os.ReadFile(sessionsFile(e))
	withPassword(login(e, "--tanzu-kubernetes-cluster-namespace", teamA, "--tanzu-kubernetes-cluster-name", "tkc-nope", "--insecure-skip-tls-verify")).
		ExitCode(3).OneLineError(`TanzuKubernetesCluster "tkc-nope" not found in vSphere namespace "`+teamA+`"`,
		"check --tanzu-kubernetes-cluster-name and --tanzu-kubernetes-cluster-namespace")
	unchanged(t, e.Kubeconfig, before)
	unchanged(t, sessionsFile(e), beforeCache)
}

// The exec entry of a guest cluster that has gone: vCenter itself answers
// 404 to the password login.
func TestGuestGoneAtVCenter(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	withPassword(login(e, "--insecure-skip-tls-verify")).Success()
	before := sessions(t, e)
	r := e.Plugin("kubectl-tko-auth", "login", "--vsphere", "--server="+vcenter.Server, "--vsphere-username="+devopsUser,
		"--tanzu-kubernetes-cluster-namespace="+teamA, "--tanzu-kubernetes-cluster-name=tkc-gone", "--insecure-skip-tls-verify").
		Env(execInfo).Env(common.PasswordEnv + "=" + devopsPassword).Run()
	r.ExitCode(3).OneLineError(`TanzuKubernetesCluster "tkc-gone" not found in vSphere namespace "` + teamA + `"`).StdoutLacks("token")
	if after := sessions(t, e); len(after) != len(before) {
		t.Fatalf("sessions %d, then %d", len(before), len(after))
	}
}

// execInfo is what kubectl hands an exec plugin when no terminal is there.
const execInfo = `KUBERNETES_EXEC_INFO={"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`

// unchanged fails unless path holds was (a missing file stays missing).
func unchanged(t *testing.T, path string, was []byte) {
	t.Helper()
	now, err := os.ReadFile(path)
	if (err != nil) != (was == nil) || !bytes.Equal(now, was) {
		t.Fatalf("%s changed (%v)", path, err)
	}
}
