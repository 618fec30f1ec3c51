// Package posture checks the security posture of a cluster from its API
// alone, as the CIS Kubernetes Benchmark's policy section (5.x) reads it:
// RBAC, anonymous access, pod specs, namespaces' Pod Security levels and
// NetworkPolicies. Secret values are never read: only their references.
package posture

import (
	"path"
	"slices"
	"strings"
)

// Severities of a check.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Statuses of a Result.
const (
	StatusPass      = "PASS"
	StatusFail      = "FAIL"
	StatusIgnored   = "IGNORED"   // --ignore, or every object is an accepted exception
	StatusUnchecked = "UNCHECKED" // what it reads could not be read
	StatusSkipped   = "SKIPPED"   // not applicable to the cluster (no policy to check against)
)

// Check is one inspection, named after its CIS Kubernetes Benchmark
// section where there is one.
type Check struct {
	ID       string
	Severity string
	Title    string
	Fix      string
}

// Checks is every check, in the order they are reported.
var Checks = []Check{
	{"1.2.1", SeverityError, "Anonymous requests can list namespaced objects", "run kube-apiserver with --anonymous-auth=false, or remove the bindings that grant system:anonymous or system:unauthenticated"},
	{"1.2.1-auth", SeverityWarning, "Anonymous requests are authenticated", "run kube-apiserver with --anonymous-auth=false (TKG: the cluster's apiServer extraArgs), unless health checks need /version and /healthz"},
	{"5.1.1", SeverityError, "cluster-admin bound to a broad group", "delete the binding; grant the role to named users or groups instead"},
	{"5.1.2", SeverityWarning, "Secrets readable in every namespace by many subjects", "bind narrower roles: secrets get/list/watch only in the namespaces that need them"},
	{"5.1.3", SeverityWarning, "Wildcard verbs or resources in roles bound to people", "list the verbs and resources the subjects need in place of *"},
	{"5.1.5", SeverityWarning, "Pods run as the default ServiceAccount with a token mounted", "give the pods their own ServiceAccount, or set automountServiceAccountToken: false on the default one"},
	{"5.2.1", SeverityWarning, "Namespaces with no Pod Security level", "label the namespace pod-security.kubernetes.io/enforce=baseline (or restricted), or apply a security policy with 'kubectl tko cluster policy apply'"},
	{"5.2.2", SeverityError, "Privileged containers outside system namespaces", "remove securityContext.privileged, or move the workload to a system namespace it belongs to"},
	{"5.2.5", SeverityWarning, "Pods on the host network outside system namespaces", "remove hostNetwork: true; expose the pod through a Service"},
	{"5.2.12", SeverityWarning, "hostPath volumes outside system namespaces", "use a PersistentVolumeClaim, a ConfigMap or an emptyDir in place of the hostPath volume"},
	{"5.3.2", SeverityWarning, "Namespaces with pods and no NetworkPolicy", "add a NetworkPolicy, at least a default deny of ingress, to the namespace"},
	{"5.4.1", SeverityWarning, "Secrets in environment variables", "mount the Secret as a volume in place of env valueFrom.secretKeyRef or envFrom.secretRef"},
	{"TKO-1", SeverityWarning, "Images by tag latest or untagged", "pin the image to a version tag or a digest (@sha256:...)"},
	{"TKO-2", SeverityWarning, "Images from registries outside the image-registry policy", "pull the image from an allowed registry (the policy rejects the pod when it is created again), or add the registry with 'kubectl tko cluster policy apply'"},
}

// CheckByID returns the check with that ID.
func CheckByID(id string) (Check, bool) {
	i := slices.IndexFunc(Checks, func(c Check) bool { return c.ID == id })
	if i < 0 {
		return Check{}, false
	}
	return Checks[i], true
}

// IDs lists the IDs of every check.
func IDs() []string {
	ids := make([]string, len(Checks))
	for i, c := range Checks {
		ids[i] = c.ID
	}
	return ids
}

// SystemNamespaces are the namespaces of Kubernetes, TKG, vSphere with
// Tanzu and the packages TKG installs, as globs: their pods need host
// access and their service accounts broad roles by design, so the pod and
// RBAC checks leave them out.
var SystemNamespaces = []string{
	"kube-system", "kube-public", "kube-node-lease",
	"tkg-system", "tkg-system-*", "tkr-system", "tanzu-system", "tanzu-system-*", "tanzu-package-repo-global",
	"vmware-system-*", "svc-*", "capi-*", "capv-*", "caip-*", "capi-kubeadm-*",
	"cert-manager", "avi-system", "pinniped-*", "velero", "secretgen-controller", "kapp-controller",
	"tanzu-auth", "tanzu-continuousdelivery-resources", "tanzu-fluxcd-packageinstalls",
}

// IsSystemNamespace reports whether ns is one of SystemNamespaces.
func IsSystemNamespace(ns string) bool {
	for _, g := range SystemNamespaces {
		if ok, _ := path.Match(g, ns); ok {
			return true
		}
	}
	return false
}

// Result is one check on one cluster.
type Result struct {
	Cluster  string   `json:"cluster"`
	ID       string   `json:"id"`
	Severity string   `json:"severity"`
	Check    string   `json:"check"`
	Status   string   `json:"status"`
	Objects  []string `json:"objects,omitempty"` // Kind/namespace/name, with what fails in parentheses
	Excepted []string `json:"excepted,omitempty"`
	Fix      string   `json:"fix,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// Finding reports whether the result fails its check.
func (r Result) Finding() bool { return r.Status == StatusFail }

// Summary counts the results of a report.
type Summary struct {
	Clusters  int `json:"clusters"`
	Errors    int `json:"errors"`   // failed checks of severity error
	Warnings  int `json:"warnings"` // failed checks of severity warning
	Passed    int `json:"passed"`
	Ignored   int `json:"ignored"`
	Unchecked int `json:"unchecked"`
	Skipped   int `json:"skipped"`
}

// Report is the inspection of one or more clusters, as -o json prints it.
type Report struct {
	Summary Summary  `json:"summary"`
	Results []Result `json:"results"`
}

// NewReport sums the results up.
func NewReport(clusters int, results []Result) Report {
	if results == nil {
		results = []Result{}
	}
	s := Summary{Clusters: clusters}
	for _, r := range results {
		switch r.Status {
		case StatusFail:
			if r.Severity == SeverityError {
				s.Errors++
			} else {
				s.Warnings++
			}
		case StatusPass:
			s.Passed++
		case StatusIgnored:
			s.Ignored++
		case StatusUnchecked:
			s.Unchecked++
		case StatusSkipped:
			s.Skipped++
		}
	}
	return Report{Summary: s, Results: results}
}

// Failed reports whether any error-level check failed or, strict, any
// check could not be made.
func (r Report) Failed(strict bool) bool {
	return r.Summary.Errors > 0 || (strict && r.Summary.Unchecked > 0)
}

// ParseIgnore reads --ignore values (IDs, comma-separated or repeated).
func ParseIgnore(values []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, v := range values {
		for _, id := range strings.Split(v, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if _, ok := CheckByID(id); !ok {
				return nil, &unknownIDError{id: id}
			}
			out[id] = true
		}
	}
	return out, nil
}

type unknownIDError struct{ id string }

func (e *unknownIDError) Error() string {
	return "unknown check ID " + `"` + e.id + `"` + ": use one of " + strings.Join(IDs(), ", ")
}
