// Package auth proves `kubectl tko auth` against a real OpenID provider:
// Dex on loopback with TLS from a CA the test makes, static users with
// groups, a second Dex whose users live in a real OpenLDAP directory, and a
// kube-apiserver whose structured AuthenticationConfiguration trusts both
// (what the Pinniped Concierge's JWTAuthenticator does). Real kubectl runs
// our login as its exec credential plugin.
//
// Pinniped's own servers (Concierge TokenCredentialRequest, Supervisor
// token exchange) cannot be built here: internal/pinniped tests their wire
// formats against recorded shapes.
package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var (
	suite harness.Suite
	dex   *Dex
	// ldapDex logs users in against the directory of the LDAP test, which
	// starts slapd on ldapPort itself.
	ldapDex  *Dex
	ldapPort int
)

// Users of the test provider; the password of both is "password".
const (
	aliceEmail = "alice@example.com"
	aliceGroup = "tko-platform"
	password   = "password"
	// bcrypt of "password", as in Dex's own examples.
	passwordHash = "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"
	clientID     = "pinniped-cli"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(harness.Main(m, &suite, testenv.Options{}))
	}
	// The two Dexes start side by side: each takes about half a second.
	var err error
	ldapPort, err = localcp.FreePort()
	if err == nil {
		var ldapErr error
		started := make(chan struct{})
		go func() { ldapDex, ldapErr = StartLDAPDex(ldapPort); close(started) }()
		dex, err = StartDex()
		<-started
		err = errors.Join(err, ldapErr)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting Dex: %v\n", err)
		stopDexes()
		os.Exit(1)
	}
	code := harness.Main(m, &suite, testenv.Options{AuthenticationConfig: AuthenticationConfig(dex, ldapDex)})
	stopDexes()
	os.Exit(code)
}

func stopDexes() {
	for _, d := range []*Dex{dex, ldapDex} {
		if d != nil {
			d.Stop()
			os.RemoveAll(d.Dir)
		}
	}
}

// Dex is a running Dex.
type Dex struct {
	Dir    string
	Issuer string
	CAPEM  []byte
	// UsernamePrefix is what the API server puts before the email claim.
	UsernamePrefix string
	bin            string
	port           int
	cmd            *exec.Cmd
	done           chan struct{}
}

// StartDex starts Dex with static users, their passwords checked by its
// local connector.
func StartDex() (*Dex, error) {
	return startDex("oidc:", fmt.Sprintf(`oauth2:
  passwordConnector: local
  skipApprovalScreen: true
enablePasswordDB: true
staticPasswords:
- email: %[1]s
  hash: "%[2]s"
  username: alice
  userID: 0a1b2c3d-alice
  groups: [%[3]s, tko-developers]
- email: bob@example.com
  hash: "%[2]s"
  username: bob
  userID: 0a1b2c3d-bob
`, aliceEmail, passwordHash, aliceGroup))
}

// startDex writes a CA, a serving certificate and a configuration whose
// users and connectors are users, and starts Dex on a free loopback port.
func startDex(usernamePrefix, users string) (*Dex, error) {
	root, err := testenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	env, err := testenv.LoadEnv(root)
	if err != nil {
		return nil, err
	}
	bin := env["TKO_DEX"]
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("dex is not built (%q): run hack/tools.sh dex", bin)
	}
	dir, err := os.MkdirTemp("", "tko-dex-")
	if err != nil {
		return nil, err
	}
	port, err := localcp.FreePort()
	if err != nil {
		return nil, err
	}
	caPEM, certPEM, keyPEM, err := localcp.NewServingPair("dex")
	if err != nil {
		return nil, err
	}
	for name, data := range map[string][]byte{"ca.crt": caPEM, "tls.crt": certPEM, "tls.key": keyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	d := &Dex{Dir: dir, Issuer: fmt.Sprintf("https://127.0.0.1:%d/dex", port), CAPEM: caPEM, UsernamePrefix: usernamePrefix, bin: bin, port: port}
	config := fmt.Sprintf(`issuer: %[1]s
storage:
  type: memory
web:
  https: 127.0.0.1:%[2]d
  tlsCert: %[3]s/tls.crt
  tlsKey: %[3]s/tls.key
logger:
  level: warn
expiry:
  idTokens: 1h
staticClients:
- id: %[4]s
  name: Pinniped CLI
  public: true
- id: other-cli
  name: A client the cluster does not trust
  public: true
%[5]s`, d.Issuer, port, dir, clientID, users)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	return d, d.Start()
}

// Start runs Dex and waits for its discovery document.
func (d *Dex) Start() error {
	logFile, err := os.OpenFile(filepath.Join(d.Dir, "dex.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	d.cmd = exec.Command(d.bin, "serve", filepath.Join(d.Dir, "config.yaml"))
	d.cmd.Stdout, d.cmd.Stderr = logFile, logFile
	if err := d.cmd.Start(); err != nil {
		logFile.Close()
		return err
	}
	done := make(chan struct{})
	d.done = done
	go func() { _ = d.cmd.Wait(); logFile.Close(); close(done) }()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(d.CAPEM)
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := client.Get(d.Issuer + "/.well-known/openid-configuration")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(d.Dir, "dex.log"))
	return fmt.Errorf("dex did not serve %s within 30s:\n%s", d.Issuer, log)
}

// Stop ends Dex.
func (d *Dex) Stop() {
	if d.cmd != nil && d.cmd.Process != nil {
		_ = d.cmd.Process.Kill()
		<-d.done
		d.cmd = nil
	}
}

// AuthenticationConfig trusts each Dex's ID tokens for the pinniped-cli
// audience, usernames <UsernamePrefix><email>, groups as Dex sends them.
func AuthenticationConfig(dexes ...*Dex) []byte {
	config := "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt:\n"
	for _, d := range dexes {
		indented := "      " + strings.ReplaceAll(strings.TrimSpace(string(d.CAPEM)), "\n", "\n      ")
		config += fmt.Sprintf(`- issuer:
    url: %s
    audiences: [%s]
    certificateAuthority: |
%s
  claimMappings:
    username:
      claim: email
      prefix: %q
    groups:
      claim: groups
      prefix: ""
`, d.Issuer, clientID, indented, d.UsernamePrefix)
	}
	return []byte(config)
}
