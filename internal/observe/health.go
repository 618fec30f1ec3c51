package observe

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Severity of a finding.
type Severity string

// The severities, the worst first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one thing wrong in a cluster.
type Finding struct {
	Severity  Severity `json:"severity"`
	Area      string   `json:"area"` // node, pod, workload, pvc, event, apiserver, cluster, package
	Namespace string   `json:"namespace,omitempty"`
	Name      string   `json:"name"`
	Reason    string   `json:"reason"`
	Message   string   `json:"message,omitempty"`
	Count     int      `json:"count,omitempty"` // events: how many
}

// Health is one cluster's health.
type Health struct {
	Nodes       int       `json:"nodes"`
	NodesReady  int       `json:"nodesReady"`
	Pods        int       `json:"pods"`
	PodsRunning int       `json:"podsRunning"`
	Checks      int       `json:"readyzChecks"`
	Management  bool      `json:"managementCluster"` // serves Cluster API
	Findings    []Finding `json:"findings"`
	Errors      int       `json:"errors"`
	Warnings    int       `json:"warnings"`
}

// ReadHealth reads a cluster's health in a namespace ("" for all): nodes,
// pods, workloads, PVCs, Warning events grouped by reason, the API
// server's /readyz checks, and where served, Cluster API clusters and
// PackageInstalls.
func ReadHealth(ctx context.Context, c *kube.Clients, namespace string) (*Health, error) {
	cs, disc, served, err := clientsFor(c)
	if err != nil {
		return nil, err
	}
	// Every read is independent: run at once, each into its own part, and
	// merged in a fixed order, so a cluster's health costs one round trip.
	steps := []func(context.Context, *Health) error{
		func(ctx context.Context, h *Health) error { return nodeHealth(ctx, cs, namespace, h) },
		func(ctx context.Context, h *Health) error { return podHealth(ctx, cs, namespace, h) },
	}
	for _, k := range workloadKinds {
		steps = append(steps, func(ctx context.Context, h *Health) error { return workloadHealth(ctx, cs, k, namespace, h) })
	}
	steps = append(steps,
		func(ctx context.Context, h *Health) error { return pvcHealth(ctx, cs, namespace, h) },
		func(ctx context.Context, h *Health) error { return eventHealth(ctx, cs, namespace, h) },
		func(ctx context.Context, h *Health) error { readyz(ctx, disc, h); return nil })
	if served.Has(capi.Group) {
		steps = append(steps, func(ctx context.Context, h *Health) error {
			h.Management = true
			return clusterHealth(ctx, c, served, namespace, h)
		})
	}
	if served.Has(carvel.PackagingGroup) {
		steps = append(steps, func(ctx context.Context, h *Health) error { return packageHealth(ctx, c, namespace, h) })
	}
	parts := make([]Health, len(steps))
	g, gctx := errgroup.WithContext(ctx)
	for i, step := range steps {
		g.Go(func() error { return step(gctx, &parts[i]) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	h := &Health{}
	for _, p := range parts {
		h.Nodes, h.NodesReady = h.Nodes+p.Nodes, h.NodesReady+p.NodesReady
		h.Pods, h.PodsRunning = h.Pods+p.Pods, h.PodsRunning+p.PodsRunning
		h.Checks += p.Checks
		h.Management = h.Management || p.Management
		h.Findings = append(h.Findings, p.Findings...)
	}
	sort.SliceStable(h.Findings, func(i, j int) bool {
		a, b := h.Findings[i], h.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity == SeverityError
		}
		return a.Area+a.Namespace+a.Name < b.Area+b.Namespace+b.Name
	})
	for _, f := range h.Findings {
		if f.Severity == SeverityError {
			h.Errors++
		} else {
			h.Warnings++
		}
	}
	return h, nil
}

// clientsFor returns a typed REST client, a discovery client and the
// groups the cluster serves (discovered here for a workload cluster, whose
// Clients do not say).
func clientsFor(c *kube.Clients) (*kube.REST, *kube.Discovery, kube.Served, error) {
	cs, err := kube.NewREST(c.Config)
	if err != nil {
		return nil, nil, nil, err
	}
	disc, err := kube.NewDiscovery(c.Config)
	if err != nil {
		return nil, nil, nil, err
	}
	served := c.Served
	if served == nil {
		if served, err = kube.Discover(disc); err != nil {
			return nil, nil, nil, err
		}
	}
	return cs, disc, served, nil
}

func (h *Health) add(f Finding) { h.Findings = append(h.Findings, f) }

func nodeHealth(ctx context.Context, cs *kube.REST, _ string, h *Health) error {
	nodes, err := kube.ListOnePass[node](ctx, cs, schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "", metav1.ListOptions{})
	if err != nil {
		return err
	}
	h.Nodes = len(nodes)
	for _, n := range nodes {
		ready := false
		for _, cond := range n.Status.Conditions {
			switch {
			case cond.Type == "Ready" && cond.Status == "True":
				ready = true
			case cond.Type == "Ready":
				h.add(Finding{Severity: SeverityError, Area: "node", Name: n.Name, Reason: "NotReady", Message: cond.Message})
			case cond.Status == "True" && (cond.Type == "MemoryPressure" || cond.Type == "DiskPressure" || cond.Type == "PIDPressure"):
				h.add(Finding{Severity: SeverityWarning, Area: "node", Name: n.Name, Reason: cond.Type, Message: cond.Message})
			case cond.Status == "True" && cond.Type == "NetworkUnavailable":
				h.add(Finding{Severity: SeverityError, Area: "node", Name: n.Name, Reason: cond.Type, Message: cond.Message})
			}
		}
		if !ready && !hasCondition(n.Status.Conditions) {
			h.add(Finding{Severity: SeverityError, Area: "node", Name: n.Name, Reason: "NotReady", Message: "the kubelet has not reported a Ready condition"})
		}
		if ready {
			h.NodesReady++
		}
		if n.Spec.Unschedulable {
			h.add(Finding{Severity: SeverityWarning, Area: "node", Name: n.Name, Reason: "Cordoned", Message: "unschedulable: uncordon it when maintenance is over"})
		}
	}
	return nil
}

func hasCondition(conds []condition) bool {
	for _, c := range conds {
		if c.Type == "Ready" {
			return true
		}
	}
	return false
}

// badWaiting are the waiting reasons that will not fix themselves.
var badWaiting = map[string]bool{"CrashLoopBackOff": true, "ImagePullBackOff": true, "ErrImagePull": true, "CreateContainerConfigError": true, "InvalidImageName": true, "CreateContainerError": true, "RunContainerError": true}

func podHealth(ctx context.Context, cs *kube.REST, ns string, h *Health) error {
	pods, err := kube.ListOnePass[pod](ctx, cs, schema.GroupVersionResource{Version: "v1", Resource: "pods"}, ns, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, p := range pods {
		if p.Status.Phase == "Succeeded" {
			continue
		}
		h.Pods++
		if f, bad := podFinding(&p); bad {
			h.add(f)
			continue
		}
		if p.Status.Phase == "Running" {
			h.PodsRunning++
		}
	}
	return nil
}

// podFinding says what is wrong with a pod, if anything.
func podFinding(p *pod) (Finding, bool) {
	f := Finding{Severity: SeverityError, Area: "pod", Namespace: p.Namespace, Name: p.Name}
	for _, cs := range append(append([]containerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		if w := cs.State.Waiting; w != nil && badWaiting[w.Reason] {
			f.Reason = w.Reason
			f.Message = fmt.Sprintf("container %s", cs.Name)
			if t := cs.LastTerminationState.Terminated; t != nil {
				f.Message += fmt.Sprintf(": last terminated %s (exit code %d)", OrNone(t.Reason), t.ExitCode)
			} else if w.Message != "" {
				f.Message += ": " + firstLine(w.Message)
			}
			if cs.RestartCount > 0 {
				f.Message += fmt.Sprintf(", %d restarts", cs.RestartCount)
			}
			return f, true
		}
	}
	switch p.Status.Phase {
	case "Pending":
		f.Reason = "Pending"
		if p.Spec.NodeName == "" {
			f.Reason, f.Message = "Unscheduled", "not scheduled to any node"
			for _, c := range p.Status.Conditions {
				if c.Type == "PodScheduled" && c.Status == "False" && c.Message != "" {
					f.Message = firstLine(c.Reason + ": " + c.Message)
				}
			}
		}
		return f, true
	case "Failed":
		f.Reason, f.Message = OrNone(p.Status.Reason), firstLine(p.Status.Message)
		return f, true
	case "Unknown":
		f.Reason, f.Message = "Unknown", "the pod's node does not report it"
		return f, true
	}
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" && c.Status == "False" {
			f.Severity, f.Reason, f.Message = SeverityWarning, "NotReady", firstLine(c.Message)
			return f, true
		}
	}
	return f, false
}

// workloadKind is a kind of workload and how its replicas are counted.
type workloadKind struct {
	resource string
	// counts says how many replicas are wanted and how many are ready.
	counts func(w workload) (want, have int32)
}

var workloadKinds = []workloadKind{
	{"deployments", func(w workload) (int32, int32) { return replicas(w), w.Status.AvailableReplicas }},
	{"statefulsets", func(w workload) (int32, int32) { return replicas(w), w.Status.ReadyReplicas }},
	{"daemonsets", func(w workload) (int32, int32) { return w.Status.DesiredNumberScheduled, w.Status.NumberReady }},
}

func workloadHealth(ctx context.Context, cs *kube.REST, k workloadKind, ns string, h *Health) error {
	list, err := kube.ListOnePass[workload](ctx, cs, schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: k.resource}, ns, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, w := range list {
		want, have := k.counts(w)
		if have >= want {
			continue
		}
		sev := SeverityWarning
		if have == 0 {
			sev = SeverityError
		}
		h.add(Finding{Severity: sev, Area: "workload", Namespace: w.Namespace, Name: strings.TrimSuffix(k.resource, "s") + "/" + w.Name,
			Reason: "ShortOfReplicas", Message: fmt.Sprintf("%d/%d ready", have, want)})
	}
	return nil
}

// replicas is spec.replicas, 1 when unset (the API server's default).
func replicas(w workload) int32 {
	if w.Spec.Replicas != nil {
		return *w.Spec.Replicas
	}
	return 1
}

func pvcHealth(ctx context.Context, cs *kube.REST, ns string, h *Health) error {
	pvcs, err := kube.ListOnePass[claim](ctx, cs, schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumeclaims"}, ns, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, p := range pvcs {
		if p.Status.Phase == "Pending" {
			class := "the default StorageClass"
			if p.Spec.StorageClassName != nil {
				class = "StorageClass " + *p.Spec.StorageClassName
			}
			h.add(Finding{Severity: SeverityWarning, Area: "pvc", Namespace: p.Namespace, Name: p.Name, Reason: "Pending", Message: "not bound (" + class + ")"})
		}
	}
	return nil
}

// eventHealth groups Warning events by reason: one finding per reason with
// the total count, the objects (up to three) and the latest message.
func eventHealth(ctx context.Context, cs *kube.REST, ns string, h *Health) error {
	events, err := kube.ListOnePass[event](ctx, cs, schema.GroupVersionResource{Version: "v1", Resource: "events"}, ns, metav1.ListOptions{FieldSelector: "type=Warning"})
	if err != nil {
		return err
	}
	type group struct {
		count   int
		objects []string
		latest  event
	}
	groups := map[string]*group{}
	for _, e := range events {
		g := groups[e.Reason]
		if g == nil {
			g = &group{}
			groups[e.Reason] = g
		}
		g.count += max(int(e.Count), 1)
		obj := strings.ToLower(e.InvolvedObject.Kind) + "/" + e.InvolvedObject.Name
		if e.InvolvedObject.Namespace != "" {
			obj = e.InvolvedObject.Namespace + "/" + obj
		}
		if !slices.Contains(g.objects, obj) {
			g.objects = append(g.objects, obj)
		}
		if eventTime(e).After(eventTime(g.latest).Time) {
			g.latest = e
		}
	}
	for reason, g := range groups {
		objs := g.objects
		more := ""
		if len(objs) > 3 {
			objs, more = objs[:3], fmt.Sprintf(" and %d more", len(g.objects)-3)
		}
		h.add(Finding{Severity: SeverityWarning, Area: "event", Name: strings.Join(objs, ",") + more, Reason: reason, Message: firstLine(g.latest.Message), Count: g.count})
	}
	return nil
}

func eventTime(e event) metav1.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp
	case !e.EventTime.IsZero():
		return metav1.Time{Time: e.EventTime.Time}
	}
	return e.FirstTimestamp
}

// readyz reads the API server's verbose /readyz: each failed check is a
// finding; a server that cannot answer is one too.
func readyz(ctx context.Context, d *kube.Discovery, h *Health) {
	body, err := d.Get(ctx, "/readyz", map[string]string{"verbose": "true"})
	text := string(body)
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "[+]"):
			h.Checks++
		case strings.HasPrefix(line, "[-]"):
			h.Checks++
			name, reason, _ := strings.Cut(strings.TrimPrefix(line, "[-]"), " ")
			h.add(Finding{Severity: SeverityError, Area: "apiserver", Name: "readyz/" + name, Reason: "CheckFailed", Message: reason})
		}
	}
	if err != nil && h.Checks == 0 {
		h.add(Finding{Severity: SeverityError, Area: "apiserver", Name: "readyz", Reason: "Unanswered", Message: firstLine(err.Error())})
	}
}

// OrNone fills an empty value with "<none>".
func OrNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// firstLine joins a multi-line message into one line.
func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}
