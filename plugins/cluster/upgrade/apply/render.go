package apply

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
)

// render prints what a run would do, wave by wave.
func render(out io.Writer, run *upgraderun.Run, skipBackup bool, soak time.Duration) error {
	for w := 1; w <= run.Waves; w++ {
		fmt.Fprintf(out, "wave %d of %d:\n", w, run.Waves)
		for _, i := range run.InWave(w) {
			c := run.Clusters[i]
			if !skipBackup {
				fmt.Fprintf(out, "  back up %s (Velero, whole cluster)\n", c.Cluster)
			}
		}
		for _, i := range run.InWave(w) {
			c := run.Clusters[i]
			chain := []string{c.From}
			for _, s := range c.Steps {
				v := s.KubernetesVersion
				if s.TKR != "" {
					v += " (" + s.TKR + ")"
				}
				chain = append(chain, v)
			}
			fmt.Fprintf(out, "  upgrade %s %s: %s\n", strings.ToLower(c.Kind), c.Cluster, strings.Join(chain, " → "))
		}
		fmt.Fprintf(out, "  health gate: observe health on each cluster of the wave\n")
		if soak > 0 && w < run.Waves {
			fmt.Fprintf(out, "  soak %s\n", soak)
		}
	}
	if skipBackup {
		fmt.Fprintf(out, "no backups (--skip-backup)\n")
	}
	fmt.Fprintf(out, "(dry run: nothing was changed)\n")
	return nil
}

// reporter prints the run's events on stderr: on a terminal every change,
// machines rolled included; piped, one line per state change.
func reporter(w io.Writer, tty bool) func(upgraderun.Event) {
	var mu sync.Mutex
	return func(e upgraderun.Event) {
		if e.Progress && !tty {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		prefix := ""
		if tty {
			prefix = time.Now().Format("15:04:05") + "  "
		}
		switch {
		case e.Wave == 0:
			fmt.Fprintf(w, "%supgrade run %s\n", prefix, e.State)
		case e.Cluster == "":
			line := fmt.Sprintf("%swave %d: %s", prefix, e.Wave, e.State)
			if e.Message != "" {
				line += " " + e.Message
			}
			fmt.Fprintln(w, line)
		default:
			line := fmt.Sprintf("%swave %d: %s: %s", prefix, e.Wave, e.Cluster, e.State)
			if e.State == upgraderun.StateFailed {
				line += ":"
			}
			if e.Message != "" {
				line += " " + e.Message
			}
			if e.Total > 0 {
				line += fmt.Sprintf(" (machines %d/%d)", e.Rolled, e.Total)
			}
			fmt.Fprintln(w, line)
		}
	}
}
