// Package claims implements `kubectl tko auth claims`: what the identity
// provider said about you, from the cached ID token, never the token.
package claims

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// Options holds the flags of `auth claims`.
type Options struct {
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Login   common.LoginFlags
	Context string
	Now     func() time.Time
}

// NewCmd returns the claims command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags(), Now: time.Now}
	cmd := &cobra.Command{
		Use:   "claims [-o json|yaml]",
		Short: "Show the claims of the cached ID token of the current context's login",
		Long: cmdutil.LongDesc(`
			Decode the ID token cached by the last login of the kubeconfig context in
			use: issuer, subject, email, groups, audience and expiry, and with -o every
			claim. This is what the identity provider said about you, before any
			claim mapping of the cluster ('kubectl tko auth whoami' shows what the
			cluster made of it). The token itself is never printed.`),
		Example: cmdutil.Examples(`
			kubectl tko auth claims
			kubectl tko auth claims -o json | jq .claims.groups`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete reads the login of the context in use.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	l, name, err := common.CurrentLogin(f)
	if err != nil {
		return err
	}
	o.Login, o.Context = *l, name
	return nil
}

// Validate checks -o.
func (o *Options) Validate() error {
	return o.Output.Validate()
}

// Run prints the claims.
func (o *Options) Run(_ context.Context) error {
	store, err := o.Login.Store()
	if err != nil {
		return err
	}
	defer common.PrintNotices(o.Streams.ErrOut, store)
	cfg, err := o.Login.Config()
	if err != nil {
		return err
	}
	sess, err := store.Session(cfg.SessionKey())
	if err != nil {
		return common.Word(err)
	}
	if sess == nil || sess.IDToken == "" {
		return &errs.NotFoundError{Kind: "login session of issuer", Name: cfg.Issuer,
			Hint: fmt.Sprintf("log in by running any kubectl command with context %s (e.g. kubectl tko auth whoami)", o.Context)}
	}
	c, err := oidc.DecodeClaims(sess.IDToken)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, c)
	}
	expires := "-"
	if !c.Expiry.IsZero() {
		left := c.Expiry.Sub(o.Now()).Round(time.Second)
		state := "in " + left.String()
		if left <= 0 {
			state = "expired; the next kubectl command refreshes it"
		}
		expires = fmt.Sprintf("%s (%s)", c.Expiry.Format(time.RFC3339), state)
	}
	rows := [][2]string{
		{"Issuer", c.Issuer}, {"Subject", c.Subject}, {"Email", c.Email}, {"Username", c.Username},
		{"Groups", strings.Join(c.Groups, ", ")}, {"Audience", strings.Join(c.Audience, ", ")},
		{"Issued", formatTime(c.IssuedAt)}, {"Expires", expires},
	}
	var other []string
	for k := range c.All {
		switch k {
		case "iss", "sub", "aud", "email", "groups", "iat", "exp", "name", "username":
		default:
			other = append(other, k)
		}
	}
	sort.Strings(other)
	if len(other) > 0 {
		rows = append(rows, [2]string{"Other claims", strings.Join(other, ", ") + " (-o yaml shows them)"})
	}
	return common.PrintFields(o.Streams.Out, rows)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
