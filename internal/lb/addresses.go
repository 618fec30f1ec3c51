package lb

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// addressFindings checks every assigned address against the pools the
// cluster knows. One that no pool serving the Service's namespace holds is
// a stale status, an address something else handed out, or a VIP a pool
// will hand out again: a warning, an error when another Service holds it
// too (holders lists who holds each address). An address in another
// implementation's pool is a warning of its own.
func addressFindings(services []Service, pools []*Pool, holders map[netip.Addr][]string) []Finding {
	if len(pools) == 0 {
		return nil // nothing to compare with: every address would be flagged
	}
	var out []Finding
	for _, s := range services {
		// A class nobody here serves hands out addresses from pools of its own.
		if s.Pending() || s.Implementation == ImplOther && s.Class != "" {
			continue
		}
		for _, a := range s.Addresses() {
			if f, ok := addressFinding(s, a, pools, holders[a]); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

func addressFinding(s Service, a netip.Addr, pools []*Pool, holders []string) (Finding, bool) {
	obj := "service/" + s.Name + " -n " + s.Namespace
	var serving, holding, elsewhere []*Pool
	for _, p := range pools {
		in := p.Scope == "*" || p.Scope == s.Namespace
		switch {
		case in && p.Holds(a):
			holding = append(holding, p)
		case in:
			serving = append(serving, p)
		case p.Holds(a):
			elsewhere = append(elsewhere, p)
		}
	}
	if len(holding) > 0 {
		if len(implPools(s.Implementation, pools)) > 0 && len(implPools(s.Implementation, holding)) == 0 {
			return Finding{Severity: SeverityWarning, Object: obj, Cause: fmt.Sprintf("address %s is outside every %s pool (it lies in %s)", a, s.Implementation, sources(holding, false)),
				Fix: "move the address into a pool, or the pool over the address"}, true
		}
		return Finding{}, false
	}
	cause := fmt.Sprintf("address %s lies in no pool: compared with %s", a, sources(serving, true))
	if len(serving) == 0 {
		cause = fmt.Sprintf("address %s lies in no pool: none serves namespace %s", a, s.Namespace)
	}
	for _, p := range elsewhere {
		cause += fmt.Sprintf("; %s holds it but serves only namespace %s", p.Source, p.Scope)
	}
	sev := SeverityWarning
	if others := slices.DeleteFunc(slices.Clone(holders), func(h string) bool { return h == s.Namespace+"/"+s.Name }); len(others) > 0 {
		sev, cause = SeverityError, cause+"; also held by "+strings.Join(others, ", ")
	}
	return Finding{Severity: sev, Object: obj, Cause: cause,
		Fix: fmt.Sprintf("a stale status, an address another controller gave, or a VIP a pool will give again: see who wrote it ('kubectl get service %s -n %s -o yaml --show-managed-fields'), then bring it into a pool or clear it", s.Name, s.Namespace)}, true
}

// sources names pools, with their ranges when asked.
func sources(pools []*Pool, ranges bool) string {
	names := make([]string, len(pools))
	for i, p := range pools {
		names[i] = p.Source
		if ranges {
			names[i] += " (" + p.Text + ")"
		}
	}
	return strings.Join(names, ", ")
}
