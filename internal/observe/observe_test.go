package observe

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestParseService(t *testing.T) {
	for in, want := range map[string]Service{
		"tanzu-system-monitoring/prometheus-server:80": PrometheusService,
		"mon/prom":     {Namespace: "mon", Name: "prom", Port: "80"},
		"mon/prom:web": {Namespace: "mon", Name: "prom", Port: "web"},
	} {
		got, err := ParseService(in)
		if err != nil || got != want {
			t.Errorf("ParseService(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"prom", "/prom", "mon/", "mon/prom:"} {
		if _, err := ParseService(bad); err == nil {
			t.Errorf("ParseService(%q): no error", bad)
		}
	}
}

func TestParseMatcher(t *testing.T) {
	for in, want := range map[string]string{
		"alertname=Foo":         `alertname="Foo"`,
		`job!="api"`:            `job!="api"`,
		"namespace=~team-.*":    `namespace=~"team-.*"`,
		`severity!~"info|none"`: `severity!~"info|none"`,
	} {
		m, err := ParseMatcher(in)
		if err != nil || m.String() != want {
			t.Errorf("ParseMatcher(%q) = %s, %v; want %s", in, m, err, want)
		}
	}
	for _, bad := range []string{"alertname", "=x", "a=~(", "9a=b"} {
		if _, err := ParseMatcher(bad); err == nil {
			t.Errorf("ParseMatcher(%q): no error", bad)
		}
	}
}

func TestPointsAndStep(t *testing.T) {
	now := time.Now()
	if n := Points(now.Add(-time.Hour), now, time.Second); n != 3601 {
		t.Errorf("Points = %d", n)
	}
	if s := StepFor(time.Hour, 1000); s != 4*time.Second {
		t.Errorf("StepFor(1h, 1000) = %s", s)
	}
	if n := Points(now.Add(-time.Hour), now, StepFor(time.Hour, 1000)); n > 1000 {
		t.Errorf("StepFor gives %d points", n)
	}
}

func TestPodFinding(t *testing.T) {
	crash := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "n"}, Status: corev1.PodStatus{Phase: corev1.PodRunning,
		ContainerStatuses: []corev1.ContainerStatus{{Name: "app", RestartCount: 4, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137}}}}}}
	f, bad := podFinding(asPod(t, crash))
	if !bad || f.Reason != "CrashLoopBackOff" || f.Message != "container app: last terminated OOMKilled (exit code 137), 4 restarts" {
		t.Errorf("crash: %+v", f)
	}
	pending := &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: "Unschedulable", Message: "0/3 nodes are available: 3 Insufficient cpu."}}}}
	if f, _ := podFinding(asPod(t, pending)); f.Reason != "Unscheduled" || f.Message != "Unschedulable: 0/3 nodes are available: 3 Insufficient cpu." {
		t.Errorf("pending: %+v", f)
	}
	ok := &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}}
	if _, bad := podFinding(asPod(t, ok)); bad {
		t.Error("a ready pod is a finding")
	}
}

// asPod decodes a k8s.io/api Pod into the fields health reads, through
// its JSON as the API server sends it.
func asPod(t *testing.T, p *corev1.Pod) *pod {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out pod
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestPodResources(t *testing.T) {
	rl := func(cpu, mem string) corev1.ResourceList {
		return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}
	}
	p := &corev1.Pod{Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{{Resources: corev1.ResourceRequirements{Requests: rl("2", "64Mi")}}},
		Containers: []corev1.Container{{Resources: corev1.ResourceRequirements{Requests: rl("500m", "256Mi"), Limits: rl("1", "512Mi")}},
			{Resources: corev1.ResourceRequirements{Requests: rl("250m", "256Mi")}}},
		Overhead: rl("100m", "0"),
	}}
	req, lim := podResources(asPod(t, p))
	if req.CPU != 2100 || req.Memory != 512<<20 || lim.CPU != 1100 || lim.Memory != 512<<20 {
		t.Errorf("requests %+v limits %+v", req, lim)
	}
	if CPU(2100) != "2100m" || CPU(2000) != "2" || Memory(512<<20) != "512Mi" || Percent(1, 0) != "-" || Percent(1, 4) != "25%" {
		t.Error("rendering")
	}
}

// TestProxyRefusals: the API server's own Status answers become typed
// errors: no Service is "not installed", RBAC stays Forbidden.
func TestChartsAreSelfContained(t *testing.T) {
	now := time.Now()
	for _, svg := range []string{
		BarChart("b", []Bar{{Label: "<x>", Max: 4, Segments: []Segment{{Value: 1, Color: ColorUsed}}}}),
		LineChart("l", []Series{{Metric: "up", Labels: map[string]string{"job": "a"}, Points: []Point{{Time: now, Value: 1}, {Time: now.Add(time.Second), Value: 2}}}}),
		LineChart("empty", nil),
	} {
		if strings.Contains(svg, "http") || !strings.HasPrefix(svg, "<svg") || strings.Contains(svg, "<x>") {
			t.Errorf("chart: %s", svg)
		}
	}
}

func TestRecommendedRulesParse(t *testing.T) {
	f, err := ParseRules(RecommendedRules())
	if err != nil {
		t.Fatal(err)
	}
	alerts := 0
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %+v lacks a name, expression, severity or summary", r)
			}
			alerts++
		}
	}
	if alerts < 10 {
		t.Errorf("%d rules", alerts)
	}
}
