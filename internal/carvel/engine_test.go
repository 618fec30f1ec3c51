package carvel

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// An install applied through the engine with Wait follows the
// PackageInstall by watch: the events kapp-controller would write end the
// wait with success, or with its full error under the "stopped at" line.
// No control plane: a fake dynamic client and a watch reactor, as
// kubectl's wait tests do.
func TestApplyStackWaitsByWatch(t *testing.T) {
	cases := []struct {
		condition string
		wantErr   string
	}{
		{"ReconcileSucceeded", ""},
		{"ReconcileFailed", "stopped at contour (applied: none; not applied: none): package install tanzu-packages/contour failed to reconcile:\n  no_such_value"},
	}
	for _, tc := range cases {
		t.Run(tc.condition, func(t *testing.T) {
			dyn := fake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
				Installs: "PackageInstallList", Apps: "AppList",
			})
			events := watch.NewFake()
			dyn.PrependWatchReactor("packageinstalls", k8stesting.DefaultWatchReactor(events, nil))
			c := &Client{Dyn: dyn, Namespace: "tanzu-packages"}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			pkg := &Package{Name: "contour.tanzu.vmware.com.1.26.1"}
			pkg.Spec.RefName, pkg.Spec.Version = "contour.tanzu.vmware.com", "1.26.1"
			spec := &InstallSpec{Name: "contour", Namespace: "tanzu-packages", Package: pkg, Constraint: "1.26.1", ServiceAccount: "deployer", RBAC: RBACNone}
			step, err := c.PlanStep(ctx, spec, nil)
			if err != nil || step.Action != Created {
				t.Fatalf("plan: %v, %v", step.Action, err)
			}

			// Play kapp-controller: once the install exists, report the reconcile.
			go func() {
				for ctx.Err() == nil {
					u, err := dyn.Resource(Installs).Namespace("tanzu-packages").Get(ctx, "contour", metav1.GetOptions{})
					if err == nil {
						st := map[string]any{"observedGeneration": int64(0), "usefulErrorMessage": "no_such_value",
							"conditions": []any{map[string]any{"type": tc.condition, "status": "True"}}}
						_ = unstructured.SetNestedMap(u.Object, st, "status")
						events.Modify(u)
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			}()

			var progress bytes.Buffer
			var applied []string
			err = c.ApplyStack(ctx, &StackPlan{Steps: []StackStep{step}}, ApplyOptions{
				Wait: true, Timeout: 15 * time.Second, Progress: &progress,
				Applied: func(s StackStep) { applied = append(applied, s.Name+" "+string(s.Action)) },
			})
			if strings.Join(applied, ",") != "contour created" {
				t.Errorf("applied: %v", applied)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				if !strings.Contains(progress.String(), "tanzu-packages/contour reconciled in") {
					t.Errorf("progress: %q", progress.String())
				}
				return
			}
			var step2 *errs.StepError
			if !errors.As(err, &step2) {
				t.Fatalf("want a StepError, got %T %v", err, err)
			}
			msg, code := explain.Explain(err)
			if msg != tc.wantErr || code != explain.ExitFailure {
				t.Errorf("got %q (exit %d), want %q (exit 1)", msg, code, tc.wantErr)
			}
		})
	}
}

// A dry run has the API server check the objects and waits for nothing.
func TestApplyStackDryRun(t *testing.T) {
	dyn := fake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{Installs: "PackageInstallList"})
	c := &Client{Dyn: dyn, Namespace: "ns"}
	pkg := &Package{}
	pkg.Spec.RefName, pkg.Spec.Version = "contour.tanzu.vmware.com", "1.26.1"
	step, err := c.PlanStep(context.Background(), &InstallSpec{Name: "contour", Namespace: "ns", Package: pkg, Constraint: "1.26.1", ServiceAccount: "sa", RBAC: RBACNone}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	if err := c.ApplyStack(context.Background(), &StackPlan{Steps: []StackStep{step}}, ApplyOptions{Wait: true, DryRun: true, Timeout: time.Second, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	created := false
	for _, a := range dyn.Actions() {
		if a.GetVerb() == "watch" {
			t.Errorf("a dry run watched: %v", a)
		}
		// The fake client stores what it is given; the engine must have asked for a dry run.
		if cr, ok := a.(k8stesting.CreateActionImpl); ok && cr.GetResource() == Installs {
			created = true
			if len(cr.CreateOptions.DryRun) == 0 {
				t.Error("the PackageInstall was created without dryRun")
			}
		}
	}
	if !created {
		t.Error("the PackageInstall was not checked by the API server")
	}
}
