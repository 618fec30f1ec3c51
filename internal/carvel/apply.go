package carvel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
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
	var problems []string
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
			cat := plan.catalogByNS[ns]
			if cat == nil {
				if cat, err = c.LoadCatalog(ctx, ns); err != nil {
					return nil, err
				}
				plan.catalogByNS[ns] = cat
			}
			pkg, err := cat.Resolve(in.Package, in.Version, in.VersionConstraint)
			if err != nil {
				msg, _ := explain.Explain(err)
				problems = append(problems, fmt.Sprintf("line %d: %s: %s", in.Line, in.Name, msg))
				continue
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
					msg, _ := explain.Explain(err)
					problems = append(problems, fmt.Sprintf("line %d: %s: %s", in.Line, in.Name, msg))
					continue
				}
			}
			for _, p := range vals.Validate(pkg.Spec.ValuesSchema.OpenAPIv3) {
				if p.File == "" {
					p.Path = "values." + p.Path
				}
				problems = append(problems, fmt.Sprintf("line %d: %s: %s", in.Line, in.Name, p))
			}
			constraint := pkg.Spec.Version
			if in.VersionConstraint != "" {
				constraint = in.VersionConstraint
			}
			spec := &InstallSpec{Name: in.Name, Namespace: ns, Package: pkg, Constraint: constraint, Values: vals, RBAC: RBACClusterAdmin}
			step := StackStep{Wave: w + 1, Name: in.Name, Namespace: ns, Package: in.Package, Version: pkg.Spec.Version, DependsOn: in.DependsOn, Spec: spec, Action: Created}
			cur, err := c.GetInstall(ctx, ns, in.Name)
			var nf *errs.NotFoundError
			switch {
			case errors.As(err, &nf):
			case err != nil:
				return nil, err
			default:
				up, err := c.PlanUpdate(ctx, cur, spec)
				if err != nil {
					problems = append(problems, fmt.Sprintf("line %d: %s", in.Line, err))
					continue
				}
				step.update, step.Changes, step.State = up, up.Changes, cur.State()
				step.Action = Unchanged
				if len(up.Changes) > 0 {
					step.Action = Updated
				}
			}
			plan.Steps = append(plan.Steps, step)
		}
	}
	if len(problems) > 0 {
		return nil, &errs.InputError{File: st.File, Err: fmt.Errorf("%d problem(s), nothing was applied: %s", len(problems), strings.Join(problems, "; "))}
	}
	return plan, nil
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

// StackError says where an apply stopped and what was and was not applied.
type StackError struct {
	Failed     string
	Err        error
	Applied    []string
	NotApplied []string
}

func (e *StackError) Error() string {
	msg, _ := explain.Explain(e.Err)
	return e.where() + ": " + msg
}

func (e *StackError) where() string {
	applied, notApplied := "none", "none"
	if len(e.Applied) > 0 {
		applied = strings.Join(e.Applied, ", ")
	}
	if len(e.NotApplied) > 0 {
		notApplied = strings.Join(e.NotApplied, ", ")
	}
	return fmt.Sprintf("stopped at %s (applied: %s; not applied: %s)", e.Failed, applied, notApplied)
}

// ApplyOptions says how to apply a stack.
type ApplyOptions struct {
	Wait     bool
	Timeout  time.Duration // per install
	Progress io.Writer     // one line per event; never nil
	Verbose  io.Writer     // App stage lines (a TTY); may be nil
}

// ApplyStack applies a planned stack wave by wave: the installs of a wave
// together, then (with Wait) until each is reconciled before the next
// wave starts. It stops at the first failure.
func (c *Client) ApplyStack(ctx context.Context, plan *StackPlan, opts ApplyOptions) error {
	for _, ns := range plan.NewNamespaces {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if _, err := c.Dyn.Resource(Namespaces).Create(ctx, u, metav1.CreateOptions{FieldManager: kube.FieldManager}); err != nil {
			return &StackError{Failed: "namespace " + ns, Err: err, NotApplied: stepNames(plan.Steps)}
		}
		fmt.Fprintf(opts.Progress, "namespace %s created\n", ns)
	}
	var applied []string
	fail := func(i int, name string, err error) error {
		var rest []string
		for _, s := range plan.Steps[i:] {
			if s.Name != name && !slices.Contains(applied, s.Name) {
				rest = append(rest, s.Name)
			}
		}
		serr := &StackError{Failed: name, Err: err, Applied: applied, NotApplied: rest}
		var detailed *errs.DetailedError
		if errors.As(err, &detailed) {
			// Keep kapp-controller's multi-line error readable.
			return &errs.DetailedError{Summary: serr.where() + ": " + detailed.Summary, Detail: detailed.Detail}
		}
		return serr
	}
	for i := 0; i < len(plan.Steps); {
		wave := plan.Steps[i].Wave
		j := i
		for j < len(plan.Steps) && plan.Steps[j].Wave == wave {
			j++
		}
		steps := plan.Steps[i:j]
		for _, s := range steps {
			var err error
			switch s.Action {
			case Created:
				var objs []Object
				if objs, err = s.Spec.Plan(); err == nil {
					_, err = c.Apply(ctx, objs, false)
				}
			case Updated:
				err = c.ApplyUpdate(ctx, s.update)
			}
			if err != nil {
				return fail(i, s.Name, err)
			}
			applied = append(applied, s.Name)
			if s.Action != Unchanged {
				fmt.Fprintf(opts.Progress, "%s/%s %s (%s %s)\n", s.Namespace, s.Name, s.Action, s.Package, s.Version)
			}
		}
		if opts.Wait {
			errs := make([]error, len(steps))
			var wg sync.WaitGroup
			for k, s := range steps {
				if s.State == "Paused" {
					fmt.Fprintf(opts.Progress, "%s/%s is paused: not waited for (resume it with 'kubectl tko package installed resume')\n", s.Namespace, s.Name)
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					_, errs[k] = c.WaitInstall(ctx, s.Namespace, s.Name, WaitOptions{Timeout: opts.Timeout, Progress: Prefixed(opts.Verbose, s.Name)})
					if errs[k] == nil && s.Action != Unchanged {
						fmt.Fprintf(opts.Progress, "%s/%s reconciled in %s\n", s.Namespace, s.Name, time.Since(start).Round(100*time.Millisecond))
					}
				}()
			}
			wg.Wait()
			for k, s := range steps {
				if errs[k] != nil {
					applied = slices.DeleteFunc(applied, func(n string) bool { return n == s.Name })
					return fail(i, s.Name, errs[k])
				}
			}
		}
		i = j
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
