package cli

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/util/homedir"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Factory holds kubectl's connection flags and builds Kubernetes clients
// on first use, so that --help, version and completion of static words
// never read a kubeconfig or dial a server.
type Factory struct {
	// Kubeconfig is --kubeconfig; Overrides holds every other connection
	// flag, bound by client-go's clientcmd as kubectl binds them.
	Kubeconfig string
	Overrides  clientcmd.ConfigOverrides
	// UserExtra is --as-user-extra KEY=VALUE, repeatable.
	UserExtra []string
	// CacheDir is --cache-dir, accepted for kubectl compatibility.
	CacheDir string

	loaderOnce sync.Once
	loader     clientcmd.ClientConfig
	// raw is the parent's kubeconfig, for a factory made by ForContext:
	// read and parsed once for every context of a fleet run.
	raw *clientcmdapi.Config
	// served caches discovery by API server, shared with the factories
	// ForContext makes: contexts of one cluster discover it once.
	served *servedCache

	once      sync.Once
	config    *rest.Config
	configErr error

	dynOnce sync.Once
	dyn     dynamic.Interface
	dynErr  error
}

// NewFactory returns a factory with kubectl's defaults.
func NewFactory() *Factory {
	return &Factory{Overrides: clientcmd.ConfigOverrides{ClusterDefaults: clientcmd.ClusterDefaults}, served: &servedCache{byHost: map[string]*servedEntry{}}}
}

// servedCache holds, per API server, a discovery client and the API
// groups it serves: the contexts of one cluster ask once.
type servedCache struct {
	mu     sync.Mutex
	byHost map[string]*servedEntry
}

type servedEntry struct {
	gate kube.DialGate // one connection for the first requests of every client

	discOnce sync.Once
	disc     *kube.Discovery // keeps what it read of each group version
	discErr  error

	servedOnce sync.Once
	served     kube.Served
	servedErr  error
}

// entry returns cfg's server's entry, made on first use.
func (c *servedCache) entry(cfg *rest.Config) *servedEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byHost[cfg.Host]
	if !ok {
		e = &servedEntry{}
		c.byHost[cfg.Host] = e
	}
	return e
}

// discovery is the server's discovery client, made once.
func (e *servedEntry) discovery(cfg *rest.Config) (*kube.Discovery, error) {
	e.discOnce.Do(func() { e.disc, e.discErr = kube.NewDiscovery(cfg) })
	return e.disc, e.discErr
}

// discover returns what the server serves, asking it once per process even
// when a fleet run's contexts ask at the same moment.
func (e *servedEntry) discover(cfg *rest.Config) (kube.Served, error) {
	e.servedOnce.Do(func() {
		disc, err := e.discovery(cfg)
		if err != nil {
			e.servedErr = err
			return
		}
		e.served, e.servedErr = kube.Discover(disc)
	})
	return e.served, e.servedErr
}

// ShareDial makes cfg's first requests share one connection with every
// other client of the run that reaches the same server (kube.DialGate).
// For workload clusters: a fleet run reads many at once, often behind one
// address, and each client's first requests would otherwise dial and
// handshake a connection each, of which HTTP/2 keeps one.
func (f *Factory) ShareDial(cfg *rest.Config) {
	if f != nil && f.served != nil {
		cfg.Wrap(f.served.entry(cfg).gate.Wrap)
	}
}

// ServedVersion returns the first of a group's served versions, preferred
// first, that serves a resource: a group's preferred version may not serve
// every resource (run.tanzu.vmware.com). Asked once per API server and
// group version, so the contexts of one cluster share the answer.
func (f *Factory) ServedVersion(group, resource string) (string, bool) {
	cfg, err := f.RESTConfig()
	if err != nil {
		return "", false
	}
	e := f.served.entry(cfg)
	served, err := e.discover(cfg)
	if err != nil {
		return "", false
	}
	disc, _ := e.discovery(cfg)
	for _, v := range served[group] {
		if disc.Serves(schema.GroupVersion{Group: group, Version: v}, resource) {
			return v, true
		}
	}
	return "", false
}

// AddFlags registers kubectl's connection flags: clientcmd's recommended
// set (without basic auth, which kubectl dropped) plus --kubeconfig,
// --as-user-extra and --cache-dir.
func (f *Factory) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.Kubeconfig, "kubeconfig", "", "Path to the kubeconfig file to use for CLI requests.")
	fs.StringVar(&f.CacheDir, "cache-dir", filepath.Join(homedir.HomeDir(), ".kube", "cache"), "Default cache directory")
	names := clientcmd.RecommendedConfigOverrideFlags("")
	names.AuthOverrideFlags.Username.LongName = ""
	names.AuthOverrideFlags.Password.LongName = ""
	// kubectl's own wording and -s, so that help reads the same as kubectl's.
	names.AuthOverrideFlags.Impersonate.Description = "Username to impersonate for the operation. User could be a regular user or a service account in a namespace."
	names.AuthOverrideFlags.ImpersonateUID.Description = "UID to impersonate for the operation."
	names.ClusterOverrideFlags.APIServer.ShortName = "s"
	names.ClusterOverrideFlags.ProxyURL.Description = "Proxy URL to use for requests to the API server"
	names.ClusterOverrideFlags.TLSServerName.Description = "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used"
	clientcmd.BindOverrideFlags(&f.Overrides, fs, names)
	fs.StringArrayVar(&f.UserExtra, "as-user-extra", nil, "User extras to impersonate for the operation, this flag can be repeated to specify multiple values for the same key.")
}

// Context is --context ("" for the kubeconfig's current context).
func (f *Factory) Context() string { return f.Overrides.CurrentContext }

// clientConfig is the kubeconfig as the flags select it, loaded once.
func (f *Factory) clientConfig() clientcmd.ClientConfig {
	f.loaderOnce.Do(func() {
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		rules.DefaultClientConfig = &clientcmd.DefaultClientConfig
		rules.ExplicitPath = f.Kubeconfig
		overrides := f.Overrides
		if len(f.UserExtra) > 0 {
			overrides.AuthInfo.ImpersonateUserExtra = map[string][]string{}
			for _, extra := range f.UserExtra {
				if key, value, ok := strings.Cut(extra, "="); ok {
					overrides.AuthInfo.ImpersonateUserExtra[key] = append(overrides.AuthInfo.ImpersonateUserExtra[key], value)
				}
			}
		}
		if f.raw != nil {
			f.loader = clientcmd.NewNonInteractiveClientConfig(*f.raw, overrides.CurrentContext, &overrides, rules)
			return
		}
		f.loader = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &overrides)
	})
	return f.loader
}

// RESTConfig returns the client configuration built from the kubeconfig and flags.
func (f *Factory) RESTConfig() (*rest.Config, error) {
	f.once.Do(func() {
		if f.noKubeconfig() {
			f.configErr = &explain.KubeconfigError{Err: clientcmd.ErrEmptyConfig}
			return
		}
		f.config, f.configErr = f.clientConfig().ClientConfig()
		if f.configErr != nil {
			f.configErr = &explain.KubeconfigError{Err: f.configErr}
			return
		}
		// Large lists (thousands of Clusters) are common on management
		// clusters: kubectl's default 5/10 QPS would throttle a fleet
		// command for seconds.
		f.config.QPS, f.config.Burst = 50, 100
		if f.served != nil {
			f.config.Wrap(f.served.entry(f.config).gate.Wrap)
		}
	})
	return f.config, f.configErr
}

// noKubeconfig reports that nothing says which cluster to talk to: no
// kubeconfig clusters, no --server and not inside a pod. client-go would
// otherwise fall back to http://localhost:8080 and report a refused
// connection, which hides the real cause.
func (f *Factory) noKubeconfig() bool {
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" || f.Overrides.ClusterInfo.Server != "" {
		return false
	}
	raw, err := f.clientConfig().RawConfig()
	return err == nil && len(raw.Clusters) == 0
}

// Dynamic returns a dynamic client.
func (f *Factory) Dynamic() (dynamic.Interface, error) {
	f.dynOnce.Do(func() {
		cfg, err := f.RESTConfig()
		if err != nil {
			f.dynErr = err
			return
		}
		f.dyn, f.dynErr = kube.NewDynamic(cfg)
	})
	return f.dyn, f.dynErr
}

// Discovery returns the chosen cluster's discovery client, shared with
// every factory of the run that reaches the same API server.
func (f *Factory) Discovery() (*kube.Discovery, error) {
	cfg, err := f.RESTConfig()
	if err != nil {
		return nil, err
	}
	return f.served.entry(cfg).discovery(cfg)
}

// Namespace returns -n, or the kubeconfig context's namespace, or "default".
func (f *Factory) Namespace() (string, error) {
	ns, _, err := f.clientConfig().Namespace()
	if err != nil {
		return "", &explain.KubeconfigError{Err: err}
	}
	return ns, nil
}

// RawConfig returns the merged kubeconfig (for fleet commands that walk contexts).
func (f *Factory) RawConfig() (clientcmdapi.Config, error) {
	raw, err := f.clientConfig().RawConfig()
	if err != nil {
		return raw, &explain.KubeconfigError{Err: err}
	}
	return raw, nil
}

// ForContext returns a factory for another context of the same kubeconfig,
// keeping every other connection flag the user gave.
func (f *Factory) ForContext(name string) *Factory {
	c := &Factory{Kubeconfig: f.Kubeconfig, Overrides: f.Overrides, UserExtra: f.UserExtra, CacheDir: f.CacheDir, served: f.served}
	c.Overrides.CurrentContext = name
	if raw, err := f.RawConfig(); err == nil {
		c.raw = &raw
	}
	return c
}

// Connect builds the clients of the chosen cluster and checks that it
// serves every API group the command needs: the one way every command of
// every plugin connects.
func (f *Factory) Connect(reqs ...kube.Requirement) (*kube.Clients, error) {
	cfg, err := f.RESTConfig()
	if err != nil {
		return nil, err
	}
	served, err := f.served.entry(cfg).discover(cfg)
	if err != nil {
		return nil, err
	}
	if err := served.Require(reqs...); err != nil {
		return nil, err
	}
	c, err := f.Clients()
	if err != nil {
		return nil, err
	}
	c.Served = served
	return c, nil
}

// Clients builds the chosen cluster's clients without asking it anything:
// for a verb that knows what it reads (Served is left nil). A fleet run's
// contexts share one transport, so each server gets one TLS handshake.
func (f *Factory) Clients() (*kube.Clients, error) {
	cfg, err := f.RESTConfig()
	if err != nil {
		return nil, err
	}
	dyn, err := f.Dynamic()
	if err != nil {
		return nil, err
	}
	ns, err := f.Namespace()
	if err != nil {
		return nil, err
	}
	return &kube.Clients{Config: cfg, Dynamic: dyn, Namespace: ns}, nil
}

// ForCompletion bounds every request of a completion call: a slow server
// must never freeze the user's prompt. Call it before any client is built.
func (f *Factory) ForCompletion() {
	if f.Overrides.Timeout == "" || f.Overrides.Timeout == "0" {
		f.Overrides.Timeout = completionTimeout.String()
	}
}

// KubeconfigPath is the kubeconfig file kubectl itself would write to:
// --kubeconfig, else the first file of KUBECONFIG, else ~/.kube/config.
func (f *Factory) KubeconfigPath() string {
	if f.Kubeconfig != "" {
		return f.Kubeconfig
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if files := rules.GetLoadingPrecedence(); len(files) > 0 {
		return files[0]
	}
	return filepath.Join(clientcmd.RecommendedConfigDir, clientcmd.RecommendedFileName)
}
