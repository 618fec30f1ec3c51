package kubeconfig

import (
	"path/filepath"
	"sort"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The login commands a kubeconfig exec entry may run.
const (
	LoginTKO      = "kubectl tko auth login"
	LoginPinniped = "pinniped login oidc"
	LoginTanzu    = "tanzu pinniped-auth login"
)

// LoginArgs recognises a Pinniped-style login in an exec entry and returns
// its flags (the arguments after the command words) and which command it
// is: ours (kubectl tko auth login, kubectl-tko auth login,
// kubectl-tko-auth login), pinniped login oidc or tanzu pinniped-auth login.
func LoginArgs(exec *clientcmdapi.ExecConfig) ([]string, string, bool) {
	if exec == nil {
		return nil, "", false
	}
	cmd, a := filepath.Base(exec.Command), exec.Args
	has := func(words ...string) bool {
		if len(a) < len(words) {
			return false
		}
		for i, w := range words {
			if a[i] != w {
				return false
			}
		}
		return true
	}
	switch {
	case cmd == "kubectl" && has("tko", "auth", "login"):
		return a[3:], LoginTKO, true
	case cmd == "kubectl-tko" && has("auth", "login"):
		return a[2:], LoginTKO, true
	case (cmd == "kubectl-tko-auth" || cmd == "kubectl-tko_auth") && has("login"):
		return a[1:], LoginTKO, true
	case cmd == "pinniped" && has("login", "oidc"):
		return a[2:], LoginPinniped, true
	case cmd == "tanzu" && has("pinniped-auth", "login"):
		return a[2:], LoginTanzu, true
	}
	return nil, "", false
}

// Conversion is one kubeconfig user whose login command was swapped.
type Conversion struct {
	User string
	From string // LoginPinniped or LoginTanzu
}

// Convert swaps every pinniped and tanzu login of a kubeconfig for
// `kubectl tko auth login` with the same flags, in place, and reports the
// users it changed (sorted). Other users are left alone.
func Convert(cfg *clientcmdapi.Config) []Conversion {
	var out []Conversion
	for name, u := range cfg.AuthInfos {
		if u == nil {
			continue
		}
		args, from, ok := LoginArgs(u.Exec)
		if !ok || from == LoginTKO {
			continue
		}
		u.Exec.Command = "kubectl"
		u.Exec.Args = append([]string{"tko", "auth", "login"}, args...)
		u.Exec.InstallHint = "kubectl tko auth is needed to log in: kubectl krew install tko tko-auth"
		u.Exec.ProvideClusterInfo = true
		if u.Exec.InteractiveMode == "" {
			u.Exec.InteractiveMode = clientcmdapi.IfAvailableExecInteractiveMode
		}
		out = append(out, Conversion{User: name, From: from})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User < out[j].User })
	return out
}
