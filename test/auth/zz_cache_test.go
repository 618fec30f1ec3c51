package auth

import "testing"

// TestCachedCredentialWithoutTheProvider stops Dex: a second kubectl call
// must be answered from the credential cache. It runs last (file order).
func TestCachedCredentialWithoutTheProvider(t *testing.T) {
	e, _ := loginEnv(t)
	e.Kubectl("tko", "auth", "whoami").Success().StdoutContains("oidc:" + aliceEmail)
	dex.Stop()
	e.Kubectl("tko", "auth", "whoami").Success().StdoutContains("oidc:" + aliceEmail)
	e.Kubectl("get", "--raw", "/version").Success()
	// Without the cache and the provider: one clear line from the plugin.
	e.Kubectl("tko", "auth", "logout").Success()
	r := e.Kubectl("tko", "auth", "whoami").Run()
	if r.Code == 0 {
		t.Fatal("whoami succeeded with no cache and no provider")
	}
	r.StderrContains("cannot reach the OIDC issuer " + dex.Issuer)
}
