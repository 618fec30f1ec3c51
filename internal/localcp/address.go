package localcp

import (
	"crypto/rand"
	"fmt"
	"net"
)

func freePortOn(ip net.IP) (int, error) {
	ports, err := freePorts(ip)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// freePorts returns a free port on each address, all held open at once:
// ports taken one after another may come out the same, as the kernel can
// hand a port just closed out again (etcd once got kube-apiserver's).
func freePorts(ips ...net.IP) ([]int, error) {
	ports := make([]int, len(ips))
	for i, ip := range ips {
		l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// loopback parses Options.Address: empty is 127.0.0.1, anything else must
// be a loopback IPv4 address (the control plane is never reachable from
// another machine).
func loopback(address string) (net.IP, error) {
	if address == "" {
		return net.IPv4(127, 0, 0, 1).To4(), nil
	}
	ip := net.ParseIP(address).To4()
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("control plane address %q is not a loopback IPv4 address such as 127.0.0.1", address)
	}
	return ip, nil
}

// servingIPs are the addresses kube-apiserver's certificate is valid for:
// its own, 127.0.0.1 (the tools that reach it there) and the service IP.
func servingIPs(addr net.IP) []net.IP {
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv4(10, 0, 0, 1)}
	if !addr.Equal(ips[0]) {
		ips = append(ips, addr)
	}
	return ips
}

// RandomLoopback returns a loopback address 127.X.Y.Z picked at random,
// away from 127.0.0.0/16, so that a test can bind well-known ports (6443,
// 443) without meeting another run or a local service on 127.0.0.1.
func RandomLoopback() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("127.%d.%d.%d", 1+int(b[0])%254, b[1], 1+int(b[2])%254)
}
