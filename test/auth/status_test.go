package auth

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestStatusFindsABrokenAuthenticator(t *testing.T) {
	e := suite.New(t)
	publishIssuer(t, e)
	e.Kubectl("tko", "auth", "status", "--show-ok").Success().
		StdoutContains("ConfigMap/kube-public/pinniped-info", "issuer "+dex.Issuer+" reachable").
		StderrContains("0 error(s)")

	gvr := schema.GroupVersionResource{Group: "authentication.concierge.pinniped.dev", Version: "v1alpha1", Resource: "jwtauthenticators"}
	ja := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "authentication.concierge.pinniped.dev/v1alpha1", "kind": "JWTAuthenticator",
		"metadata": map[string]any{"name": "tkg-jwt-authenticator"},
		"spec":     map[string]any{"issuer": "https://supervisor.example.com/provider", "audience": "tko-local"},
	}}
	ctx := context.Background()
	created, err := suite.Dyn.Resource(gvr).Create(ctx, ja, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = suite.Dyn.Resource(gvr).Delete(ctx, "tkg-jwt-authenticator", metav1.DeleteOptions{}) })
	created.Object["status"] = map[string]any{"phase": "Error", "conditions": []any{
		map[string]any{"type": "JWKSFetchValid", "status": "False", "reason": "InvalidCouldNotFetchJWKS", "message": "could not fetch keys: x509: certificate signed by unknown authority",
			"lastTransitionTime": "2026-11-26T10:00:00Z"},
	}}
	if _, err := suite.Dyn.Resource(gvr).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "auth", "doctor").ExitCode(1).
		StdoutContains("error", "JWTAuthenticator/tkg-jwt-authenticator", "phase Error: JWKSFetchValid False: could not fetch keys",
			"spec.tls.certificateAuthorityData", "no JWTAuthenticator on this cluster trusts the published issuer "+dex.Issuer).
		StderrContains("1 error(s)")
	e.Kubectl("tko", "auth", "status", "-o", "json").ExitCode(1).StdoutContains(`"severity": "error"`, `"object": "JWTAuthenticator/tkg-jwt-authenticator"`)
}
