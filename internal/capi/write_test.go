package capi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

const wc1 = `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: wc-1, namespace: default, labels: {team: a}}
spec:
  topology:
    classRef: {name: tkg-vsphere-default-v1.2.0}
    version: v1.30.2+vmware.1
    controlPlane: {replicas: 1}
`

func scaleTo3(u *unstructured.Unstructured) error {
	if err := capi.SetControlPlaneReplicas(u, 3); err != nil {
		return err
	}
	labels := u.GetLabels()
	labels["plan"] = "prod"
	u.SetLabels(labels)
	return nil
}

func replicas(t *testing.T, s *clitest.Server) string {
	t.Helper()
	n, _, _ := unstructured.NestedFieldNoCopy(s.Object("clusters", "default", "wc-1").Object, "spec", "topology", "controlPlane", "replicas")
	return fmt.Sprint(n)
}

// An update writes the mutation and reports each change by path, spec and
// labels; with nothing to change it writes nothing.
func TestUpdateClusterReportsWhatChanged(t *testing.T) {
	s := clitest.NewServer(t)
	s.AddYAML(wc1)
	_, dyn := clients(t, s)
	ctx := context.Background()
	updated, changes, err := capi.UpdateCluster(ctx, dyn, api, "default", "wc-1", false, scaleTo3)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(changes) != "[spec.topology.controlPlane.replicas: 1 → 3 metadata.labels.plan: (none) → prod]" || updated.GetLabels()["plan"] != "prod" || replicas(t, s) != "3" {
		t.Errorf("%v, stored %s", changes, replicas(t, s))
	}
	writes := len(s.Changes())
	if _, changes, err = capi.UpdateCluster(ctx, dyn, api, "default", "wc-1", false, scaleTo3); err != nil || len(changes) != 0 || len(s.Changes()) != writes {
		t.Errorf("again: %v, %v, %d writes", changes, err, len(s.Changes())-writes)
	}
}

// A dry run is sent for the API server to check and stores nothing; a
// refused mutation sends nothing; a missing cluster is not found.
func TestUpdateClusterDryRunAndRefusals(t *testing.T) {
	s := clitest.NewServer(t)
	s.AddYAML(wc1)
	_, dyn := clients(t, s)
	ctx := context.Background()
	if _, changes, err := capi.UpdateCluster(ctx, dyn, api, "default", "wc-1", true, scaleTo3); err != nil || len(changes) != 2 || replicas(t, s) != "1" || len(s.Changes()) != 0 {
		t.Errorf("dry run: %v, %v, stored %s", changes, err, replicas(t, s))
	}
	refused := errors.New("an even control plane")
	if _, _, err := capi.UpdateCluster(ctx, dyn, api, "default", "wc-1", false, func(*unstructured.Unstructured) error { return refused }); !errors.Is(err, refused) {
		t.Errorf("refused: %v", err)
	}
	var nf *errs.NotFoundError
	if _, _, err := capi.UpdateCluster(ctx, dyn, api, "default", "wc-9", false, scaleTo3); !errors.As(err, &nf) {
		t.Errorf("missing: %v", err)
	}
	if len(s.Changes()) != 0 {
		t.Errorf("written: %v", s.Changes())
	}
}

// A write that loses a race is made again on a fresh read.
func TestUpdateClusterRetriesAConflict(t *testing.T) {
	s := clitest.NewServer(t)
	s.AddYAML(wc1)
	_, dyn := clients(t, s)
	conflicts := 1
	s.React("update", "clusters", func(clitest.Request) (bool, any, error) {
		if conflicts == 0 {
			return false, nil, nil
		}
		conflicts--
		return true, nil, apierrors.NewConflict(schema.GroupResource{Group: capi.Group, Resource: "clusters"}, "wc-1", errors.New("modified"))
	})
	if _, changes, err := capi.UpdateCluster(context.Background(), dyn, api, "default", "wc-1", false, scaleTo3); err != nil || len(changes) != 2 || replicas(t, s) != "3" {
		t.Errorf("%v, %v, stored %s", changes, err, replicas(t, s))
	}
}

// Applying a cluster says what happened: created, unchanged when applied
// again as it is, configured when it differs; a dry run stores nothing.
func TestApplyCluster(t *testing.T) {
	s := clitest.NewServer(t)
	_, dyn := clients(t, s)
	ctx := context.Background()
	cluster := clitest.YAML(t, wc1)[0]
	if _, verb, err := capi.ApplyCluster(ctx, dyn, api, cluster, true); err != nil || verb != "created" || s.Object("clusters", "default", "wc-1") != nil {
		t.Errorf("dry run: %s, %v", verb, err)
	}
	if _, verb, err := capi.ApplyCluster(ctx, dyn, api, cluster, false); err != nil || verb != "created" {
		t.Errorf("%s, %v", verb, err)
	}
	// The API server keeps the resourceVersion of an apply that changes
	// nothing (the in-memory server writes every apply).
	noop := true
	s.React("patch", "clusters", func(clitest.Request) (bool, any, error) {
		return noop, s.Object("clusters", "default", "wc-1"), nil
	})
	if _, verb, err := capi.ApplyCluster(ctx, dyn, api, cluster, false); err != nil || verb != "unchanged" {
		t.Errorf("%s, %v", verb, err)
	}
	noop = false
	if err := scaleTo3(cluster); err != nil {
		t.Fatal(err)
	}
	if applied, verb, err := capi.ApplyCluster(ctx, dyn, api, cluster, false); err != nil || verb != "configured" || replicas(t, s) != "3" || applied.GetLabels()["plan"] != "prod" {
		t.Errorf("%s, %v", verb, err)
	}
	s.Fail("patch", "clusters", apierrors.NewInvalid(schema.GroupKind{Group: capi.Group, Kind: "Cluster"}, "wc-1", nil))
	if _, _, err := capi.ApplyCluster(ctx, dyn, api, cluster, false); err == nil || !strings.HasPrefix(err.Error(), "creating cluster default/wc-1: ") {
		t.Errorf("refused: %v", err)
	}
}
