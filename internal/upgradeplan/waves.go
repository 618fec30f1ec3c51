package upgradeplan

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// WaveSize is how many clusters a wave holds: a share of the clusters that
// can move, or a count.
type WaveSize struct {
	Percent int
	Count   int
}

// DefaultWaveSize is a quarter of the clusters: four waves after the canaries.
const DefaultWaveSize = "25%"

// ParseWaveSize reads "25%" or "3".
func ParseWaveSize(s string) (WaveSize, error) {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100 {
			return WaveSize{}, errs.Invalidf("--wave-size %q: a percentage must be between 1%% and 100%%, e.g. 25%%", s)
		}
		return WaveSize{Percent: n}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return WaveSize{}, errs.Invalidf("--wave-size %q: give a count of clusters (at least 1) or a percentage, e.g. 25%%", s)
	}
	return WaveSize{Count: n}, nil
}

// per is the count of clusters a wave holds out of total.
func (w WaveSize) per(total int) int {
	if w.Count > 0 {
		return w.Count
	}
	n := (total*w.Percent + 99) / 100
	return max(n, 1)
}

// AssignWaves puts every cluster that has steps and no blocker in a wave:
// the canaries first, then the others by namespace and name in waves of
// size (a share of all the clusters that move). Blocked clusters and
// those with nothing to do are in none.
func AssignWaves(clusters []Cluster, size WaveSize) []Wave {
	var canaries, rest []*Cluster
	for i := range clusters {
		c := &clusters[i]
		c.Wave = 0
		switch {
		case c.Blocked() || len(c.Steps) == 0:
		case c.Canary:
			canaries = append(canaries, c)
		default:
			rest = append(rest, c)
		}
	}
	byKey := func(cs []*Cluster) {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Key() < cs[j].Key() })
	}
	byKey(canaries)
	byKey(rest)
	waves := []Wave{}
	add := func(cs []*Cluster, canary bool) {
		w := Wave{Number: len(waves) + 1, Canary: canary}
		for _, c := range cs {
			c.Wave = w.Number
			w.Clusters = append(w.Clusters, c.Key())
		}
		waves = append(waves, w)
	}
	if len(canaries) > 0 {
		add(canaries, true)
	}
	per := size.per(len(canaries) + len(rest))
	for len(rest) > 0 {
		n := min(per, len(rest))
		add(rest[:n], false)
		rest = rest[n:]
	}
	return waves
}
