package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The test directory: carol is in tko-platform (and tko-developers), dave
// only in tko-developers, so the user filter of Dex's LDAP connector, which
// admits tko-platform members only, leaves him out.
const (
	ldapSuffix     = "dc=tko,dc=example"
	ldapPlatform   = "cn=tko-platform,ou=groups," + ldapSuffix
	ldapDevelopers = "cn=tko-developers,ou=groups," + ldapSuffix
	ldapAdmin      = "cn=admin," + ldapSuffix
	ldapAdminPW    = "dex-binds-with-this"
	carolPassword  = "carol-s3cret"
	davePassword   = "dave-s3cret"
	carolEmail     = "carol@example.com"
)

// StartLDAPDex starts Dex whose password grant goes to its LDAP connector,
// searching the directory on ldapPort for tko-platform members. Dex dials
// the directory per login, so slapd need not be up yet.
func StartLDAPDex(ldapPort int) (*Dex, error) {
	return startDex("ldap:", fmt.Sprintf(`oauth2:
  passwordConnector: ldap
  skipApprovalScreen: true
connectors:
- type: ldap
  id: ldap
  name: OpenLDAP
  config:
    # Plain LDAP on loopback: the password never leaves this machine.
    host: 127.0.0.1:%d
    insecureNoSSL: true
    bindDN: %s
    bindPW: %s
    userSearch:
      baseDN: ou=people,%s
      filter: "(&(objectClass=inetOrgPerson)(memberOf=%s))"
      username: uid
      idAttr: uid
      emailAttr: mail
      nameAttr: cn
      preferredUsernameAttr: uid
    groupSearch:
      baseDN: ou=groups,%s
      filter: "(objectClass=groupOfNames)"
      userMatchers:
      - userAttr: DN
        groupAttr: member
      nameAttr: cn
`, ldapPort, ldapAdmin, ldapAdminPW, ldapSuffix, ldapPlatform, ldapSuffix))
}

// Slapd is a running OpenLDAP server holding the test directory.
type Slapd struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startSlapd writes a configuration and the directory, loads it with
// slapadd and starts slapd on 127.0.0.1:port; the test stops it.
func startSlapd(t *testing.T, port int) *Slapd {
	t.Helper()
	bin := suite.Env["TKO_SLAPD"]
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("slapd not found (%q): run hack/tools.sh slapd, then eval \"$(hack/tools.sh --env)\"", bin)
	}
	root := strings.TrimSuffix(bin, "/usr/sbin/slapd")
	// The libraries fetched beside slapd (libldap of its own version among them).
	libs, _ := filepath.Glob(filepath.Join(root, "usr", "lib", "*-linux-gnu"))
	env := append(os.Environ(), "LD_LIBRARY_PATH="+strings.Join(libs, ":"))
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf, seed := filepath.Join(dir, "slapd.conf"), filepath.Join(dir, "seed.ldif")
	write := func(path, body string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(conf, slapdConf(root, dir))
	write(seed, directoryLDIF())
	// slapadd is slapd under another name; it loads the directory offline.
	slapadd := exec.Command(filepath.Join(filepath.Dir(bin), "slapadd"), "-q", "-f", conf, "-l", seed)
	slapadd.Env = env
	if out, err := slapadd.CombinedOutput(); err != nil {
		t.Fatalf("slapadd: %v\n%s", err, out)
	}
	log, err := os.OpenFile(filepath.Join(dir, "slapd.log"), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	// -d 0: stay in the foreground (no fork), so the test owns the process.
	s := &Slapd{cmd: exec.Command(bin, "-f", conf, "-h", fmt.Sprintf("ldap://127.0.0.1:%d/", port), "-d", "0"), done: make(chan struct{})}
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = env, log, log
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		log.Close()
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); log.Close(); close(s.done) }()
	t.Cleanup(s.Stop)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-s.done:
		case <-time.After(50 * time.Millisecond):
			if time.Since(start) < 10*time.Second {
				continue
			}
		}
		out, _ := os.ReadFile(filepath.Join(dir, "slapd.log"))
		t.Fatalf("slapd did not listen on port %d: %v\n%s", port, err, out)
	}
	t.Logf("slapd listening in %s", time.Since(start).Round(time.Millisecond))
	return s
}

// Stop ends slapd (again: a no-op).
func (s *Slapd) Stop() {
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// slapdConf is one mdb database with the memberof overlay; the modules and
// schemas come from the unpacked package under root.
func slapdConf(root, dir string) string {
	return fmt.Sprintf(`include %[1]s/etc/ldap/schema/core.schema
include %[1]s/etc/ldap/schema/cosine.schema
include %[1]s/etc/ldap/schema/inetorgperson.schema
modulepath %[1]s/usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload pw-sha2
pidfile %[2]s/slapd.pid
database mdb
maxsize 10485760
suffix "%[3]s"
rootdn "%[4]s"
rootpw %[5]s
directory %[2]s/db
overlay memberof
`, root, dir, ldapSuffix, ldapAdmin, ldapAdminPW)
}

// directoryLDIF is the people and groups. slapadd bypasses overlays, so
// each person carries the memberOf values the overlay would have kept.
func directoryLDIF() string {
	person := func(uid, password string, groups ...string) string {
		entry := fmt.Sprintf("dn: uid=%[1]s,ou=people,%[2]s\nobjectClass: inetOrgPerson\nuid: %[1]s\ncn: %[1]s\nsn: %[1]s\nmail: %[1]s@example.com\nuserPassword: %[3]s\n",
			uid, ldapSuffix, ssha256(password))
		for _, g := range groups {
			entry += "memberOf: " + g + "\n"
		}
		return entry
	}
	group := func(dn, cn string, members ...string) string {
		entry := fmt.Sprintf("dn: %s\nobjectClass: groupOfNames\ncn: %s\n", dn, cn)
		for _, m := range members {
			entry += fmt.Sprintf("member: uid=%s,ou=people,%s\n", m, ldapSuffix)
		}
		return entry
	}
	return strings.Join([]string{
		fmt.Sprintf("dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: tko\ndc: tko\n", ldapSuffix),
		"dn: ou=people," + ldapSuffix + "\nobjectClass: organizationalUnit\nou: people\n",
		"dn: ou=groups," + ldapSuffix + "\nobjectClass: organizationalUnit\nou: groups\n",
		person("carol", carolPassword, ldapPlatform, ldapDevelopers),
		person("dave", davePassword, ldapDevelopers),
		group(ldapPlatform, "tko-platform", "carol"),
		group(ldapDevelopers, "tko-developers", "carol", "dave"),
	}, "\n")
}

// ssha256 is a salted SHA-256 userPassword as slapd's pw-sha2 module checks
// it: base64(sha256(password+salt) + salt).
func ssha256(password string) string {
	salt := make([]byte, 8)
	_, _ = rand.Read(salt)
	sum := sha256.Sum256(append([]byte(password), salt...))
	return "{SSHA256}" + base64.StdEncoding.EncodeToString(append(sum[:], salt...))
}
