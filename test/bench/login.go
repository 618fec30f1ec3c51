package main

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
)

// loginCached measures `auth login` answering from its credential cache,
// which kubectl runs before every request of a login kubeconfig: the
// plugin binary alone, and the whole chain a kubeconfig's
// `command: kubectl, args: [tko, auth, login, ...]` starts (kubectl's
// plugin dispatch, then kubectl-tko, then kubectl-tko-auth).
func loginCached(bin, kubectl string, runs int) error {
	home, err := os.MkdirTemp("", "tko-bench-login-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	cfg := oidc.Config{Issuer: "https://issuer.bench.invalid/dex", ClientID: "pinniped-cli", Scopes: []string{"openid", "email", "groups", "offline_access"}}
	cluster := &oidc.ClusterInfo{Server: "https://127.0.0.1:6443"}
	store, err := oidc.NewStore(filepath.Join(home, ".config", "tko"))
	if err != nil {
		return err
	}
	if err := store.PutCredential(cfg.CredentialKey(cluster), &oidc.Credential{Token: "bench-token", Expiry: time.Now().Add(time.Hour)}); err != nil {
		return err
	}
	absBin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME=", "KUBECONFIG=/nonexistent",
		"PATH="+absBin+string(os.PathListSeparator)+filepath.Dir(kubectl)+string(os.PathListSeparator)+os.Getenv("PATH"),
		`KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://127.0.0.1:6443"},"interactive":false}}`)
	args := append([]string{"login"}, kubeconfig.Login{Issuer: cfg.Issuer, ClientID: cfg.ClientID, Scopes: cfg.Scopes}.Args()...)
	ref, err := measure(runs, env, kubectl, "version", "--client")
	if err != nil {
		return err
	}
	direct, err := measure(runs, env, filepath.Join(absBin, "kubectl-tko-auth"), args...)
	if err != nil {
		return err
	}
	chain, err := measure(runs, env, kubectl, append([]string{"tko", "auth"}, args...)...)
	if err != nil {
		return err
	}
	fmt.Printf("Cached login: 'auth login' answering from the credential cache against 'kubectl version --client' (median of %d runs; goal 0.25x)\n", runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND\tWALL\tKUBECTL\tRATIO\tPEAK RSS")
	for _, r := range []struct {
		name string
		s    Sample
	}{{"kubectl-tko-auth login", direct}, {"kubectl tko auth login", chain}} {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2fx\t%d MiB\n", r.name, ms(r.s.Wall), ms(ref.Wall), float64(r.s.Wall)/float64(ref.Wall), r.s.MaxRSS/1024)
	}
	return tw.Flush()
}
