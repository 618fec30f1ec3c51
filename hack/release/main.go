// Command release builds reproducible release archives of every plugin for
// every platform krew serves, a checksums file, and the krew manifests
// generated from those archives (so their sha256 values are always right).
//
// A small generator rather than goreleaser: the project needs exactly this,
// goreleaser as a Go tool would add hundreds of modules and minutes to a cold
// build, and the archives must be byte-for-byte reproducible.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/krew"
)

func main() {
	var (
		version   = flag.String("version", "v0.1.0-dev", "release version (semver with a leading v)")
		commit    = flag.String("commit", "unknown", "commit to stamp")
		date      = flag.String("date", "", "build date to stamp and to use as the archives' file time (RFC 3339)")
		out       = flag.String("out", "dist", "output directory")
		platforms = flag.String("platforms", strings.Join(krew.Platforms, ","), "comma-separated os/arch list")
		plugins   = flag.String("plugins", strings.Join(krew.PluginNames(), ","), "comma-separated krew plugin names")
		baseURL   = flag.String("base-url", krew.ReleaseURL, "where the archives will be downloaded from")
	)
	flag.Parse()
	if err := run(*version, *commit, *date, *out, *baseURL, strings.Split(*platforms, ","), strings.Split(*plugins, ",")); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

func run(version, commit, date, out, baseURL string, platforms, plugins []string) error {
	mtime := time.Unix(0, 0).UTC()
	if date != "" {
		t, err := time.Parse(time.RFC3339, date)
		if err != nil {
			return fmt.Errorf("--date: %w", err)
		}
		mtime = t.UTC()
	}
	if err := os.MkdirAll(filepath.Join(out, "krew-manifests"), 0o755); err != nil {
		return err
	}
	license, err := os.ReadFile("LICENSE")
	if err != nil {
		return fmt.Errorf("reading LICENSE: %w", err)
	}
	buildDir, err := os.MkdirTemp("", "tko-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(buildDir)
	pkg := "github.com/vmware-tanzu-labs/kubectl-tko/internal/buildinfo"
	ldflags := fmt.Sprintf("-s -w -X %s.Version=%s -X %s.Commit=%s -X %s.Date=%s", pkg, version, pkg, commit, pkg, date)
	var checksums []string
	for _, name := range plugins {
		p, ok := krew.Plugin(name)
		if !ok {
			return fmt.Errorf("unknown plugin %q", name)
		}
		var assets []krew.Asset
		for _, platform := range platforms {
			goos, goarch, _ := strings.Cut(platform, "/")
			bin := p.Binary
			if goos == "windows" {
				bin += ".exe"
			}
			binPath := filepath.Join(buildDir, goos+"-"+goarch, bin)
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", binPath, "./plugins/"+p.Binary)
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
			if o, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("building %s for %s: %w\n%s", p.Binary, platform, err, o)
			}
			binary, err := os.ReadFile(binPath)
			if err != nil {
				return err
			}
			archive, ext, err := pack(goos, bin, binary, license, mtime)
			if err != nil {
				return err
			}
			file := fmt.Sprintf("%s_%s_%s_%s.%s", p.Binary, version, goos, goarch, ext)
			if err := os.WriteFile(filepath.Join(out, file), archive, 0o644); err != nil {
				return err
			}
			sum := sha256.Sum256(archive)
			hexSum := hex.EncodeToString(sum[:])
			checksums = append(checksums, hexSum+"  "+file)
			assets = append(assets, krew.Asset{OS: goos, Arch: goarch, File: file, SHA256: hexSum, Bin: bin, URL: baseURL + "/" + version + "/" + file})
			fmt.Fprintf(os.Stderr, "built %s\n", file)
		}
		manifest, err := krew.Manifest(p, version, assets)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "krew-manifests", p.KrewName+".yaml"), manifest, 0o644); err != nil {
			return err
		}
	}
	sort.Strings(checksums)
	return os.WriteFile(filepath.Join(out, "checksums.txt"), []byte(strings.Join(checksums, "\n")+"\n"), 0o644)
}

// pack makes a reproducible archive: fixed times, owners and order; zip for
// Windows, tar.gz elsewhere.
func pack(goos, bin string, binary, license []byte, mtime time.Time) ([]byte, string, error) {
	files := []struct {
		name string
		mode int64
		data []byte
	}{{bin, 0o755, binary}, {"LICENSE", 0o644, license}}
	var buf bytes.Buffer
	if goos == "windows" {
		zw := zip.NewWriter(&buf)
		for _, f := range files {
			h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: mtime}
			h.SetMode(os.FileMode(f.mode))
			w, err := zw.CreateHeader(h)
			if err != nil {
				return nil, "", err
			}
			if _, err := w.Write(f.data); err != nil {
				return nil, "", err
			}
		}
		return buf.Bytes(), "zip", zw.Close()
	}
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, "", err
	}
	gz.ModTime = mtime
	tw := tar.NewWriter(gz)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return nil, "", err
		}
		if _, err := io.Copy(tw, bytes.NewReader(f.data)); err != nil {
			return nil, "", err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	if err := gz.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "tar.gz", nil
}
