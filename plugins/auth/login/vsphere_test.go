package login_test

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

const (
	vUser     = "devops@vsphere.local"
	vPassword = "Sup3r-s3cret!"
)

// jwt is an unsigned token expiring at exp, as a session_id.
func jwt(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{"sub": vUser, "exp": exp.Unix()})
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(payload) + "." + enc([]byte("sig"))
}

// supervisorEnv is a Supervisor on a loopback address of its own: its
// login endpoints (played in the shapes of the vSphere with Tanzu notes,
// as vCenter answers them) on a free port, and on port 6443 of the same
// address its API server, the in-memory one of clitest behind a proxy.
type supervisorEnv struct {
	Server string // the address for --server
	API    *clitest.Server
	Logins int
	Exp    time.Time
}

func newSupervisor(t *testing.T) *supervisorEnv {
	t.Helper()
	env := &supervisorEnv{Exp: time.Now().Add(10 * time.Hour).Truncate(time.Second)}
	var api net.Listener
	var host string
	for range 20 {
		n, _ := rand.Int(rand.Reader, big.NewInt(250*250))
		host = fmt.Sprintf("127.%d.%d.%d", 10+n.Int64()/250, n.Int64()%250+1, 7)
		l, err := net.Listen("tcp", net.JoinHostPort(host, vsphere.APIPort))
		if err == nil {
			api = l
			break
		}
	}
	if api == nil {
		t.Skip("no loopback address with port 6443 free")
	}
	env.API = clitest.NewServer(t, clitest.Namespace("team-a"), clitest.Namespace("team-b"), clitest.Namespace("vmware-system-capw"))
	env.API.React("create", "selfsubjectaccessreviews", func(r clitest.Request) (bool, any, error) {
		ns, _, _ := unstructured.NestedString(r.Object.Object, "spec", "resourceAttributes", "namespace")
		r.Object.Object["status"] = map[string]any{"allowed": ns != "team-b"}
		return true, r.Object, nil
	})
	target, _ := url.Parse(env.API.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // to the test's own server
	apiSrv := &httptest.Server{Listener: api, Config: &http.Server{Handler: proxy}}
	apiSrv.StartTLS()
	t.Cleanup(apiSrv.Close)

	wcpL, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	wcp := &httptest.Server{Listener: wcpL, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/wcp/loginbanner":
			_, _ = w.Write([]byte("banner"))
		case "/wcp/login":
			user, pass, ok := r.BasicAuth()
			if !ok || user != vUser || pass != vPassword {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			env.Logins++
			var body map[string]string
			_ = json.NewDecoder(r.Body).Decode(&body)
			answer := map[string]string{"session_id": jwt(env.Exp)}
			if body["guest_cluster_name"] != "" {
				answer["guest_cluster_server"], answer["guest_cluster_ca"] = "10.0.0.9", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
			}
			_ = json.NewEncoder(w).Encode(answer)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})}}
	wcp.StartTLS()
	t.Cleanup(wcp.Close)
	env.Server = wcpL.Addr().String()
	return env
}

func tkc(ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("run.tanzu.vmware.com/v1alpha3")
	u.SetKind("TanzuKubernetesCluster")
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

func TestVSphereLogin(t *testing.T) {
	env := newSupervisor(t)
	env.API.Add(tkc("team-a", "tkc-1"))
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	cmd := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{"KUBECTL_VSPHERE_PASSWORD": vPassword}}
	login := []string{"login", "--vsphere", "--server", env.Server, "-u", vUser, "--insecure-skip-tls-verify",
		"--tanzu-kubernetes-cluster-namespace", "team-a", "--tanzu-kubernetes-cluster-name", "tkc-1", "-v=10"}
	r := cmd.Run(t, login...)
	if r.Code != 0 || !strings.Contains(r.Stdout, "   team-a\n") || strings.Contains(r.Stdout, "team-b") || strings.Contains(r.Stdout, "vmware-system") ||
		!strings.Contains(r.Stdout, `Switched to context "tkc-1".`) {
		t.Fatalf("login: %s", r)
	}
	if strings.Contains(r.Stdout+r.Stderr, vPassword) || strings.Contains(r.Stdout+r.Stderr, jwt(env.Exp)) {
		t.Fatalf("the password or token was shown: %s", r)
	}
	raw, _ := os.ReadFile(kubeconfig)
	if strings.Contains(string(raw), jwt(env.Exp)) || strings.Contains(string(raw), vPassword) {
		t.Fatal("the kubeconfig holds a secret")
	}
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(env.Server)
	sup := cfg.Clusters[env.Server]
	guest := cfg.Clusters["10.0.0.9"]
	if cfg.CurrentContext != "tkc-1" || sup == nil || sup.Server != "https://"+host+":6443" || !sup.InsecureSkipTLSVerify ||
		guest == nil || guest.Server != "https://10.0.0.9:6443" || cfg.Contexts["team-a"].Namespace != "team-a" {
		t.Fatalf("kubeconfig:\n%s", raw)
	}
	exec := cfg.AuthInfos[cfg.Contexts["tkc-1"].AuthInfo].Exec
	if exec == nil || exec.Command != "kubectl" || !strings.Contains(strings.Join(exec.Args, " "), "tko auth login --vsphere --server="+env.Server+" --vsphere-username="+vUser+" --tanzu-kubernetes-cluster-namespace=team-a --tanzu-kubernetes-cluster-name=tkc-1 --insecure-skip-tls-verify") {
		t.Fatalf("exec %+v", exec)
	}
	for _, p := range []string{kubeconfig, filepath.Join(home, ".config", "tko", vsphere.SessionsFile)} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, info, err)
		}
	}

	// kubectl runs the exec entry: the cached session, no login.
	logins := env.Logins
	// The login above set the password in the environment for the rest of
	// the test (t.Setenv): the exec entry runs without it, as kubectl does.
	execCmd := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home,
		Env: map[string]string{common.PasswordEnv: "", "KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`}}
	r = execCmd.Run(t, exec.Args[2:]...)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"token":"`+jwt(env.Exp)+`"`) || !strings.Contains(r.Stdout, env.Exp.UTC().Format(time.RFC3339)) || env.Logins != logins {
		t.Fatalf("exec: %s (logins %d then %d)", r, logins, env.Logins)
	}

	// Logged out, with no password and no terminal: one line, exit 6.
	r = clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home}.Run(t, "logout", "--vsphere", "--server", env.Server)
	if r.Code != 0 || !strings.Contains(r.Stdout, "tkc-1") {
		t.Fatalf("logout: %s", r)
	}
	r = execCmd.Run(t, exec.Args[2:]...)
	if r.Code != 6 || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "log in again: kubectl tko auth login --vsphere --server "+env.Server) {
		t.Fatalf("no session: %s", r)
	}
	// On a terminal it asks once and goes on.
	execCmd.TTY, execCmd.Stdin = true, vPassword+"\n"
	execCmd.Env = map[string]string{common.PasswordEnv: "", "KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}`}
	r = execCmd.Run(t, exec.Args[2:]...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Password for "+vUser+": ") || strings.Contains(r.Stderr, vPassword) || !strings.Contains(r.Stdout, `"token":"`) {
		t.Fatalf("prompt: %s", r)
	}
}

func TestVSphereLoginRefusals(t *testing.T) {
	env := newSupervisor(t)
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	run := func(env map[string]string, args ...string) clitest.Result {
		return clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: env}.Run(t, append([]string{"login", "--vsphere"}, args...)...)
	}
	good := map[string]string{"KUBECTL_VSPHERE_PASSWORD": vPassword}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no server", good, []string{"-u", vUser}, 2, "needs --server"},
		{"no user", good, []string{"--server", env.Server}, 2, "--vsphere-username"},
		{"half a guest", good, []string{"--server", env.Server, "-u", vUser, "--tanzu-kubernetes-cluster-name", "x"}, 2, "go together"},
		{"no password", map[string]string{"KUBECTL_VSPHERE_PASSWORD": ""}, []string{"--server", env.Server, "-u", vUser}, 2, "set KUBECTL_VSPHERE_PASSWORD"},
		{"wrong password", map[string]string{"KUBECTL_VSPHERE_PASSWORD": "nope"}, []string{"--server", env.Server, "-u", vUser, "--insecure-skip-tls-verify"}, 6, "the Supervisor rejected the user name or password"},
		{"untrusted", good, []string{"--server", env.Server, "-u", vUser}, 6, "--certificate-authority FILE, or --insecure-skip-tls-verify"},
		{"no such guest", good, []string{"--server", env.Server, "-u", vUser, "--insecure-skip-tls-verify", "--tanzu-kubernetes-cluster-namespace", "team-a", "--tanzu-kubernetes-cluster-name", "nope"}, 3, `TanzuKubernetesCluster "nope" not found`},
		{"not a supervisor", good, []string{"--server", strings.TrimPrefix(env.API.URL, "https://"), "-u", vUser, "--insecure-skip-tls-verify"}, 6, "is not a vSphere with Tanzu Supervisor"},
		{"unreachable", good, []string{"--server", "127.0.0.1:1", "-u", vUser, "--insecure-skip-tls-verify"}, 6, "cannot reach the Supervisor"},
	} {
		r := run(tc.env, tc.args...)
		lines := 1
		if strings.Contains(r.Stderr, "--help") {
			lines = 2 // a flag mistake points at --help
		}
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.want) || strings.Count(r.Stderr, "\n") != lines {
			t.Errorf("%s: %s", tc.name, r)
		}
		if _, err := os.Stat(kubeconfig); err == nil {
			t.Fatalf("%s: the kubeconfig was written", tc.name)
		}
	}
}
