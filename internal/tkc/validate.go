package tkc

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// Field is a value of the input and where it is: its file line, the
// object field it sets and, from a flat file, the variable it came from.
type Field struct {
	Value  string
	Line   int
	Path   string
	Source string
}

func (f Field) problem(format string, args ...any) errs.Problem {
	return errs.Problem{Line: f.Line, Path: f.Path, Source: f.Source, Message: fmt.Sprintf(format, args...)}
}

// Spec is a TanzuKubernetesCluster (or a class-based Cluster of class
// tanzukubernetescluster) to create, with each value that is checked
// before anything is written and where it came from.
type Spec struct {
	File         string
	Namespace    string
	ControlPlane *Field // replicas
	VMClasses    []Field
	Storage      []Field // storage classes
	TKRs         []Field // TKR names (or Kubernetes versions, for a Cluster)
	Pools        []Field // node pool names
	Pods         []Field // CIDR blocks
	Services     []Field
	problems     []errs.Problem // found while reading the input
}

// Facts are what the vSphere namespace and the Supervisor offer.
type Facts struct {
	Namespace Namespace
	Releases  []Release
}

// unknownTKR marks the problem of a TKR that does not exist, which alone
// is a not-found error rather than invalid input.
const unknownTKR = "not found"

// Check returns every problem of the spec against the facts, by line.
func (s *Spec) Check(f Facts) []errs.Problem {
	out := append([]errs.Problem(nil), s.problems...)
	if s.ControlPlane != nil {
		if n := s.ControlPlane.Value; n != "1" && n != "3" && n != "5" {
			out = append(out, s.ControlPlane.problem("control plane replicas must be 1, 3 or 5, not %s", n))
		}
	}
	vmClasses := f.Namespace.VMClasses
	for _, c := range s.VMClasses {
		if !slices.Contains(vmClasses, c.Value) {
			out = append(out, c.problem("VM class %q is not available in vSphere namespace %s (available: %s)", c.Value, s.Namespace, errs.OrNone(vmClasses)))
		}
	}
	storage := f.Namespace.StorageClassNames()
	for _, c := range s.Storage {
		if !slices.Contains(storage, c.Value) {
			out = append(out, c.problem("storage class %q is not allowed by the ResourceQuota of vSphere namespace %s (allowed: %s)", c.Value, s.Namespace, errs.OrNone(storage)))
		}
	}
	for _, t := range s.TKRs {
		r, ok := Find(f.Releases, t.Value)
		switch {
		case !ok:
			out = append(out, t.problem("TanzuKubernetesRelease %q %s (available: %s)", t.Value, unknownTKR, errs.OrNone(compatibleNames(f.Releases))))
		case !r.Compatible:
			out = append(out, t.problem("TanzuKubernetesRelease %s is not Compatible: %s", r.Name, orNone(r.CompatibleReason)))
		}
	}
	seen := map[string]bool{}
	for _, p := range s.Pools {
		if err := CheckPoolName(p.Value); err != nil {
			out = append(out, p.problem("%v", err))
		}
		if seen[p.Value] {
			out = append(out, p.problem("node pool %q is named twice: node pool names must be unique", p.Value))
		}
		seen[p.Value] = true
	}
	return append(out, checkCIDRs(s.Pods, s.Services)...)
}

// compatibleNames lists the releases a cluster may be created with.
func compatibleNames(releases []Release) []string {
	var out []string
	for _, r := range releases {
		if r.Compatible {
			out = append(out, r.Name)
		}
	}
	return out
}

// checkCIDRs parses the pod and service CIDR blocks and refuses a pod
// block that overlaps a service block.
func checkCIDRs(pods, services []Field) []errs.Problem {
	var out []errs.Problem
	parse := func(fs []Field) []netip.Prefix {
		var ps []netip.Prefix
		for _, f := range fs {
			p, err := netip.ParsePrefix(strings.TrimSpace(f.Value))
			if err != nil {
				out = append(out, f.problem("%q is not a CIDR block (such as 192.168.0.0/16)", f.Value))
				ps = append(ps, netip.Prefix{})
				continue
			}
			ps = append(ps, p.Masked())
		}
		return ps
	}
	podNets, serviceNets := parse(pods), parse(services)
	for _, p := range podNets {
		for j, s := range serviceNets {
			if p.IsValid() && s.IsValid() && p.Overlaps(s) {
				out = append(out, services[j].problem("service CIDR %s overlaps pod CIDR %s: pick blocks that do not overlap", s, p))
			}
		}
	}
	return out
}
