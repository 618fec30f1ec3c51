package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
)

// helloWorld is the floor: the least a stripped Go binary costs to start
// on this machine. Ratios against kubectl move with kubectl's build and
// with the machine; ratios against this move much less.
const helloWorld = `package main

import "fmt"

func main() { fmt.Println("hello, world") }
`

// startCmd is one measured start-up command.
type startCmd struct {
	label string
	path  string
	args  []string
	goal  float64 // against kubectl; 0 for none
}

// startup measures '<plugin> version' against 'kubectl version --client'
// and against a stripped hello world. Every binary is copied into one
// directory (same file system, same page cache state), warmed, and run in
// turn, so that a change of load moves every figure alike.
func startup(bin, kubectl string, runs int) error {
	dir, err := os.MkdirTemp("", "tko-bench-startup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	onPath, err := machineFacts(kubectl)
	if err != nil {
		return err
	}
	ref := startCmd{label: "kubectl version --client", path: filepath.Join(dir, "kubectl"), args: []string{"version", "--client"}}
	if err := copyFile(kubectl, ref.path); err != nil {
		return err
	}
	floor := startCmd{label: "hello world (the floor)", path: filepath.Join(dir, "hello-world")}
	if err := buildHello(dir, floor.path); err != nil {
		return err
	}
	cmds := []startCmd{ref, floor}
	if onPath != "" {
		// Which kubectl a user compares with moves every ratio: measure
		// the one on PATH too when it is another build.
		other := startCmd{label: "kubectl on PATH version --client", path: filepath.Join(dir, "kubectl-on-path"), args: ref.args}
		if err := copyFile(onPath, other.path); err != nil {
			return err
		}
		cmds = append(cmds, other)
	}
	for i, p := range pluginlist.Binaries() {
		goal := 0.20
		if i == 0 {
			goal = 0.12 // the umbrella
		}
		c := startCmd{label: p + " version", path: filepath.Join(dir, p), args: []string{"version"}, goal: goal}
		if err := copyFile(filepath.Join(bin, p), c.path); err != nil {
			return err
		}
		cmds = append(cmds, c)
	}
	env := append(os.Environ(), "KUBECONFIG=/nonexistent")
	samples := make([][]Sample, len(cmds))
	for round := -2; round < runs; round++ { // two warm-up rounds
		for i, c := range cmds {
			s, err := measureOnce(env, []int{0}, c.path, c.args...)
			if err != nil {
				return err
			}
			if round >= 0 {
				samples[i] = append(samples[i], s)
			}
		}
	}
	med := make([]Sample, len(cmds))
	for i := range cmds {
		med[i] = median(samples[i])
	}
	fmt.Printf("Start-up: '<plugin> version' against 'kubectl version --client' and a stripped hello world, from one directory, warmed, in turn, median of %d runs\n", runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND\tWALL\tCPU\tMINOR FAULTS\tPEAK RSS\tAGAINST KUBECTL\tGOAL\tAGAINST FLOOR")
	for i, c := range cmds {
		s := med[i]
		goal := ""
		if c.goal > 0 {
			goal = fmt.Sprintf("%.2fx", c.goal)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f MiB\t%.2fx\t%s\t%.2fx\n", c.label, ms(s.Wall), ms(s.CPU), s.MinFlt, float64(s.MaxRSS)/1024,
			float64(s.Wall)/float64(med[0].Wall), goal, float64(s.Wall)/float64(med[1].Wall))
	}
	return tw.Flush()
}

// buildHello builds the floor as the Makefile builds a release binary.
func buildHello(dir, out string) error {
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte(helloWorld), 0o600); err != nil {
		return err
	}
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, src)
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GO111MODULE=off", "GOFLAGS=")
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the hello world: %w\n%s", err, b)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// machineFacts prints what makes start-up figures differ between
// machines: the CPU, the kernel, the load, and which kubectl is measured.
// It returns the kubectl on PATH when that is another binary.
func machineFacts(kubectl string) (string, error) {
	cpu, mhz := "unknown CPU", ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if ok && k == "model name" && cpu == "unknown CPU" {
				cpu = v
			}
			if ok && k == "cpu MHz" && mhz == "" {
				mhz = " at " + v + " MHz"
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("\nMachine: %s, %d CPUs%s; %s %s; load %s\n", cpu, runtime.NumCPU(), mhz, runtime.GOOS,
		strings.TrimSpace(string(kernel)), strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	desc, err := describeBinary(kubectl)
	if err != nil {
		return "", err
	}
	fmt.Printf("Reference: %s (%s)\n", kubectl, desc)
	onPath, err := exec.LookPath("kubectl")
	if err != nil {
		fmt.Println("kubectl on PATH: none")
		return "", nil
	}
	if same(onPath, kubectl) {
		fmt.Println("kubectl on PATH: the reference")
		return "", nil
	}
	real, err := filepath.EvalSymlinks(onPath)
	if err != nil {
		return "", err
	}
	pathDesc, err := describeBinary(real)
	if err != nil {
		return "", err
	}
	fmt.Printf("kubectl on PATH: %s -> %s (%s), another build: measured too\n", onPath, real, pathDesc)
	return real, nil
}

// describeBinary says a binary's size, version, Go toolchain and whether
// it is stripped.
func describeBinary(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	parts := []string{mib(st.Size())}
	if f, err := elf.Open(path); err == nil {
		if f.Section(".symtab") == nil {
			parts = append(parts, "stripped")
		} else {
			parts = append(parts, "not stripped")
		}
		f.Close()
	} else {
		parts = append(parts, "not an ELF executable (a script or wrapper?)")
	}
	if bi, err := buildinfo.ReadFile(path); err == nil {
		parts = append(parts, bi.GoVersion)
		for _, s := range bi.Settings {
			if s.Key == "-trimpath" || s.Key == "CGO_ENABLED" || s.Key == "-pgo" {
				parts = append(parts, s.Key+"="+s.Value)
			}
		}
	}
	out, _ := exec.Command(path, "version", "--client").Output()
	if line, _, _ := bytes.Cut(out, []byte("\n")); len(line) > 0 {
		parts = append(parts, string(line))
	}
	return strings.Join(parts, ", "), nil
}

func same(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
