package localcp

import (
	"net"
	"strings"
	"testing"
)

func TestLoopback(t *testing.T) {
	for in, want := range map[string]string{"": "127.0.0.1", "127.42.7.9": "127.42.7.9"} {
		ip, err := loopback(in)
		if err != nil || ip.String() != want {
			t.Errorf("loopback(%q) = %v, %v; want %s", in, ip, err, want)
		}
	}
	for _, in := range []string{"10.0.0.5", "::1", "localhost", "127.0.0.300"} {
		if _, err := loopback(in); err == nil || !strings.Contains(err.Error(), "not a loopback IPv4 address") {
			t.Errorf("loopback(%q): %v", in, err)
		}
	}
}

func TestServingIPsNameTheAddress(t *testing.T) {
	ips := servingIPs(net.ParseIP("127.9.8.7"))
	var got []string
	for _, ip := range ips {
		got = append(got, ip.String())
	}
	if strings.Join(got, " ") != "127.0.0.1 10.0.0.1 127.9.8.7" {
		t.Fatalf("serving IPs %v", got)
	}
	if len(servingIPs(net.IPv4(127, 0, 0, 1))) != 2 {
		t.Fatal("127.0.0.1 named twice")
	}
}

func TestRandomLoopbackIsLoopbackAwayFrom127Dot0(t *testing.T) {
	for range 200 {
		a := RandomLoopback()
		ip, err := loopback(a)
		if err != nil || ip[1] == 0 || ip[3] == 0 || ip[3] == 255 {
			t.Fatalf("RandomLoopback() = %s (%v)", a, err)
		}
	}
}
