package cli

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Factory builds Kubernetes clients on first use, so that --help, version
// and completion of static words never read a kubeconfig or dial a server.
type Factory struct {
	ConfigFlags *genericclioptions.ConfigFlags

	once      sync.Once
	config    *rest.Config
	configErr error

	dynOnce sync.Once
	dyn     dynamic.Interface
	dynErr  error
}

// NewFactory returns a factory over kubectl's standard connection flags.
func NewFactory() *Factory {
	flags := genericclioptions.NewConfigFlags(true)
	// Large lists (thousands of Clusters) are common on management clusters:
	// kubectl's default 5/10 QPS would throttle a fleet command for seconds.
	flags.WrapConfigFn = func(c *rest.Config) *rest.Config {
		c.QPS, c.Burst = 50, 100
		return c
	}
	return &Factory{ConfigFlags: flags}
}

// RESTConfig returns the client configuration built from the kubeconfig and flags.
func (f *Factory) RESTConfig() (*rest.Config, error) {
	f.once.Do(func() {
		if f.noKubeconfig() {
			f.configErr = &explain.KubeconfigError{Err: clientcmd.ErrEmptyConfig}
			return
		}
		f.config, f.configErr = f.ConfigFlags.ToRESTConfig()
		if f.configErr != nil {
			f.configErr = &explain.KubeconfigError{Err: f.configErr}
		}
	})
	return f.config, f.configErr
}

// noKubeconfig reports that nothing says which cluster to talk to: no
// kubeconfig clusters, no --server and not inside a pod. client-go would
// otherwise fall back to http://localhost:8080 and report a refused
// connection, which hides the real cause.
func (f *Factory) noKubeconfig() bool {
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" || (f.ConfigFlags.APIServer != nil && *f.ConfigFlags.APIServer != "") {
		return false
	}
	raw, err := f.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
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
		f.dyn, f.dynErr = dynamic.NewForConfig(cfg)
	})
	return f.dyn, f.dynErr
}

// Discovery returns a discovery client cached on disk like kubectl's
// (~/.kube/cache), so repeated runs skip the group walk.
func (f *Factory) Discovery() (discovery.CachedDiscoveryInterface, error) {
	if _, err := f.RESTConfig(); err != nil {
		return nil, err
	}
	d, err := f.ConfigFlags.ToDiscoveryClient()
	if err != nil {
		return nil, &explain.KubeconfigError{Err: err}
	}
	return d, nil
}

// Namespace returns -n, or the kubeconfig context's namespace, or "default".
func (f *Factory) Namespace() (string, error) {
	ns, _, err := f.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return "", &explain.KubeconfigError{Err: err}
	}
	return ns, nil
}

// RawConfig returns the merged kubeconfig (for fleet commands that walk contexts).
func (f *Factory) RawConfig() (clientcmdapi.Config, error) {
	raw, err := f.ConfigFlags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return raw, &explain.KubeconfigError{Err: err}
	}
	return raw, nil
}

// ForContext returns a factory for another context of the same kubeconfig,
// keeping every other connection flag the user gave.
func (f *Factory) ForContext(name string) *Factory {
	src := f.ConfigFlags
	flags := genericclioptions.NewConfigFlags(true)
	flags.CacheDir, flags.KubeConfig = src.CacheDir, src.KubeConfig
	flags.Namespace, flags.Timeout, flags.Insecure = src.Namespace, src.Timeout, src.Insecure
	flags.Impersonate, flags.ImpersonateUID, flags.ImpersonateGroup = src.Impersonate, src.ImpersonateUID, src.ImpersonateGroup
	flags.ImpersonateUserExtra, flags.DisableCompression = src.ImpersonateUserExtra, src.DisableCompression
	flags.WrapConfigFn = src.WrapConfigFn
	flags.Context = &name
	return &Factory{ConfigFlags: flags}
}

// Connect builds the clients of the chosen cluster and checks that it
// serves every API group the command needs: the one way every command of
// every plugin connects.
func (f *Factory) Connect(reqs ...kube.Requirement) (*kube.Clients, error) {
	cfg, err := f.RESTConfig()
	if err != nil {
		return nil, err
	}
	disc, err := f.Discovery()
	if err != nil {
		return nil, err
	}
	served, err := kube.Discover(disc, reqs...)
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
	return &kube.Clients{Config: cfg, Dynamic: dyn, Served: served, Namespace: ns}, nil
}

// ForCompletion bounds every request of a completion call: a slow server
// must never freeze the user's prompt. Call it before any client is built.
func (f *Factory) ForCompletion() {
	if f.ConfigFlags.Timeout == nil || *f.ConfigFlags.Timeout == "" || *f.ConfigFlags.Timeout == "0" {
		timeout := completionTimeout.String()
		f.ConfigFlags.Timeout = &timeout
	}
}

// KubeconfigPath is the kubeconfig file kubectl itself would write to:
// --kubeconfig, else the first file of KUBECONFIG, else ~/.kube/config.
func (f *Factory) KubeconfigPath() string {
	if f.ConfigFlags.KubeConfig != nil && *f.ConfigFlags.KubeConfig != "" {
		return *f.ConfigFlags.KubeConfig
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if files := rules.GetLoadingPrecedence(); len(files) > 0 {
		return files[0]
	}
	return filepath.Join(clientcmd.RecommendedConfigDir, clientcmd.RecommendedFileName)
}
