package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

// installLatency measures how long after kapp-controller marks a
// PackageInstall ReconcileSucceeded each waiting client exits: `package
// install --wait`, `kubectl wait --for=condition=ReconcileSucceeded`, and a
// 1 s poll with kubectl get, which is how kctrl waits (kctrl itself is not
// served by this machine's Go proxy, so its method is run with kubectl).
// The moment of success is taken from a separate watch on the install.
func installLatency(bin, kubectl string, runs int) error {
	ctx := context.Background()
	e, err := startEnv(ctx, "with kapp-controller", testenv.Options{Seed: true, KappController: true})
	if err != nil {
		return err
	}
	defer e.Close()
	dir, cp, dyn := e.Dir, e.CP, e.Dyn
	c := &carvel.Client{Dyn: dyn}
	if _, err := c.WaitRepository(ctx, seed.LocalRepositoryNamespace, seed.LocalRepository, carvel.WaitOptions{Timeout: 2 * time.Minute}); err != nil {
		return err
	}
	env := append(os.Environ(), "KUBECONFIG="+cp.Kubeconfig, "HOME="+dir)
	const ns = "tanzu-packages"
	// One ServiceAccount for the installs the reference clients create.
	saFile := filepath.Join(dir, "sa.yaml")
	if err := os.WriteFile(saFile, []byte(`apiVersion: v1
kind: ServiceAccount
metadata: {name: bench-sa, namespace: tanzu-packages}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bench-sa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: bench-sa, namespace: tanzu-packages}]
`), 0o600); err != nil {
		return err
	}
	if out, err := exec.Command(kubectl, "--kubeconfig", cp.Kubeconfig, "apply", "-f", saFile).CombinedOutput(); err != nil {
		return fmt.Errorf("creating the bench ServiceAccount: %w\n%s", err, out)
	}
	piYAML := func(name string) string {
		return fmt.Sprintf(`apiVersion: packaging.carvel.dev/v1alpha1
kind: PackageInstall
metadata: {name: %s, namespace: tanzu-packages}
spec:
  serviceAccountName: bench-sa
  packageRef: {refName: cert-manager.tanzu.vmware.com, versionSelection: {constraints: 1.13.3+vmware.1-tkg.1}}
`, name)
	}
	clients := []struct {
		label string
		run   func(name string) error
	}{
		{"kubectl-tko-package install --wait", func(name string) error {
			cmd := exec.Command(filepath.Join(bin, "kubectl-tko-package"), "install", name, "-p", "cert-manager.tanzu.vmware.com", "-n", ns, "--wait")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			return nil
		}},
		{"kubectl create + kubectl wait --for=condition", func(name string) error {
			create := exec.Command(kubectl, "create", "-f", "-")
			create.Env, create.Stdin = env, strings.NewReader(piYAML(name))
			if out, err := create.CombinedOutput(); err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			w := exec.Command(kubectl, "wait", "-n", ns, "--for=condition=ReconcileSucceeded", "packageinstall/"+name, "--timeout=120s")
			w.Env = env
			if out, err := w.CombinedOutput(); err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			return nil
		}},
		{"kubectl create + 1 s poll (kctrl's method)", func(name string) error {
			create := exec.Command(kubectl, "create", "-f", "-")
			create.Env, create.Stdin = env, strings.NewReader(piYAML(name))
			if out, err := create.CombinedOutput(); err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
				get := exec.Command(kubectl, "get", "-n", ns, "packageinstall/"+name, "-o", "jsonpath={.status.conditions[*].type}")
				get.Env = env
				out, err := get.Output()
				if err == nil && strings.Contains(string(out), "ReconcileSucceeded") {
					return nil
				}
			}
			return fmt.Errorf("%s did not reconcile", name)
		}},
	}
	fmt.Printf("\n'package install --wait' latency: from the PackageInstall's ReconcileSucceeded (seen by a separate watch) to the client's exit (median of %d runs)\n", runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT\tLATENCY AFTER SUCCESS\tTOTAL (CREATE TO EXIT)")
	for i, cl := range clients {
		var lat, total []time.Duration
		for r := range runs {
			name := fmt.Sprintf("bench-%d-%d", i, r)
			stop, err := watchSucceeded(ctx, dyn, ns, name)
			if err != nil {
				return err
			}
			start := time.Now()
			err = cl.run(name)
			exit := time.Now()
			succeeded := stop()
			if err != nil {
				return fmt.Errorf("%s: %w", cl.label, err)
			}
			if succeeded.IsZero() {
				return fmt.Errorf("%s: the watch never saw %s succeed", cl.label, name)
			}
			lat = append(lat, exit.Sub(succeeded))
			total = append(total, exit.Sub(start))
			_ = dyn.Resource(carvel.Installs).Namespace(ns).Delete(ctx, name, metav1.DeleteOptions{})
		}
		slices.Sort(lat)
		slices.Sort(total)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cl.label, ms(lat[len(lat)/2]), ms(total[len(total)/2]))
	}
	return tw.Flush()
}

// watchSucceeded watches one PackageInstall and records when
// ReconcileSucceeded first holds at its current generation.
func watchSucceeded(ctx context.Context, dyn dynamic.Interface, ns, name string) (func() time.Time, error) {
	w, err := dyn.Resource(carvel.Installs).Namespace(ns).Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	if err != nil {
		return nil, err
	}
	seen := make(chan time.Time, 1)
	go func() {
		check := carvel.Reconciled("package install")
		for ev := range w.ResultChan() {
			if ev.Type != watch.Added && ev.Type != watch.Modified {
				continue
			}
			if u, ok := ev.Object.(*unstructured.Unstructured); ok {
				if done, _ := check(u); done {
					seen <- time.Now()
					return
				}
			}
		}
	}()
	// The client has exited: its event may still be on its way to this watch.
	return func() time.Time {
		defer w.Stop()
		select {
		case t := <-seen:
			return t
		case <-time.After(5 * time.Second):
			return time.Time{}
		}
	}, nil
}
