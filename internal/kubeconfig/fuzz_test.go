package kubeconfig

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// FuzzMerge: merging a context into any existing file either fails with an
// error or leaves a kubeconfig that loads, holds the new context as
// current, and is readable by its owner only.
func FuzzMerge(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"))
	f.Add([]byte(""))
	f.Add([]byte("apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: a, user: a}\n"))
	f.Fuzz(func(t *testing.T, existing []byte) {
		path := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(path, existing, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters["wc-1"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:6443"}
		cfg.AuthInfos["wc-1-admin"] = &clientcmdapi.AuthInfo{Token: "t"}
		cfg.Contexts["wc-1-admin@wc-1"] = &clientcmdapi.Context{Cluster: "wc-1", AuthInfo: "wc-1-admin"}
		cfg.CurrentContext = "wc-1-admin@wc-1"
		if err := Merge(cfg, path); err != nil {
			return
		}
		merged, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatalf("the merged file does not load: %v", err)
		}
		if merged.CurrentContext != "wc-1-admin@wc-1" {
			t.Fatalf("current context %q", merged.CurrentContext)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, want 0600", st.Mode().Perm())
		}
	})
}
