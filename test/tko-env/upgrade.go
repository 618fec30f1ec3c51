package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	corev1 "k8s.io/api/core/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun/upgraderuntest"
)

// The cluster play-upgrade makes upgradeable, in a namespace of its own
// that it deletes when it stops.
const (
	demoNamespace = "upgrade-demo"
	demoCluster   = "wc-upgrade-demo"
)

// playUpgrade gives the demo one cluster an upgrade run can take: a
// Cluster at v1.29.9 whose kubeconfig points at a workload API server of
// its own (healthy, unlike the seeded ones), and plays Cluster API's
// topology controller for it (machines rolled, status written through the
// status subresource) until interrupted. Nothing real rolls machines here.
func playUpgrade(ctx context.Context, dir string, stdout, log io.Writer) error {
	cp, err := localcp.Load(dir)
	if err != nil || !cp.Running() {
		return fmt.Errorf("the local control plane in %s is not running: start it with 'tko-env up'", dir)
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		return err
	}
	env, err := testenv.LoadEnv(root)
	if err != nil {
		return err
	}
	cfg, err := cp.RESTConfig()
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := freshNamespace(ctx, cs); err != nil {
		return err
	}
	defer func() {
		// A new context: ctx ended with the interrupt. The Cluster goes
		// first, at once, so that no later command finds it without its
		// API server while the namespace terminates.
		_ = dyn.Resource(upgraderuntest.Clusters).Namespace(demoNamespace).Delete(context.Background(), demoCluster, metav1.DeleteOptions{})
		_ = cs.CoreV1().Namespaces().Delete(context.Background(), demoNamespace, metav1.DeleteOptions{})
	}()
	wlDir := filepath.Join(dir, demoCluster)
	_ = os.RemoveAll(wlDir)
	wl, err := localcp.Start(ctx, localcp.Options{Dir: wlDir, Binaries: env.Binaries(), NoControllerManager: true, Log: log})
	if err != nil {
		return err
	}
	defer wl.Stop()
	kubeconfig, err := clientcmd.Write(*wl.KubeconfigFor())
	if err != nil {
		return err
	}
	u := upgraderuntest.Upgradable{Namespace: demoNamespace, Name: demoCluster, Version: "v1.29.9+vmware.1", TKR: "v1.29.9---vmware.1-tkg.1",
		Class: "tkg-vsphere-default-v1.2.0", MachinesOfNamespace: "default", MachinesOf: "wc-prod-1", Machines: 2, Kubeconfig: kubeconfig}
	if err := u.Create(ctx, dyn); err != nil {
		return fmt.Errorf("creating %s/%s: %w", demoNamespace, demoCluster, err)
	}
	fmt.Fprintf(stdout, "cluster %s/%s ready; playing Cluster API's topology controller for it until interrupted\n", demoNamespace, demoCluster)
	(&upgraderuntest.Topology{Dyn: dyn, Namespace: demoNamespace, Tick: 200 * time.Millisecond}).Run(ctx)
	return nil
}

// freshNamespace waits for a previous run's namespace to go, then
// creates it.
func freshNamespace(ctx context.Context, cs kubernetes.Interface) error {
	_ = cs.CoreV1().Namespaces().Delete(ctx, demoNamespace, metav1.DeleteOptions{})
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: demoNamespace}}, metav1.CreateOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsAlreadyExists(err) || time.Now().After(deadline) {
			return fmt.Errorf("namespace %s: %w", demoNamespace, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
