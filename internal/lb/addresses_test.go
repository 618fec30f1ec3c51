package lb

import (
	"strings"
	"testing"
)

// service is a Service of type LoadBalancer as Read gives it.
func service(ns, name, impl, class string, ingress ...string) Service {
	return Service{Namespace: ns, Name: name, Implementation: impl, Class: class, Ingress: ingress}
}

// contains fails the test for each wanted piece the text lacks.
func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lack %q:\n%s", what, w, text)
		}
	}
}

func findingLines(fs []Finding) string {
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.Severity+" | "+f.Object+" | "+f.Cause)
	}
	return strings.Join(lines, "\n")
}

// TestAddressesInNoPool: every assigned address is compared with every pool
// the cluster knows; one in none is a warning naming the Service, the
// address and the pools, an error when another Service holds it too.
func TestAddressesInNoPool(t *testing.T) {
	a := adc(t, "acc", nil)
	a.Spec.DataNetwork = Network{Name: "acc-vip", CIDR: "10.99.0.0/24", IPPools: []IPPool{{Start: "10.99.0.10", End: "10.99.0.19"}}}
	adcPools, err := ADCPools(a)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := KubeVIPPools(map[string]string{"cidr-global": "fd00:10::/120", "range-team-b": "10.97.0.1-10.97.0.9"})
	if err != nil {
		t.Fatal(err)
	}
	pools := append(adcPools, kv...)
	services := []Service{
		service("team-a", "svc-in", ImplAKO, "", "10.99.0.12"),
		service("team-a", "svc-outside", ImplAKO, "", "10.98.0.5"),
		service("team-a", "svc-twice", ImplAKO, "", "10.98.0.7"),
		service("team-c", "svc-twice-too", ImplAKO, "", "10.98.0.7"),
		service("team-a", "svc-v6-in", ImplOther, "", "fd00:10::5"),
		service("team-a", "svc-v6-out", ImplOther, "", "fd00:20::5"),
		service("team-a", "svc-mapped", ImplAKO, "", "::ffff:10.99.0.13"),
		service("team-a", "svc-hostname", ImplAKO, "", "lb.example.com"),
		service("team-a", "svc-pending", ImplAKO, ""),
		service("team-a", "svc-metallb", ImplOther, "metallb.io/metallb", "192.168.1.1"),
		service("team-a", "svc-other-ns", ImplKubeVIP, KubeVIPClass, "10.97.0.3"),
		service("team-b", "svc-team-b", ImplKubeVIP, KubeVIPClass, "10.97.0.4"),
		service("team-b", "svc-wrong-impl", ImplKubeVIP, KubeVIPClass, "10.99.0.14"),
	}
	c := &Cluster{Services: services, AKO: &AKO{}}
	Account(pools, c.Services)
	all := findingLines(ClusterFindings(c, pools))
	contains(t, "findings", all,
		"warning | service/svc-outside -n team-a | address 10.98.0.5 lies in no pool: compared with adc/acc dataNetwork acc-vip (10.99.0.10-10.99.0.19), kubevip cidr-global (fd00:10::/120)",
		"error | service/svc-twice -n team-a | address 10.98.0.7 lies in no pool: compared with adc/acc dataNetwork acc-vip (10.99.0.10-10.99.0.19), kubevip cidr-global (fd00:10::/120); also held by team-c/svc-twice-too",
		"error | service/svc-twice-too -n team-c | address 10.98.0.7 lies in no pool",
		"warning | service/svc-v6-out -n team-a | address fd00:20::5 lies in no pool",
		"warning | service/svc-other-ns -n team-a | address 10.97.0.3 lies in no pool: compared with adc/acc dataNetwork acc-vip (10.99.0.10-10.99.0.19), kubevip cidr-global (fd00:10::/120); kubevip range-team-b holds it but serves only namespace team-b",
		"warning | service/svc-wrong-impl -n team-b | address 10.99.0.14 is outside every kube-vip pool (it lies in adc/acc dataNetwork acc-vip)")
	for _, quiet := range []string{"svc-in ", "svc-v6-in ", "svc-mapped ", "svc-hostname ", "svc-metallb ", "svc-team-b "} {
		if strings.Contains(all, "service/"+quiet) {
			t.Errorf("%s: a finding it should not have:\n%s", quiet, all)
		}
	}
	if strings.Contains(all, "svc-pending -n team-a | address") {
		t.Errorf("a pending Service's requested address belongs to its cause, not to an address finding:\n%s", all)
	}

	// Where the cluster knows no pool, every address would be flagged: none is.
	c = &Cluster{Services: services[:3], AKO: &AKO{}}
	if got := ClusterFindings(c, nil); len(got) != 0 {
		t.Errorf("no pool known, still:\n%s", findingLines(got))
	}
	// A namespace no pool serves says so rather than listing no pool.
	only, err := KubeVIPPools(map[string]string{"range-team-b": "10.97.0.1-10.97.0.9"})
	if err != nil {
		t.Fatal(err)
	}
	c = &Cluster{Services: services[1:2], AKO: &AKO{}}
	if got := findingLines(ClusterFindings(c, only)); !strings.Contains(got, "address 10.98.0.5 lies in no pool: none serves namespace team-a") {
		t.Errorf("findings: %s", got)
	}
}
