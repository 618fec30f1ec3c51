package lb

import (
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strings"
)

// Range is a contiguous span of addresses.
type Range struct{ From, To netip.Addr }

// Contains reports whether a is inside the range.
func (r Range) Contains(a netip.Addr) bool { return r.From.Compare(a) <= 0 && a.Compare(r.To) <= 0 }

// Overlaps reports whether two ranges share an address.
func (r Range) Overlaps(o Range) bool { return r.From.Compare(o.To) <= 0 && o.From.Compare(r.To) <= 0 }

// Size counts the addresses (capped at a big number for IPv6).
func (r Range) Size() int64 {
	a, b := new(big.Int).SetBytes(r.From.AsSlice()), new(big.Int).SetBytes(r.To.AsSlice())
	n := new(big.Int).Sub(b, a)
	n.Add(n, big.NewInt(1))
	if !n.IsInt64() {
		return 1 << 62
	}
	return n.Int64()
}

func (r Range) String() string {
	if r.From == r.To {
		return r.From.String()
	}
	return r.From.String() + "-" + r.To.String()
}

// ParseRange reads "10.0.0.10-10.0.0.20", "10.0.0.0/28" (every address of
// the prefix) or one address.
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if from, to, ok := strings.Cut(s, "-"); ok {
		a, err := netip.ParseAddr(strings.TrimSpace(from))
		if err != nil {
			return Range{}, fmt.Errorf("%q: start: %w", s, err)
		}
		b, err := netip.ParseAddr(strings.TrimSpace(to))
		if err != nil {
			return Range{}, fmt.Errorf("%q: end: %w", s, err)
		}
		return NewRange(a, b)
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return Range{}, fmt.Errorf("%q: %w", s, err)
		}
		return PrefixRange(p), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return Range{}, fmt.Errorf("%q: %w", s, err)
	}
	return Range{a, a}, nil
}

// NewRange checks that the two ends are of one family and in order.
func NewRange(from, to netip.Addr) (Range, error) {
	if from.Is4() != to.Is4() {
		return Range{}, fmt.Errorf("%s-%s mixes IPv4 and IPv6", from, to)
	}
	if to.Less(from) {
		return Range{}, fmt.Errorf("%s-%s ends before it starts", from, to)
	}
	return Range{from, to}, nil
}

// PrefixRange is every address of a prefix.
func PrefixRange(p netip.Prefix) Range {
	p = p.Masked()
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	last, _ := netip.AddrFromSlice(b)
	return Range{p.Addr(), last}
}

// Pool is a set of VIP ranges somebody hands addresses out of: an ADC's
// data network, or a kube-vip ConfigMap key.
type Pool struct {
	Source  string   `json:"source"` // "adc/install-ako-for-all dataNetwork tkg-vip-pg", "kubevip cidr-global"
	Scope   string   `json:"scope"`  // the namespace the pool serves; "*" for every namespace
	Ranges  []Range  `json:"-"`
	Text    string   `json:"ranges"` // as written
	Size    int64    `json:"size"`
	Used    []string `json:"used"`    // namespace/name of the Services holding an address of it
	Percent int      `json:"percent"` // used of size, rounded down
}

// Holds reports whether an address is in the pool.
func (p *Pool) Holds(a netip.Addr) bool {
	return slices.ContainsFunc(p.Ranges, func(r Range) bool { return r.Contains(a) })
}

// Warn is the usage at which a pool is reported as running out.
const Warn = 80

// ADCPools are the VIP pools of an ADC's data network: its ipPools, or the
// whole CIDR when it lists none (NSX ALB then allocates from the network's
// own static ranges, which only the controller knows).
func ADCPools(a *ADC) ([]*Pool, error) {
	n := a.Spec.DataNetwork
	p := &Pool{Source: fmt.Sprintf("adc/%s dataNetwork %s", a.Name, n.Name), Scope: "*"}
	var texts []string
	for _, ip := range n.IPPools {
		r, err := ParseRange(ip.Start + "-" + ip.End)
		if err != nil {
			return nil, fmt.Errorf("adc/%s: ipPool %w", a.Name, err)
		}
		p.Ranges = append(p.Ranges, r)
		texts = append(texts, r.String())
	}
	if len(p.Ranges) == 0 && n.CIDR != "" {
		prefix, err := netip.ParsePrefix(n.CIDR)
		if err != nil {
			return nil, fmt.Errorf("adc/%s: dataNetwork cidr %q: %w", a.Name, n.CIDR, err)
		}
		p.Ranges, texts = []Range{PrefixRange(prefix)}, []string{n.CIDR}
	}
	p.Text = strings.Join(texts, ",")
	return []*Pool{p}, nil
}

// KubeVIPPools reads kube-vip's cloud-provider ConfigMap (kube-system/kubevip):
// cidr-<ns>, cidr-global, range-<ns>, range-global; comma lists.
func KubeVIPPools(data map[string]string) ([]*Pool, error) {
	var out []*Pool
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		kind, scope, ok := strings.Cut(key, "-")
		if !ok || (kind != "cidr" && kind != "range") {
			continue
		}
		if scope == "global" {
			scope = "*"
		}
		p := &Pool{Source: "kubevip " + key, Scope: scope, Text: data[key]}
		for _, part := range strings.Split(data[key], ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			if kind == "cidr" && !strings.Contains(part, "/") {
				return nil, fmt.Errorf("kubevip %s: %q is not a CIDR", key, part)
			}
			r, err := ParseRange(part)
			if err != nil {
				return nil, fmt.Errorf("kubevip %s: %w", key, err)
			}
			p.Ranges = append(p.Ranges, r)
		}
		out = append(out, p)
	}
	return out, nil
}

// ShadowedRanges lists the range-<ns> keys that a cidr-global hides: kube-vip
// consults every cidr key before any range key, so a namespace with its own
// range still gets addresses from cidr-global.
func ShadowedRanges(data map[string]string) []string {
	if strings.TrimSpace(data["cidr-global"]) == "" {
		return nil
	}
	var out []string
	for k := range data {
		if ns, ok := strings.CutPrefix(k, "range-"); ok && ns != "global" && data["cidr-"+ns] == "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Account fills in each pool's size and the Services holding its addresses.
func Account(pools []*Pool, services []Service) {
	for _, p := range pools {
		p.Size, p.Used = 0, nil
		for _, r := range p.Ranges {
			p.Size += r.Size()
		}
		for _, s := range services {
			for _, a := range s.Addresses() {
				if p.Holds(a) && (p.Scope == "*" || p.Scope == s.Namespace) {
					p.Used = append(p.Used, s.Namespace+"/"+s.Name)
					break
				}
			}
		}
		if p.Size > 0 {
			p.Percent = int(int64(len(p.Used)) * 100 / p.Size)
		}
	}
}
