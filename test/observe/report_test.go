package observe

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	observeplugin "github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// TestRangePlotOnATerminal: on a terminal a range query is a plot with a
// legend line per series (the plugin run in-process on a test terminal).
func TestRangePlotOnATerminal(t *testing.T) {
	monitoring(t)
	e := suite.New(t)
	upQuery(t, e)
	time.Sleep(2 * time.Second)
	streams, _, out, errOut := cmdutil.TestStreams(true)
	code := cli.Run(observeplugin.Plugin(), cli.NewFactory(), streams, []string{"query", "up", "--range", "5s", "--step", "1s", "--kubeconfig", e.Kubeconfig})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	plot := out.String()
	for _, want := range []string{"┤", `up{instance="10.254.0.1:1", job="nothing-listens"}`, `job="apiserver"}`, ", step 1s"} {
		if !strings.Contains(plot, want) {
			t.Errorf("plot lacks %q:\n%s", want, plot)
		}
	}
}

// TestHTMLReport: the report is one self-contained file (no network
// reference, no script or stylesheet to fetch) that parses, holds the SVG
// charts and the findings, and renders in headless Chromium: the
// screenshot is not blank and shows the charts' colours.
func TestHTMLReport(t *testing.T) {
	monitoring(t)
	workloads(t)
	e := suite.New(t)
	eventually(t, 20*time.Second, func() *harness.Result {
		return e.Kubectl("tko", "observe", "query", "sum(rate(apiserver_request_total[5m]))").Run()
	}, func(r *harness.Result) bool { return r.Code == 0 && strings.Contains(r.Stdout, "{}") })
	file := filepath.Join(t.TempDir(), "report.html")
	e.Kubectl("tko", "observe", "report", "--html", file, "-A", "--range", "1m").Success().StdoutContains("report written to " + file + " (1 cluster(s))")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, bad := range []string{"http://", "https://", "<script src", "<link", "@import", "url("} {
		if strings.Contains(text, bad) {
			t.Errorf("the report is not self-contained: it holds %q", bad)
		}
	}
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parsing the report: %v", err)
	}
	svgs := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "svg" {
			svgs++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if svgs != 4 {
		t.Errorf("%d SVG charts, want 4 (requests, findings, CPU, memory)", svgs)
	}
	for _, want := range []string{"Requests per second by code", "Findings by area", "CPU requests against allocatable", "worker-1", "CrashLoopBackOff", "unhealthy",
		// The management cluster's workload clusters' certificates, after the health.
		"Certificates (workload clusters of this management cluster)", "Secret/tanzu-system-ingress/grafana-tls",
		// The cluster's security posture: the workloads' namespace has pods
		// and no NetworkPolicy.
		"Security posture", "<td>5.3.2</td>", "Namespace/" + workloadNS} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	e.Kubectl("tko", "observe", "report", "-A").ExitCode(2).StderrContains("--html FILE is required")
	e.Kubectl("tko", "observe", "report", "--html", "-", "-A", "--context", "tko-local,tko-local-viewer").Success().
		StdoutContains("<h2>tko-local</h2>", "<h2>tko-local-viewer</h2>", `<span class="verdict unreachable">unreachable</span> forbidden: user &#34;tko-viewer&#34;`).
		StdoutLacks("Requests per second")

	screenshot(t, file)
	// The browser renders the posture section (the DOM it built, not the file).
	dom := chromiumRun(t, "--dump-dom", "file://"+file)
	for _, want := range []string{"<h3>Security posture</h3>", "Namespaces with pods and no NetworkPolicy"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered report lacks %q", want)
		}
	}
}

// chromiumRun runs Debian's headless Chromium with args and returns its
// standard output.
func chromiumRun(t *testing.T, args ...string) string {
	t.Helper()
	chromium := suite.Env["TKO_CHROMIUM"]
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("headless Chromium not found (%v): run hack/tools.sh chromium", err)
	}
	root := strings.TrimSuffix(chromium, "/usr/lib/chromium/chromium")
	libs := filepath.Join(root, "usr/lib/x86_64-linux-gnu")
	dir := t.TempDir()
	cmd := exec.Command(chromium, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + filepath.Join(dir, "profile")}, args...)...)
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+libs+":"+filepath.Join(libs, "pulseaudio"), "HOME="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

// screenshot opens the report in Debian's headless Chromium and checks the
// picture: mostly not blank, with the error red and the chart blue.
func screenshot(t *testing.T, file string) {
	t.Helper()
	png := filepath.Join(t.TempDir(), "report.png")
	start := time.Now()
	chromiumRun(t, "--window-size=1280,1600", "--screenshot="+png, "file://"+file)
	t.Logf("Chromium screenshot in %s", time.Since(start).Round(time.Millisecond))
	if keep := os.Getenv("TKO_OBSERVE_SCREENSHOT"); keep != "" { // to look at it
		if raw, err := os.ReadFile(png); err == nil {
			_ = os.WriteFile(keep, raw, 0o644)
		}
	}
	img := decodePNG(t, png)
	b := img.Bounds()
	var nonWhite, red, blue int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r < 240 || g < 240 || bl < 240 {
				nonWhite++
			}
			if near(r, g, bl, 0xd6, 0x27, 0x28) {
				red++
			}
			if near(r, g, bl, 0x1f, 0x77, 0xb4) {
				blue++
			}
		}
	}
	total := b.Dx() * b.Dy()
	if nonWhite < total/50 || red < 200 || blue < 200 {
		t.Errorf("the screenshot does not show the charts: %d of %d pixels not white, %d error red, %d chart blue", nonWhite, total, red, blue)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	return img
}

func near(r, g, b, wr, wg, wb uint32) bool {
	d := func(a, b uint32) uint32 {
		if a > b {
			return a - b
		}
		return b - a
	}
	return d(r, wr) < 12 && d(g, wg) < 12 && d(b, wb) < 12
}
