package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
)

// sizes compares each stripped binary with kubectl, then the gzipped
// archives a krew user downloads, then says what each binary carries.
func sizes(bin, kubectl string, carriedToo bool) error {
	ref, err := os.Stat(kubectl)
	if err != nil {
		return err
	}
	refGz, err := archiveSize(kubectl)
	if err != nil {
		return err
	}
	fmt.Println("\nBinary size (stripped, -trimpath) against kubectl; goals: umbrella 0.10x, plugins 0.45x, all archives 2.0x")
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "BINARY\tSIZE\tKUBECTL\tRATIO\tTAR.GZ\tKUBECTL TAR.GZ\tRATIO")
	var total int64
	for _, p := range pluginlist.Binaries() {
		path := filepath.Join(bin, p)
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		gz, err := archiveSize(path)
		if err != nil {
			return err
		}
		total += gz
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2fx\t%s\t%s\t%.2fx\n", p, mib(st.Size()), mib(ref.Size()), float64(st.Size())/float64(ref.Size()), mib(gz), mib(refGz), float64(gz)/float64(refGz))
	}
	fmt.Fprintf(tw, "all %d archives\t\t\t\t%s\t%s\t%.2fx\n", len(pluginlist.Binaries()), mib(total), mib(refGz), float64(total)/float64(refGz))
	if err := tw.Flush(); err != nil || !carriedToo {
		return err
	}
	return carried()
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// archiveSize is the size of a .tar.gz holding the binary, compressed as
// the release archives are.
func archiveSize(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression) // as hack/release writes them
	if err != nil {
		return 0, err
	}
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: filepath.Base(path), Mode: 0o755, Size: int64(len(data))}); err != nil {
		return 0, err
	}
	if _, err := tw.Write(data); err != nil {
		return 0, err
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	if err := gz.Close(); err != nil {
		return 0, err
	}
	return int64(buf.Len()), nil
}

// carried prints the biggest packages (by symbol size) of each binary,
// built once more with symbols for go tool nm.
func carried() error {
	dir, err := os.MkdirTemp("", "tko-bench-nm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println("\nWhat each binary carries: the biggest packages by symbol size (go tool nm -size)")
	for _, p := range pluginlist.Binaries() {
		out := filepath.Join(dir, p)
		build := exec.Command("go", "build", "-trimpath", "-o", out, "./plugins/"+p)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %w\n%s", p, err, b)
		}
		nm, err := exec.Command("go", "tool", "nm", "-size", out).Output()
		if err != nil {
			return fmt.Errorf("go tool nm %s: %w", p, err)
		}
		top := topPackages(string(nm), 8)
		fmt.Printf("  %-20s %s\n", p, strings.Join(top, ", "))
	}
	return nil
}

// genericArgs drops the type arguments of instantiated symbols.
var genericArgs = regexp.MustCompile(`\[.*`)

// topPackages sums symbol sizes by module-level package path (three path
// elements) and names the n biggest.
func topPackages(nm string, n int) []string {
	sum := map[string]int64{}
	for _, line := range strings.Split(nm, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		// The FIPS DRBG's 32 MiB reservation is BSS: it takes no file space.
		if err != nil || f[2] == "B" || f[2] == "b" || size > 8<<20 {
			continue
		}
		name := genericArgs.ReplaceAllString(strings.Join(f[3:], " "), "")
		if strings.HasPrefix(name, "go:") || strings.HasPrefix(name, "type:") || strings.HasPrefix(name, "runtime.") {
			name = "(runtime and type data)"
		} else if i := strings.LastIndex(name, "/"); i >= 0 {
			if j := strings.Index(name[i:], "."); j >= 0 {
				name = name[:i+j]
			}
		} else if j := strings.Index(name, "."); j >= 0 {
			name = name[:j]
		}
		parts := strings.Split(name, "/")
		if len(parts) > 3 {
			parts = parts[:3]
		}
		sum[strings.Join(parts, "/")] += size
	}
	names := make([]string, 0, len(sum))
	for k := range sum {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return sum[names[i]] > sum[names[j]] })
	if len(names) > n {
		names = names[:n]
	}
	for i, k := range names {
		names[i] = fmt.Sprintf("%s %.1f MB", k, float64(sum[k])/1e6)
	}
	return names
}
