package query

import (
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"":                     now,
		"now":                  now,
		"5m":                   now.Add(-5 * time.Minute),
		"-1h":                  now.Add(-time.Hour),
		"2024-05-01T09:00:00Z": now.Add(-time.Hour),
		"1714554000":           now.Add(-time.Hour),
	} {
		got, err := ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday", now); err == nil {
		t.Error("yesterday was taken")
	}
}

// TestValidateBeforeConnecting: the flag checks refuse before any request.
func TestValidateBeforeConnecting(t *testing.T) {
	for args, want := range map[string]string{
		"up --range 1h --step 1s":                               "3601 points per series, more than --max-points 1000: use --step 4s",
		"up --step 1m":                                          "--step needs --range",
		"up --time yesterday":                                   "is not a time",
		"up --prometheus-service nope":                          "is not NAMESPACE/NAME[:PORT]",
		"up --prometheus-url ftp://x":                           "is not an http(s) URL",
		"up --prometheus-url http://x --prometheus-service a/b": "are exclusive",
		"up -o table":                                           "unknown output format",
	} {
		streams, _, _, errOut := cmdutil.TestStreams(false)
		f := cli.NewFactory()
		server := "https://127.0.0.1:1"
		f.Overrides.ClusterInfo.Server = server
		cmd := NewCmd(f, streams)
		cmd.SetArgs(strings.Fields(args))
		cmd.SetErr(errOut)
		cmd.SetOut(errOut)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}
