package upgradeplan

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	carvelsemver "github.com/carvel-dev/semver/v4"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
)

// DeprecatedMetric is the API server's gauge of deprecated APIs requested
// since it started.
const DeprecatedMetric = "apiserver_requested_deprecated_apis"

// DeprecatedAPI is one deprecated API version clients still request.
type DeprecatedAPI struct {
	Group, Version, Resource, Subresource string
	RemovedRelease                        string // "1.32"; "" when its removal is not known (a CRD version marked deprecated)
}

func (d DeprecatedAPI) name() string {
	gv := d.Version
	if d.Group != "" {
		gv = d.Group + "/" + d.Version
	}
	r := d.Resource
	if d.Subresource != "" {
		r += "/" + d.Subresource
	}
	return r + " " + gv
}

// ParseDeprecatedAPIs reads the gauge from an API server's /metrics text:
// the series at 1 (requested since the server started). Only the gauge's
// lines are parsed (Prometheus's text format); a parser of the whole
// exposition (prometheus/common's expfmt) links the protobuf runtime into
// the cluster plugin, paid at every start.
func ParseDeprecatedAPIs(r io.Reader) ([]DeprecatedAPI, error) {
	var out []DeprecatedAPI
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), DeprecatedMetric)
		if !ok || rest == "" || (rest[0] != '{' && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		labels, value, err := parseSample(rest)
		if err != nil {
			return nil, fmt.Errorf("reading the API server's metrics: %s: %w", DeprecatedMetric, err)
		}
		if value <= 0 {
			continue
		}
		out = append(out, DeprecatedAPI{Group: labels["group"], Version: labels["version"], Resource: labels["resource"],
			Subresource: labels["subresource"], RemovedRelease: labels["removed_release"]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the API server's metrics: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name() < out[j].name() })
	return out, nil
}

// parseSample reads `{name="value",...} VALUE [TIMESTAMP]`, the part of a
// sample line after the metric name.
func parseSample(s string) (map[string]string, float64, error) {
	labels := map[string]string{}
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, "{") {
		s = s[1:]
		for {
			s = strings.TrimLeft(s, " \t")
			if strings.HasPrefix(s, "}") {
				s = s[1:]
				break
			}
			name, rest, ok := strings.Cut(s, "=")
			name = strings.TrimSpace(name)
			rest = strings.TrimLeft(rest, " \t")
			if !ok || name == "" || !strings.HasPrefix(rest, `"`) {
				return nil, 0, fmt.Errorf("malformed label in %q", s)
			}
			value, rest, err := unquoteLabel(rest[1:])
			if err != nil {
				return nil, 0, err
			}
			labels[name] = value
			s = strings.TrimLeft(rest, " \t")
			if strings.HasPrefix(s, ",") {
				s = s[1:]
			} else if !strings.HasPrefix(s, "}") {
				return nil, 0, fmt.Errorf("expected ',' or '}' after label %s", name)
			}
		}
	}
	fields := strings.Fields(s)
	if len(fields) == 0 || len(fields) > 2 {
		return nil, 0, fmt.Errorf("expected a value and an optional timestamp, got %q", s)
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return nil, 0, fmt.Errorf("value %q: %w", fields[0], err)
	}
	return labels, v, nil
}

// unquoteLabel reads a label value up to its closing quote, with the text
// format's escapes (\\, \", \n), and returns it and what follows.
func unquoteLabel(s string) (string, string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) {
				return "", "", fmt.Errorf("unterminated label value")
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case '\\', '"':
				b.WriteByte(s[i])
			default:
				return "", "", fmt.Errorf("invalid escape \\%c in a label value", s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated label value")
}

// DeprecatedFindings judges deprecated APIs in use against the version the
// chain ends at: removed at or before it is a blocker, an unknown removal
// a warning, a later removal nothing yet.
func DeprecatedFindings(apis []DeprecatedAPI, final string) (blockers, warnings []Finding) {
	fv, err := capi.ParseVersion(final)
	for _, d := range apis {
		obj := d.name()
		if d.RemovedRelease == "" {
			warnings = append(warnings, Finding{Code: CodeDeprecatedUnknown, Object: obj,
				Cause: fmt.Sprintf("clients request the deprecated API %s (its removal release is not announced)", obj),
				Fix:   "move the clients and stored objects to the API's current version before it is removed"})
			continue
		}
		major, minor, ok := majorMinor(d.RemovedRelease)
		if !ok || err != nil || fv.Major() > major || (fv.Major() == major && fv.Minor() >= minor) {
			blockers = append(blockers, Finding{Code: CodeDeprecatedAPI, Object: obj,
				Cause: fmt.Sprintf("clients request %s, which Kubernetes v%s removes (the plan goes to %s)", obj, d.RemovedRelease, final),
				Fix:   "move the clients and manifests to the API's current version (the API server's audit log names who requests it), then plan again"})
		}
	}
	return blockers, warnings
}

func majorMinor(s string) (uint64, uint64, bool) {
	a, b, ok := strings.Cut(strings.TrimPrefix(s, "v"), ".")
	if !ok {
		return 0, 0, false
	}
	major, err1 := strconv.ParseUint(a, 10, 32)
	minor, err2 := strconv.ParseUint(b, 10, 32)
	return major, minor, err1 == nil && err2 == nil
}

// PDBBlocksDrain says whether a PodDisruptionBudget lets no pod be evicted,
// so that every node drain of a rolling upgrade waits on it forever:
// maxUnavailable 0, or minAvailable at or above the pods it expects or
// those healthy now.
func PDBBlocksDrain(p *policyv1.PodDisruptionBudget) (string, bool) {
	expected := int(p.Status.ExpectedPods)
	if mu := p.Spec.MaxUnavailable; mu != nil {
		n, err := intstr.GetScaledValueFromIntOrPercent(mu, expected, true)
		if err == nil && n == 0 && (mu.Type == intstr.Int || expected > 0 || mu.StrVal == "0%") {
			return fmt.Sprintf("maxUnavailable %s: no pod it selects may be evicted", mu.String()), true
		}
		return "", false
	}
	if ma := p.Spec.MinAvailable; ma != nil && expected > 0 {
		n, err := intstr.GetScaledValueFromIntOrPercent(ma, expected, true)
		// The pods healthy now count too: with one already down, the
		// drain waits on the same budget.
		if err == nil && (n >= expected || n >= int(p.Status.CurrentHealthy)) {
			return fmt.Sprintf("minAvailable %s with %d pod(s) expected (%d healthy): no pod may be evicted", ma.String(), expected, p.Status.CurrentHealthy), true
		}
	}
	return "", false
}

// PDBFinding is the blocker of a PodDisruptionBudget that blocks drains.
func PDBFinding(p *policyv1.PodDisruptionBudget) (Finding, bool) {
	why, ok := PDBBlocksDrain(p)
	if !ok {
		return Finding{}, false
	}
	obj := "PodDisruptionBudget/" + p.Namespace + "/" + p.Name
	return Finding{Code: CodePDB, Object: obj, Cause: fmt.Sprintf("%s %s: node drains of the upgrade would wait on it forever", obj, why),
		Fix: fmt.Sprintf("allow one disruption (kubectl patch pdb %s -n %s --type merge -p '{\"spec\":{\"maxUnavailable\":1,\"minAvailable\":null}}') or scale the workload up first", p.Name, p.Namespace)}, true
}

// PackageFindings checks an installed package's declared selections
// against the target: its kubernetesVersionSelection against the
// Kubernetes version the chain ends at, its kappControllerVersionSelection
// against the kapp-controller the target release bundles ("" when not known).
func PackageFindings(in *carvel.Install, pkg *carvel.Package, final, kapp string) []Finding {
	var out []Finding
	obj := "PackageInstall/" + in.Namespace + "/" + in.Name
	check := func(what, constraint, version string) {
		if constraint == "" || version == "" {
			return
		}
		ok, err := satisfies(constraint, version)
		if err != nil {
			out = append(out, Finding{Code: CodePackage, Object: obj,
				Cause: fmt.Sprintf("package %s %s declares a %s constraint %q that does not parse: %v", pkg.Spec.RefName, pkg.Spec.Version, what, constraint, err),
				Fix:   "ask the package's author for a fixed version, or check it by hand"})
			return
		}
		if !ok {
			out = append(out, Finding{Code: CodePackage, Object: obj,
				Cause: fmt.Sprintf("package %s %s needs %s %s, the target runs %s", pkg.Spec.RefName, pkg.Spec.Version, what, constraint, version),
				Fix:   fmt.Sprintf("update the package to a version that supports %s first (kubectl tko package installed update %s -n %s --version ...)", version, in.Name, in.Namespace)})
		}
	}
	if s := pkg.Spec.KubernetesVersionSelection; s != nil {
		check("Kubernetes", s.Constraints, final)
	}
	if s := pkg.Spec.KappControllerVersionSelection; s != nil {
		check("kapp-controller", s.Constraints, kapp)
	}
	return out
}

// satisfies checks a version against a constraint as kapp-controller
// does (Carvel's semver ranges), without the build metadata (+vmware.1).
func satisfies(constraint, version string) (bool, error) {
	rng, err := carvelsemver.ParseRange(constraint)
	if err != nil {
		return false, err
	}
	core, _, _ := strings.Cut(strings.TrimPrefix(version, "v"), "+")
	v, err := carvelsemver.ParseTolerant(core)
	if err != nil {
		return false, err
	}
	return rng(v), nil
}

// KappControllerVersion is the kapp-controller version a release bundles,
// from its bootstrap packages ("" when it names none).
func KappControllerVersion(bootstrapPackages []string) string {
	const prefix = "kapp-controller.tanzu.vmware.com."
	for _, p := range bootstrapPackages {
		if v, ok := strings.CutPrefix(p, prefix); ok {
			return v
		}
	}
	return ""
}

// ManagementFinding blocks a Cluster whose chain goes past the management
// cluster's minor version: TKG upgrades the management cluster first.
func ManagementFinding(mgmt *Management, final string) (Finding, bool) {
	if mgmt == nil || final == "" {
		return Finding{}, false
	}
	m, err1 := capi.ParseVersion(mgmt.Version)
	f, err2 := capi.ParseVersion(final)
	if err1 != nil || err2 != nil || !newerMinor(f, m) {
		return Finding{}, false
	}
	return Finding{Code: CodeManagementTooOld, Object: "Cluster/" + mgmt.Namespace + "/" + mgmt.Name,
		Cause: fmt.Sprintf("the management cluster %s runs %s, older than the target %s", mgmt.Name, mgmt.Version, final),
		Fix:   "upgrade the management cluster first (tanzu management-cluster upgrade), then plan again"}, true
}

func newerMinor(a, b *semver.Version) bool {
	return a.Major() > b.Major() || (a.Major() == b.Major() && a.Minor() > b.Minor())
}

// HealthFinding blocks a cluster whose `observe health` reports errors
// now: an upgrade drains and replaces every node, and starting it on a
// cluster already failing hides which of the two broke what. Cluster API
// objects the cluster may host are its workload clusters' state, not its
// own health.
func HealthFinding(h *observe.Health, c *Cluster) (Finding, bool) {
	var errs []string
	for _, f := range h.Findings {
		if f.Severity != observe.SeverityError || f.Area == "cluster" {
			continue
		}
		what := f.Area + " " + f.Name
		if f.Namespace != "" {
			what = f.Area + " " + f.Namespace + "/" + f.Name
		}
		errs = append(errs, what+": "+f.Reason)
	}
	if len(errs) == 0 {
		return Finding{}, false
	}
	cause := fmt.Sprintf("observe health reports %d error(s): %s", len(errs), errs[0])
	if len(errs) > 1 {
		cause += fmt.Sprintf(" (+%d more)", len(errs)-1)
	}
	return Finding{Code: CodeHealthErrors, Object: c.Kind + "/" + c.Key(), Cause: cause,
		Fix: fmt.Sprintf("fix them first (kubectl tko observe health -A --cluster %s -n %s)", c.Name, c.Namespace)}, true
}
