package carvel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// StackStep is one install of a planned stack.
type StackStep struct {
	Wave      int          `json:"wave"`
	Name      string       `json:"name"`
	Namespace string       `json:"namespace"`
	Package   string       `json:"package"`
	Version   string       `json:"version"`
	Action    Result       `json:"action"`
	Changes   []Change     `json:"changes,omitempty"`
	DependsOn []string     `json:"dependsOn,omitempty"`
	State     string       `json:"state,omitempty"`
	Spec      *InstallSpec `json:"-"`
	update    *UpdatePlan
}

// StackPlan is what applying a stack would do.
type StackPlan struct {
	Stack         *Stack      `json:"-"`
	Steps         []StackStep `json:"installs"`
	NewNamespaces []string    `json:"createNamespaces,omitempty"`
	catalogByNS   map[string]*Catalog
}

// PlanStack resolves every install of a stack (package, version, values
// against the package's schema) and compares it with what is installed.
// Every problem of every install is reported at once; nothing is changed.
func (c *Client) PlanStack(ctx context.Context, st *Stack, readFile func(string) ([]byte, error)) (*StackPlan, error) {
	waves, err := st.Order()
	if err != nil {
		return nil, &errs.InputError{File: st.File, Err: err}
	}
	plan := &StackPlan{Stack: st, catalogByNS: map[string]*Catalog{}}
	var problems []errs.Problem
	problem := func(in StackInstall, msg string) {
		problems = append(problems, errs.Problem{Line: in.Line, Message: msg})
	}
	checkedNS := map[string]bool{}
	for w, wave := range waves {
		for _, in := range wave {
			ns := st.NamespaceOf(in)
			if ns == "" {
				ns = c.Namespace
			}
			if !checkedNS[ns] {
				checkedNS[ns] = true
				if err := c.CheckNamespace(ctx, ns); err != nil {
					var nf *errs.NotFoundError
					if !errors.As(err, &nf) {
						return nil, err
					}
					plan.NewNamespaces = append(plan.NewNamespaces, ns)
				}
			}
			spec, msgs, err := c.resolveInstall(ctx, in, ns, plan.catalogByNS, readFile)
			if err != nil {
				return nil, err
			}
			for _, m := range msgs {
				problem(in, m)
			}
			if len(msgs) > 0 {
				continue
			}
			cur, err := c.CurrentInstall(ctx, ns, in.Name)
			if err != nil {
				return nil, err
			}
			step, err := c.PlanStep(ctx, spec, cur)
			if err != nil {
				problem(in, err.Error())
				continue
			}
			step.Wave, step.DependsOn = w+1, in.DependsOn
			plan.Steps = append(plan.Steps, step)
		}
	}
	if len(problems) > 0 {
		return nil, errs.Problems(errs.DisplayFile(st.File), "applied", problems)
	}
	return plan, nil
}

// resolveInstall resolves an install of a stack in the catalog of its
// namespace (package, version) and checks its values against the
// package's schema; what is wrong comes back as messages, one per problem.
func (c *Client) resolveInstall(ctx context.Context, in StackInstall, ns string, catalogs map[string]*Catalog, readFile func(string) ([]byte, error)) (*InstallSpec, []string, error) {
	cat := catalogs[ns]
	if cat == nil {
		var err error
		if cat, err = c.LoadCatalog(ctx, ns); err != nil {
			return nil, nil, err
		}
		catalogs[ns] = cat
	}
	pkg, err := cat.Resolve(in.Package, in.Version, in.VersionConstraint)
	if err != nil {
		return nil, []string{in.Name + ": " + explain.Message(err)}, nil
	}
	vals := &Values{Data: in.Values, from: map[string]string{}}
	if in.Values == nil {
		vals.Data = map[string]any{}
	}
	if in.ValuesFile != "" {
		raw, err := readFile(in.ValuesFile)
		if err == nil {
			vals, err = LoadValues(in.ValuesFile, raw, nil)
		}
		if err != nil {
			return nil, []string{in.Name + ": " + explain.Message(err)}, nil
		}
	}
	var msgs []string
	for _, p := range vals.Validate(pkg.Spec.ValuesSchema.OpenAPIv3) {
		if p.File == "" {
			p.Path = "values." + p.Path
		}
		msgs = append(msgs, in.Name+": "+p.String())
	}
	constraint := pkg.Spec.Version
	if in.VersionConstraint != "" {
		constraint = in.VersionConstraint
	}
	return &InstallSpec{Name: in.Name, Namespace: ns, Package: pkg, Constraint: constraint, Values: vals, RBAC: RBACClusterAdmin}, msgs, nil
}

// ResolvedInstall is an install of a stack, resolved, with its wave.
type ResolvedInstall struct {
	Spec      *InstallSpec
	DependsOn []string
	Wave      int
}

// ResolveStack resolves every install of a stack (package, version, values
// against the package's schema) in the catalogs of this cluster, without
// looking at what is installed here: for installs made elsewhere. Every
// problem of every install is reported at once, as PlanStack does.
func (c *Client) ResolveStack(ctx context.Context, st *Stack, readFile func(string) ([]byte, error)) ([]ResolvedInstall, error) {
	waves, err := st.Order()
	if err != nil {
		return nil, &errs.InputError{File: st.File, Err: err}
	}
	catalogs := map[string]*Catalog{}
	var out []ResolvedInstall
	var problems []errs.Problem
	for w, wave := range waves {
		for _, in := range wave {
			ns := st.NamespaceOf(in)
			if ns == "" {
				ns = c.Namespace
			}
			spec, msgs, err := c.resolveInstall(ctx, in, ns, catalogs, readFile)
			if err != nil {
				return nil, err
			}
			for _, m := range msgs {
				problems = append(problems, errs.Problem{Line: in.Line, Message: m})
			}
			if len(msgs) == 0 {
				out = append(out, ResolvedInstall{Spec: spec, DependsOn: in.DependsOn, Wave: w + 1})
			}
		}
	}
	if len(problems) > 0 {
		return nil, errs.Problems(errs.DisplayFile(st.File), "attached", problems)
	}
	return out, nil
}

// CurrentInstall is the PackageInstall of that name, or nil when there is none.
func (c *Client) CurrentInstall(ctx context.Context, namespace, name string) (*Install, error) {
	cur, err := c.GetInstall(ctx, namespace, name)
	var nf *errs.NotFoundError
	if errors.As(err, &nf) {
		return nil, nil
	}
	return cur, err
}

// PlanStep is the planning of one resolved install, the same for a stack
// and for `package install`: created when there is no current install,
// otherwise updated (with its changes) or unchanged. An install of
// another package under the same name is refused.
func (c *Client) PlanStep(ctx context.Context, spec *InstallSpec, cur *Install) (StackStep, error) {
	step := StackStep{Wave: 1, Name: spec.Name, Namespace: spec.Namespace, Package: spec.Package.Spec.RefName, Version: spec.Package.Spec.Version,
		Spec: spec, Action: Created}
	if cur == nil {
		return step, nil
	}
	up, err := c.PlanUpdate(ctx, cur, spec)
	if err != nil {
		return step, err
	}
	step.update, step.Changes, step.State = up, up.Changes, cur.State()
	step.Action = Unchanged
	if len(up.Changes) > 0 {
		step.Action = Updated
	}
	return step, nil
}

// Converged reports whether applying the plan would change nothing.
func (p *StackPlan) Converged() bool {
	if len(p.NewNamespaces) > 0 {
		return false
	}
	for _, s := range p.Steps {
		if s.Action != Unchanged || s.State != "ReconcileSucceeded" {
			return false
		}
	}
	return true
}

// stoppedAt says where an apply stopped and what was and was not applied.
func stoppedAt(failed string, applied, notApplied []string) string {
	return fmt.Sprintf("stopped at %s (applied: %s; not applied: %s)", failed, errs.OrNone(applied), errs.OrNone(notApplied))
}

// ApplyOptions says how to apply a stack.
type ApplyOptions struct {
	Wait     bool
	Timeout  time.Duration // per install
	Progress io.Writer     // one line per event; never nil
	Verbose  io.Writer     // App stage lines (a TTY); may be nil
	// DryRun has the API server check what would be created; nothing is
	// stored and nothing is waited for.
	DryRun bool
	// Applied reports each applied step (unchanged ones too); nil prints
	// "NAMESPACE/NAME ACTION (PACKAGE VERSION)" for changed ones to Progress.
	Applied func(StackStep)
	// Waited reports each waited-for step with its result; nil prints
	// "NAMESPACE/NAME reconciled in D" for changed ones to Progress.
	Waited func(s StackStep, err error, took time.Duration)
}

// ApplyStack applies a planned stack wave by wave: the installs of a wave
// together, then (with Wait) until each is reconciled before the next
// wave starts. It stops at the first failure with an errs.StepError that
// says what was and was not applied. An install that was paused is
// applied but not waited for: kapp-controller reconciles it once resumed.
func (c *Client) ApplyStack(ctx context.Context, plan *StackPlan, opts ApplyOptions) error {
	for _, ns := range plan.NewNamespaces {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if _, err := c.Dyn.Resource(Namespaces).Create(ctx, u, metav1.CreateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(opts.DryRun)}); err != nil {
			return &errs.StepError{Where: stoppedAt("namespace "+ns, nil, stepNames(plan.Steps)), Err: err}
		}
		fmt.Fprintf(opts.Progress, "namespace %s created\n", ns)
	}
	applied := opts.Applied
	if applied == nil {
		applied = func(s StackStep) {
			if s.Action != Unchanged {
				fmt.Fprintf(opts.Progress, "%s/%s %s (%s %s)\n", s.Namespace, s.Name, s.Action, s.Package, s.Version)
			}
		}
	}
	waited := opts.Waited
	if waited == nil {
		waited = func(s StackStep, err error, took time.Duration) {
			if err == nil && s.Action != Unchanged {
				fmt.Fprintf(opts.Progress, "%s/%s reconciled in %s\n", s.Namespace, s.Name, took.Round(100*time.Millisecond))
			}
		}
	}
	var done []string
	fail := func(i int, name string, err error) error {
		var rest []string
		for _, s := range plan.Steps[i:] {
			if s.Name != name && !slices.Contains(done, s.Name) {
				rest = append(rest, s.Name)
			}
		}
		// Explain words the cause; kapp-controller's multi-line error
		// (errs.DetailedError) keeps its lines under the "stopped at" line.
		return &errs.StepError{Where: stoppedAt(name, done, rest), Err: err}
	}
	for i := 0; i < len(plan.Steps); {
		wave := plan.Steps[i].Wave
		j := i
		for j < len(plan.Steps) && plan.Steps[j].Wave == wave {
			j++
		}
		steps := plan.Steps[i:j]
		for _, s := range steps {
			if err := c.applyStep(ctx, s, opts.DryRun); err != nil {
				return fail(i, s.Name, err)
			}
			done = append(done, s.Name)
			applied(s)
			if s.State == "Paused" {
				fmt.Fprintf(opts.Progress, "package install %s/%s is paused: kapp-controller reconciles it once resumed ('kubectl tko package installed resume %s -n %s')\n",
					s.Namespace, s.Name, s.Name, s.Namespace)
			}
		}
		if opts.Wait && !opts.DryRun {
			waitErrs := make([]error, len(steps))
			took := make([]time.Duration, len(steps))
			var wg sync.WaitGroup
			for k, s := range steps {
				if s.State == "Paused" {
					continue
				}
				progress := opts.Verbose
				if len(plan.Steps) > 1 {
					progress = Prefixed(progress, s.Name)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					_, waitErrs[k] = c.WaitInstall(ctx, s.Namespace, s.Name, WaitOptions{Timeout: opts.Timeout, Progress: progress, Updated: s.Action == Updated})
					took[k] = time.Since(start)
				}()
			}
			wg.Wait()
			for k, s := range steps {
				if s.State != "Paused" {
					waited(s, waitErrs[k], took[k])
				}
			}
			for k, s := range steps {
				var timeout *errs.TimeoutError
				switch err := waitErrs[k]; {
				case err == nil:
				case wait.Stopped(err) || errors.As(err, &timeout):
					// The wave was applied; only the wait for it was cut short.
					return &errs.StepError{Where: fmt.Sprintf("stopped waiting for %s (applied: %s; not applied: %s); kapp-controller goes on with what was applied",
						s.Name, errs.OrNone(done), errs.OrNone(stepNames(plan.Steps[j:]))), Err: err}
				default:
					done = slices.DeleteFunc(done, func(n string) bool { return n == s.Name })
					return fail(i, s.Name, err)
				}
			}
		}
		i = j
	}
	return nil
}

// applyStep creates, updates or leaves one install as planned.
func (c *Client) applyStep(ctx context.Context, s StackStep, dryRun bool) error {
	switch s.Action {
	case Created:
		objs, err := s.Spec.Plan()
		if err != nil {
			return err
		}
		_, err = c.Apply(ctx, objs, dryRun)
		return err
	case Updated:
		return c.ApplyUpdate(ctx, s.update, dryRun)
	}
	return nil
}

func stepNames(steps []StackStep) []string {
	out := make([]string, 0, len(steps))
	for _, s := range steps {
		out = append(out, s.Name)
	}
	return out
}

// Prefixed writes each line with "name: " in front, safely from several
// goroutines (nil stays nil): progress of concurrent waits.
func Prefixed(w io.Writer, name string) io.Writer {
	if w == nil {
		return nil
	}
	return &prefixWriter{w: w, prefix: name + ": "}
}

type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := io.WriteString(p.w, p.prefix+string(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
