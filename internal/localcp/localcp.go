// Package localcp runs a real, local Kubernetes control plane (etcd,
// kube-apiserver and the node-free parts of kube-controller-manager) on
// loopback, for the demo and the integration tests. Nothing here is mocked:
// the binaries are built from the pinned upstream modules by hack/tools.sh.
package localcp

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Users of the local control plane, authenticated by static tokens.
const (
	AdminUser   = "tko-admin"  // in system:masters
	ViewerUser  = "tko-viewer" // no rights until a test grants some
	ContextName = "tko-local"
	// ViewerContext authenticates as ViewerUser.
	ViewerContext = "tko-local-viewer"
)

// Binaries are the paths of the upstream binaries.
type Binaries struct {
	Etcd              string `json:"etcd"`
	APIServer         string `json:"kubeAPIServer"`
	ControllerManager string `json:"kubeControllerManager"`
	Kubectl           string `json:"kubectl"`
}

// Options configures Start.
type Options struct {
	Dir      string // state directory: certificates, etcd data, logs, kubeconfig
	Binaries Binaries
	// NoControllerManager skips kube-controller-manager (namespace deletion,
	// garbage collection and ClusterRole aggregation then do not happen).
	NoControllerManager bool
	// Detach lets the processes outlive the caller (the demo). Otherwise
	// they are killed when the caller dies, even by a panic or SIGKILL.
	Detach bool
	// AuthenticationConfig, when set, is a structured
	// apiserver.config.k8s.io AuthenticationConfiguration (JWT issuers the
	// API server trusts, as the Pinniped Concierge's JWTAuthenticator does);
	// it is written to the state directory and passed as
	// --authentication-config. Static tokens keep working beside it.
	AuthenticationConfig []byte
	// Address is the loopback IP kube-apiserver binds to and its serving
	// certificate names (default 127.0.0.1). All of 127/8 is loopback on
	// Linux, so a test can give each API server an address of its own, as a
	// Supervisor and a guest cluster have.
	Address string
	// Port is kube-apiserver's port; 0 picks a free one.
	Port int
	// ServingLifetime is how long kube-apiserver's serving certificate is
	// valid (default a year): a test of certificate expiry makes it short.
	ServingLifetime time.Duration
	// NoAnonymous runs kube-apiserver with --anonymous-auth=false, as a
	// hardened cluster does: requests without credentials get 401.
	NoAnonymous bool
	Log         io.Writer // progress lines; nil for none
}

// ControlPlane is a running local control plane.
type ControlPlane struct {
	Dir         string `json:"dir"`
	Server      string `json:"server"`
	Kubeconfig  string `json:"kubeconfig"`
	CAFile      string `json:"caFile"`
	PIDs        []int  `json:"pids"`
	adminToken  string
	viewerToken string
	procs       []*exec.Cmd
	files       []*os.File
	front       frontProxy
}

// frontProxy holds the request-header credentials aggregated API servers need.
type frontProxy struct {
	CAFile, CertFile, KeyFile string
}

const stateFile = "state.json"

// Start builds certificates, starts the processes and waits until the API
// server is ready. On failure everything started is stopped again.
func Start(ctx context.Context, opts Options) (cp *ControlPlane, err error) {
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format+"\n", args...)
		}
	}
	for name, path := range map[string]string{"etcd": opts.Binaries.Etcd, "kube-apiserver": opts.Binaries.APIServer} {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%s binary not found at %q: build it with 'make tools'", name, path)
		}
	}
	addr, err := loopback(opts.Address)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", opts.Dir, err)
	}
	for _, sub := range []string{"pki", "logs", "etcd"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("creating %s: %w", sub, err)
		}
	}
	cp = &ControlPlane{Dir: dir}
	defer func() {
		if err != nil {
			cp.Stop()
			cp = nil
		}
	}()

	pki := filepath.Join(dir, "pki")
	ca, err := newCA("tko-local-ca")
	if err != nil {
		return nil, err
	}
	cp.CAFile, _, err = ca.write(pki, "ca")
	if err != nil {
		return nil, err
	}
	lifetime := opts.ServingLifetime
	if lifetime <= 0 {
		lifetime = 365 * 24 * time.Hour
	}
	serving, err := ca.issueFor("kube-apiserver", x509.ExtKeyUsageServerAuth,
		[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		servingIPs(addr), lifetime)
	if err != nil {
		return nil, err
	}
	servingCert, servingKey, err := serving.write(pki, "apiserver")
	if err != nil {
		return nil, err
	}
	frontCA, err := newCA("tko-local-front-proxy-ca")
	if err != nil {
		return nil, err
	}
	cp.front.CAFile, _, err = frontCA.write(pki, "front-proxy-ca")
	if err != nil {
		return nil, err
	}
	frontClient, err := frontCA.issue("front-proxy-client", x509.ExtKeyUsageClientAuth, nil, nil)
	if err != nil {
		return nil, err
	}
	cp.front.CertFile, cp.front.KeyFile, err = frontClient.write(pki, "front-proxy-client")
	if err != nil {
		return nil, err
	}
	saPub, saKey, err := writeServiceAccountKeys(pki)
	if err != nil {
		return nil, err
	}
	cp.adminToken, cp.viewerToken = randomToken(), randomToken()
	tokens := filepath.Join(pki, "tokens.csv")
	tokenData := fmt.Sprintf("%s,%s,%s,\"system:masters\"\n%s,%s,%s\n", cp.adminToken, AdminUser, AdminUser, cp.viewerToken, ViewerUser, ViewerUser)
	if err := os.WriteFile(tokens, []byte(tokenData), 0o600); err != nil {
		return nil, fmt.Errorf("writing tokens: %w", err)
	}

	lo := net.IPv4(127, 0, 0, 1)
	ports, err := freePorts(lo, lo, addr)
	if err != nil {
		return nil, err
	}
	etcdPort, peerPort, apiPort := ports[0], ports[1], ports[2]
	if opts.Port != 0 {
		apiPort = opts.Port
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	logf("starting etcd on %s", etcdURL)
	if err := cp.start(opts, "etcd", opts.Binaries.Etcd, nil,
		"--name", "tko-local",
		"--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "tko-local="+peerURL,
		"--unsafe-no-fsync", // a throwaway store: speed over durability
		"--quota-backend-bytes", strconv.Itoa(4<<30),
		"--log-level", "warn",
	); err != nil {
		return nil, err
	}

	cp.Server = "https://" + net.JoinHostPort(addr.String(), strconv.Itoa(apiPort))
	var authnArgs []string
	if len(opts.AuthenticationConfig) > 0 {
		authn := filepath.Join(dir, "authentication-config.yaml")
		if err := os.WriteFile(authn, opts.AuthenticationConfig, 0o600); err != nil {
			return nil, fmt.Errorf("writing the authentication configuration: %w", err)
		}
		authnArgs = []string{"--authentication-config", authn}
	}
	if opts.NoAnonymous {
		authnArgs = append(authnArgs, "--anonymous-auth=false")
	}
	logf("starting kube-apiserver on %s", cp.Server)
	if err := cp.start(opts, "kube-apiserver", opts.Binaries.APIServer, nil, append(authnArgs,
		"--etcd-servers", etcdURL,
		"--bind-address", addr.String(), "--advertise-address", addr.String(),
		"--secure-port", strconv.Itoa(apiPort),
		"--tls-cert-file", servingCert, "--tls-private-key-file", servingKey,
		"--client-ca-file", cp.CAFile,
		"--token-auth-file", tokens,
		"--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", saPub, "--service-account-signing-key-file", saKey,
		"--service-cluster-ip-range", "10.0.0.0/24",
		// Loopback is refused as an advertise address unless nothing reconciles the endpoints.
		"--endpoint-reconciler-type", "none",
		"--allow-privileged",
		"--requestheader-client-ca-file", cp.front.CAFile,
		"--requestheader-allowed-names", "front-proxy-client",
		"--requestheader-username-headers", "X-Remote-User",
		"--requestheader-group-headers", "X-Remote-Group",
		"--requestheader-extra-headers-prefix", "X-Remote-Extra-",
		"--proxy-client-cert-file", cp.front.CertFile, "--proxy-client-key-file", cp.front.KeyFile,
		"--enable-aggregator-routing=false",
		"--v", "1",
	)...); err != nil {
		return nil, err
	}
	if err := cp.waitReady(ctx, "kube-apiserver"); err != nil {
		return nil, err
	}
	cp.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := cp.writeKubeconfig(cp.Kubeconfig); err != nil {
		return nil, err
	}
	if !opts.NoControllerManager && opts.Binaries.ControllerManager != "" {
		logf("starting kube-controller-manager (namespace, garbage collector, RBAC aggregation, service accounts, resource quotas)")
		if err := cp.start(opts, "kube-controller-manager", opts.Binaries.ControllerManager, nil,
			"--kubeconfig", cp.Kubeconfig,
			"--leader-elect=false", "--secure-port", "0",
			"--controllers", "namespace-controller,garbage-collector-controller,clusterrole-aggregation-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,resourcequota-controller",
			"--service-account-private-key-file", saKey,
			"--root-ca-file", cp.CAFile,
			"--use-service-account-credentials=false",
		); err != nil {
			return nil, err
		}
	}
	for _, c := range cp.procs {
		cp.PIDs = append(cp.PIDs, c.Process.Pid)
	}
	if err := cp.saveState(); err != nil {
		return nil, err
	}
	logf("control plane ready: %s", cp.Server)
	return cp, nil
}

// saveState records the processes so a detached control plane can be stopped.
// KubeconfigFor returns a kubeconfig for the given user ("" for admin).
func (cp *ControlPlane) KubeconfigFor() *clientcmdapi.Config {
	caPEM, _ := os.ReadFile(cp.CAFile)
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[ContextName] = &clientcmdapi.Cluster{Server: cp.Server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos[AdminUser] = &clientcmdapi.AuthInfo{Token: cp.adminToken}
	cfg.AuthInfos[ViewerUser] = &clientcmdapi.AuthInfo{Token: cp.viewerToken}
	cfg.Contexts[ContextName] = &clientcmdapi.Context{Cluster: ContextName, AuthInfo: AdminUser, Namespace: "default"}
	cfg.Contexts[ViewerContext] = &clientcmdapi.Context{Cluster: ContextName, AuthInfo: ViewerUser, Namespace: "default"}
	cfg.CurrentContext = ContextName
	return cfg
}

func (cp *ControlPlane) writeKubeconfig(path string) error {
	if err := clientcmd.WriteToFile(*cp.KubeconfigFor(), path); err != nil {
		return fmt.Errorf("writing kubeconfig: %w", err)
	}
	// It holds the admin token.
	return os.Chmod(path, 0o600)
}

// RESTConfig returns an admin client configuration.
func (cp *ControlPlane) RESTConfig() (*rest.Config, error) {
	var (
		cfg *rest.Config
		err error
	)
	if cp.adminToken == "" {
		// Loaded from a state directory: the kubeconfig holds the credentials.
		cfg, err = clientcmd.BuildConfigFromFlags("", cp.Kubeconfig)
	} else {
		cfg, err = clientcmd.NewDefaultClientConfig(*cp.KubeconfigFor(), &clientcmd.ConfigOverrides{}).ClientConfig()
	}
	if err != nil {
		return nil, fmt.Errorf("building client config: %w", err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	return cfg, nil
}

// FrontProxy returns the request-header CA, client certificate and key for
// aggregated API servers.
func (cp *ControlPlane) FrontProxy() (caFile, certFile, keyFile string) {
	return cp.front.CAFile, cp.front.CertFile, cp.front.KeyFile
}
