// Package repository implements `kubectl tko package repository`: add,
// update, list, get, delete and kick of PackageRepositories.
package repository

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
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// NewCmd returns the repository noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "repository",
		Aliases: []string{"repo", "repositories"},
		Short:   "Manage package repositories (PackageRepositories)",
		Long: cli.LongDesc(`
			Package repositories make packages available. One in kapp-controller's global
			namespace (kapp-controller-packaging-global; tkg-system on TKG) serves every
			namespace; one elsewhere serves its own namespace.`),
		Example: cli.Examples(`
			kubectl tko package repository add tanzu-standard -n tkg-system --url projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21 --wait
			kubectl tko package repository list -A`),
	}
	cmd.AddCommand(newCmdAdd(f, streams, false), newCmdAdd(f, streams, true), newCmdList(f, streams), newCmdGet(f, streams),
		newCmdDelete(f, streams), newCmdKick(f, streams))
	return cmd
}

// AddOptions holds the flags of `repository add` and `repository update`.
type AddOptions struct {
	Factory   *cli.Factory
	Streams   genericiooptions.IOStreams
	Output    *cli.OutputFlags
	Name      string
	URL       string
	InlineDir string
	Git       string
	Update    bool
	DryRun    bool
	Wait      bool
	Timeout   time.Duration
}

// maxInline keeps an inline repository well under etcd's object limit.
const maxInline = 1 << 20

func newCmdAdd(f *cli.Factory, streams genericiooptions.IOStreams, update bool) *cobra.Command {
	o := &AddOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Update: update, Timeout: 5 * time.Minute}
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
		Use: use, Short: short, Example: cli.Examples(example),
		Args: cli.ExactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			if !cmd.Flags().Changed("wait") {
				o.Wait = common.WaitDefault(streams.ErrOut) && !o.DryRun
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
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
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "Print the PackageRepository; the API server checks it, nothing is stored.")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until the repository is reconciled (default true on a terminal).")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	_ = cmd.MarkFlagDirname("inline-dir")
	return cmd
}

// Validate checks the flags.
func (o *AddOptions) Validate() error {
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
		return cli.FlagErrorf("give exactly one source: --url IMAGE, --inline-dir DIR or --git URL@REF")
	}
	if o.Wait && o.DryRun {
		return cli.FlagErrorf("--wait and --dry-run cannot be used together")
	}
	return nil
}

// fetch builds spec.fetch from the flags.
func (o *AddOptions) fetch() (map[string]any, error) {
	switch {
	case o.URL != "":
		if strings.Contains(o.URL, "://") {
			return nil, cli.Usagef("--url %q: give an image reference without a scheme, e.g. registry.example.com/packages/repo:1.0.0", o.URL)
		}
		return map[string]any{"imgpkgBundle": map[string]any{"image": o.URL}}, nil
	case o.Git != "":
		// The ref follows the last @; an @ before the host (git@github.com:...) is not one.
		at := strings.LastIndex(o.Git, "@")
		if at <= 0 || at == len(o.Git)-1 || strings.Contains(o.Git[at+1:], ":") {
			return nil, cli.Usagef("--git %q: add the ref after @, e.g. https://github.com/example/packages@v1.2.0 or ...@origin/main", o.Git)
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
func (o *AddOptions) Run(ctx context.Context) error {
	fetch, err := o.fetch()
	if err != nil {
		return err
	}
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
	var dry []string
	if o.DryRun {
		dry = []string{metav1.DryRunAll}
	}
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
	suffix := ""
	if o.DryRun {
		suffix = " (dry run)"
	}
	fmt.Fprintf(o.Streams.Out, "packagerepository.packaging.carvel.dev/%s %s%s\n", o.Name, result, suffix)
	if !o.Wait {
		return nil
	}
	start := time.Now()
	if _, err := c.WaitRepository(ctx, c.Namespace, o.Name, carvel.WaitOptions{Timeout: o.Timeout, Progress: common.WaitProgress(o.Streams.ErrOut)}); err != nil {
		return err
	}
	common.Reconciled(o.Streams.ErrOut, "package repository "+c.Namespace+"/"+o.Name, start)
	return nil
}

// ListOptions holds the flags of `repository list` and `repository get`.
type ListOptions struct {
	Factory       *cli.Factory
	Streams       genericiooptions.IOStreams
	Output        *cli.OutputFlags
	AllNamespaces bool
	Name          string
}

func newCmdList(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &ListOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use: "list [-A]", Aliases: []string{"ls"},
		Short:   "List package repositories with their source and state",
		Example: cli.Examples(`kubectl tko package repository list -A -o wide`),
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List repositories in all namespaces.")
	return cmd
}

func newCmdGet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &ListOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use: "get NAME", Aliases: []string{"describe"},
		Short:             "Show a package repository: source, conditions and the full error",
		Example:           cli.Examples(`kubectl tko package repository get tanzu-standard -n tkg-system`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteRepositories(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run lists the repositories, or shows one.
func (o *ListOptions) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	var repos []*carvel.Repository
	if o.Name != "" {
		r, err := c.GetRepository(ctx, c.Namespace, o.Name)
		if err != nil {
			return err
		}
		repos = append(repos, r)
	} else {
		ns := c.Namespace
		if o.AllNamespaces {
			ns = ""
		}
		if repos, err = c.ListRepositories(ctx, ns); err != nil {
			return err
		}
	}
	if !o.Output.Human() {
		objs := make([]*unstructured.Unstructured, 0, len(repos))
		for _, r := range repos {
			objs = append(objs, r.Object)
		}
		return o.Output.PrintObjects(o.Streams.Out, objs, o.Name != "")
	}
	if o.Name != "" {
		r := repos[0]
		w := o.Streams.Out
		fmt.Fprintf(w, "Name:        %s\nNamespace:   %s\nSource:      %s\nStatus:      %s\n", r.Name, r.Namespace, r.Source(), r.State())
		if r.Status.FriendlyDescription != "" {
			fmt.Fprintf(w, "Description: %s\n", r.Status.FriendlyDescription)
		}
		common.PrintConditions(w, r.Status.Conditions)
		common.PrintError(w, r.Status.UsefulErrorMessage)
		return nil
	}
	if len(repos) == 0 {
		fmt.Fprintln(o.Streams.ErrOut, "No package repositories found.")
		return nil
	}
	t := cli.Table{Columns: []cli.Column{{Header: "NAMESPACE", Hidden: !o.AllNamespaces}, {Header: "NAME"}, {Header: "SOURCE"}, {Header: "STATUS"}, {Header: "AGE"}, {Header: "MESSAGE", Wide: true}}}
	for _, r := range repos {
		t.Rows = append(t.Rows, []string{r.Namespace, r.Name, r.Source(), r.State(), common.Age(r.Object), cli.OrDash(carvel.Headline(r.Status.UsefulErrorMessage))})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// DeleteOptions holds the flags of `repository delete` and `repository kick`.
type DeleteOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Names   []string
	Yes     bool
	Kick    bool
	Wait    bool
	Timeout time.Duration
}

func newCmdDelete(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &DeleteOptions{Factory: f, Streams: streams, Timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:   "delete NAME...",
		Short: "Delete package repositories (their packages stop being available)",
		Long: cli.LongDesc(`
			Delete package repositories and wait until kapp-controller has removed them.
			Installs of their packages keep running but cannot be updated until another
			repository provides the package. On a terminal it asks first; from a script
			it needs --yes.`),
		Example:           cli.Examples(`kubectl tko package repository delete dev --yes`),
		Args:              cli.MinArgs("NAME"),
		ValidArgsFunction: common.CompleteRepositories(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation.")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for the deletion.")
	return cmd
}

func newCmdKick(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &DeleteOptions{Factory: f, Streams: streams, Kick: true, Timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:               "kick NAME",
		Short:             "Make kapp-controller fetch a package repository again now",
		Example:           cli.Examples(`kubectl tko package repository kick tanzu-standard -n tkg-system --wait`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteRepositories(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			if !cmd.Flags().Changed("wait") {
				o.Wait = common.WaitDefault(streams.ErrOut)
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until the repository is reconciled again (default true on a terminal).")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	return cmd
}

// Run deletes or kicks.
func (o *DeleteOptions) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	for _, name := range o.Names {
		if _, err := c.GetRepository(ctx, c.Namespace, name); err != nil {
			return err
		}
	}
	progress := common.WaitProgress(o.Streams.ErrOut)
	if o.Kick {
		start := time.Now()
		if err := c.Kick(ctx, carvel.Repositories, c.Namespace, o.Names[0]); err != nil {
			return err
		}
		fmt.Fprintf(o.Streams.Out, "packagerepository.packaging.carvel.dev/%s kicked\n", o.Names[0])
		if !o.Wait {
			return nil
		}
		if _, err := c.WaitRepository(ctx, c.Namespace, o.Names[0], carvel.WaitOptions{Timeout: o.Timeout, Progress: progress}); err != nil {
			return err
		}
		common.Reconciled(o.Streams.ErrOut, "package repository "+c.Namespace+"/"+o.Names[0], start)
		return nil
	}
	if !o.Yes {
		if err := cli.Confirm(o.Streams.In, o.Streams.ErrOut,
			fmt.Sprintf("refusing to delete %s without --yes: standard input is not a terminal", strings.Join(o.Names, ", ")),
			fmt.Sprintf("Delete package repository(ies) %s in namespace %s?", strings.Join(o.Names, ", "), c.Namespace)); err != nil {
			return err
		}
	}
	client := c.Dyn.Resource(carvel.Repositories).Namespace(c.Namespace)
	for _, name := range o.Names {
		if err := client.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		if _, err := wait.For(ctx, wait.Spec{Client: client, Namespace: c.Namespace, Name: name, Timeout: o.Timeout,
			What: "package repository " + c.Namespace + "/" + name + " to be deleted", Check: wait.Deleted, Summary: carvel.Summary, Progress: progress}); err != nil {
			return err
		}
		fmt.Fprintf(o.Streams.Out, "packagerepository.packaging.carvel.dev/%s deleted\n", name)
	}
	return nil
}
