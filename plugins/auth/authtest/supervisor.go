package authtest

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
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
)

// The vSphere SSO user of the played Supervisor and its password.
const (
	VUser     = "devops@vsphere.local"
	VPassword = "Sup3r-s3cret!"
)

// SessionJWT is an unsigned token expiring at exp, as a session_id.
func SessionJWT(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{"sub": VUser, "exp": exp.Unix()})
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(payload) + "." + enc([]byte("sig"))
}

// Supervisor is a Supervisor on a loopback address of its own: its
// login endpoints (played in the shapes of the vSphere with Tanzu notes,
// as vCenter answers them) on a free port, and on port 6443 of the same
// address its API server, the in-memory one of clitest behind a proxy.
type Supervisor struct {
	Server string // the address for --server
	API    *clitest.Server
	Logins int
	Exp    time.Time
	// BasicOnly refuses a session token at /wcp/login, taking only the
	// password, as the vSphere with Tanzu notes describe the endpoint.
	BasicOnly bool
}

// NewSupervisor starts one for the test.
func NewSupervisor(t *testing.T) *Supervisor {
	t.Helper()
	env := &Supervisor{Exp: time.Now().Add(10 * time.Hour).Truncate(time.Second)}
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
			// A live session's token is taken for a guest cluster's, as
			// vCenter takes it.
			bearer := !env.BasicOnly && r.Header.Get("Authorization") == "Bearer "+SessionJWT(env.Exp) && env.Exp.After(time.Now())
			if !bearer && (!ok || user != VUser || pass != VPassword) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			env.Logins++
			var body map[string]string
			_ = json.NewDecoder(r.Body).Decode(&body)
			answer := map[string]string{"session_id": SessionJWT(env.Exp)}
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

// TKC is a TanzuKubernetesCluster to add to the API server.
func TKC(ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("run.tanzu.vmware.com/v1alpha3")
	u.SetKind("TanzuKubernetesCluster")
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}
