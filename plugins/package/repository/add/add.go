// Package add implements `kubectl tko package repository add`, and
// `update`, the same create-or-update of a PackageRepository.
package add

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `repository add` and `repository update`.
type Options struct {
	common.VerbOptions
	URL       string
	InlineDir string
	Git       string
	Update    bool
	DryRun    cmdutil.DryRun
	cmdutil.WaitFlags

	spec map[string]any // spec.fetch, built by Validate
}

// maxInline keeps an inline repository well under etcd's object limit.
const maxInline = 1 << 20

// NewCmd returns `repository add`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return NewCmdFor(f, streams, false)
}

// NewCmdFor returns `repository add`, or with update `repository update`:
// the same create-or-update, update refusing a repository that does not
// exist and add one with another source.
func NewCmdFor(f *cli.Factory, streams genericiooptions.IOStreams, update bool) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true), Update: update, WaitFlags: cmdutil.WaitFlags{Timeout: 5 * time.Minute, OnTerminal: true}}
	use, short := "add NAME (--url IMAGE | --inline-dir DIR | --git URL@REF)", "Add a package repository and wait until its packages are available"
	example := `
		# An imgpkg bundle, as TKG ships its standard repository
		kubectl tko package repository add tanzu-standard -n tkg-system --url projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21

		# Packages from a local directory (packages/<name>/<version>.yml)
		kubectl tko package repository add dev --inline-dir ./repo

		# A git repository at a tag
		kubectl tko package repository add team --git https://github.com/example/packages@v1.2.0`
	if update {
		use, short = "update NAME (--url IMAGE | --inline-dir DIR | --git URL@REF)", "Point a package repository at a new source"
		example = `
		kubectl tko package repository update tanzu-standard -n tkg-system --url projects.registry.vmware.com/tkg/packages/standard/repo:v2024.11.1 --wait`
	}
	cmd := &cobra.Command{
		Use: use, Short: short, Example: cmdutil.Examples(example),
		Args: cmdutil.ExactArgs("NAME"),
		RunE: cli.RunE(f, o),
	}
	if update {
		cmd.ValidArgsFunction = common.CompleteRepositories(f)
	} else {
		cmd.ValidArgsFunction = cobra.NoFileCompletions
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.URL, "url", "", "imgpkg bundle image of the repository, e.g. projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21.")
	cmd.Flags().StringVar(&o.InlineDir, "inline-dir", "", "Directory whose files become the repository (inline fetch; up to 1 MiB).")
	cmd.Flags().StringVar(&o.Git, "git", "", "Git repository and ref as URL@REF (a tag, or origin/BRANCH).")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Print the PackageRepository; the API server checks it (client and server alike), nothing is stored.")
	o.AddFlags(cmd, "Wait until the repository is reconciled")
	_ = cmd.MarkFlagDirname("inline-dir")
	return cmd
}

// Complete takes the factory and the name, and defaults --wait to on for
// a person at a terminal.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.WaitFlags.Complete(cmd, o.Streams.ErrOut, o.DryRun)
	return o.VerbOptions.Complete(f, cmd, args)
}

// Validate checks the flags and reads the source they name.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	n := 0
	for _, s := range []string{o.URL, o.InlineDir, o.Git} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return cmdutil.FlagErrorf("give exactly one source: --url IMAGE, --inline-dir DIR or --git URL@REF")
	}
	if err := o.WaitFlags.Validate(o.DryRun); err != nil {
		return err
	}
	var err error
	o.spec, err = o.fetch()
	return err
}

// fetch builds spec.fetch from the flags.
func (o *Options) fetch() (map[string]any, error) {
	switch {
	case o.URL != "":
		if strings.Contains(o.URL, "://") {
			return nil, cmdutil.Usagef("--url %q: give an image reference without a scheme, e.g. registry.example.com/packages/repo:1.0.0", o.URL)
		}
		return map[string]any{"imgpkgBundle": map[string]any{"image": o.URL}}, nil
	case o.Git != "":
		// The ref follows the last @; an @ before the host (git@github.com:...) is not one.
		at := strings.LastIndex(o.Git, "@")
		if at <= 0 || at == len(o.Git)-1 || strings.Contains(o.Git[at+1:], ":") {
			return nil, cmdutil.Usagef("--git %q: add the ref after @, e.g. https://github.com/example/packages@v1.2.0 or ...@origin/main", o.Git)
		}
		return map[string]any{"git": map[string]any{"url": o.Git[:at], "ref": o.Git[at+1:]}}, nil
	}
	paths := map[string]any{}
	size := 0
	err := filepath.WalkDir(o.InlineDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != o.InlineDir {
				return filepath.SkipDir
			}
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := yamldoc.Parse(path, raw); err != nil && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			return err
		}
		rel, _ := filepath.Rel(o.InlineDir, path)
		paths[filepath.ToSlash(rel)] = string(raw)
		size += len(raw)
		return nil
	})
	if err != nil {
		var input *errs.InputError
		if errors.As(err, &input) {
			return nil, err
		}
		return nil, &errs.InputError{File: o.InlineDir, Err: err}
	}
	if len(paths) == 0 {
		return nil, &errs.InputError{File: o.InlineDir, Err: errors.New("no files: an inline repository needs packages/<name>/<version>.yml files")}
	}
	if size > maxInline {
		return nil, &errs.InputError{File: o.InlineDir, Err: fmt.Errorf("%d KiB is too large for an inline repository (limit 1 MiB): publish it as an imgpkg bundle and use --url", size/1024)}
	}
	return map[string]any{"inline": map[string]any{"paths": paths}}, nil
}

// Run adds or updates the repository.
func (o *Options) Run(ctx context.Context) error {
	fetch := o.spec
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	client := c.Dyn.Resource(carvel.Repositories).Namespace(c.Namespace)
	want := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": carvel.PackagingGroup + "/v1alpha1", "kind": "PackageRepository",
		"metadata": map[string]any{"name": o.Name, "namespace": c.Namespace},
		"spec":     map[string]any{"fetch": fetch},
	}}
	dry := kube.DryRun(o.DryRun.Any())
	current, err := client.Get(ctx, o.Name, metav1.GetOptions{})
	var result string
	switch {
	case err != nil && !apierrors.IsNotFound(err):
		return err
	case err != nil && o.Update:
		return &errs.NotFoundError{Kind: "package repository", Name: o.Name, Namespace: c.Namespace, Hint: "add it with 'kubectl tko package repository add'"}
	case err != nil:
		if _, err := client.Create(ctx, want, metav1.CreateOptions{FieldManager: kube.FieldManager, DryRun: dry}); err != nil {
			return err
		}
		result = "created"
	default:
		before, _, _ := unstructured.NestedMap(current.Object, "spec", "fetch")
		if reflect.DeepEqual(before, yamldoc.Normalize(fetch)) {
			result = "unchanged"
			break
		}
		if !o.Update {
			return fmt.Errorf("package repository %s/%s already exists with another source: change it with 'kubectl tko package repository update'", c.Namespace, o.Name)
		}
		_ = unstructured.SetNestedField(current.Object, fetch, "spec", "fetch")
		if _, err := client.Update(ctx, current, metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: dry}); err != nil {
			return err
		}
		result = "updated"
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{want}, true)
	}
	if err := cli.PrintAction(o.Streams.Out, common.Ref("PackageRepository", o.Name), result, o.DryRun.Any()); err != nil {
		return err
	}
	if !o.Wait {
		return nil
	}
	start := time.Now()
	if _, err := c.WaitRepository(ctx, c.Namespace, o.Name, carvel.WaitOptions{Timeout: o.Timeout, Progress: cmdutil.WaitProgress(o.Streams.ErrOut)}); err != nil {
		return common.GoesOn(err, "package repository", c.Namespace, o.Name, common.Done(result))
	}
	common.Reconciled(o.Streams.ErrOut, "package repository "+c.Namespace+"/"+o.Name, start)
	return nil
}
