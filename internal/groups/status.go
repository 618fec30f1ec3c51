package groups

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// The states of an intent in a member, besides kapp-controller's own
// (ReconcileSucceeded, ReconcileFailed, Reconciling, Deleting, ...).
const (
	StateInSync       = "ReconcileSucceeded"
	StateMissing      = "Missing"      // no App: the member joined after the last sync
	StateNoKubeconfig = "NoKubeconfig" // the member has no kubeconfig Secret
	StateStale        = "Stale"        // an App whose member left, or whose intent was detached
	StateConflict     = "Conflict"     // two groups hold conflicting intents in one cluster
	StateDeleting     = "Deleting"     // an App kapp-controller is deleting (detached, or its cluster left)
)

// IntentState is one intent in one member.
type IntentState struct {
	Intent  string `json:"intent"`
	App     string `json:"app,omitempty"`
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
}

// MemberStatus is a member and the state of each intent in it.
type MemberStatus struct {
	Member
	Intents []IntentState `json:"intents"`
}

// InSync counts the intents kapp-controller reconciled.
func (m MemberStatus) InSync() int {
	n := 0
	for _, in := range m.Intents {
		if in.State == StateInSync {
			n++
		}
	}
	return n
}

// Apps indexes the Apps of every group by namespace/name.
type Apps map[string]*carvel.App

// ReadApps reads the Apps of every group (or one).
func ReadApps(ctx context.Context, c *kube.Clients, group string) (Apps, error) {
	list, err := groupApps(ctx, c, group)
	if err != nil {
		return nil, err
	}
	out := Apps{}
	for _, u := range list {
		a, err := carvel.AsApp(u)
		if err != nil {
			return nil, err
		}
		out[u.GetNamespace()+"/"+u.GetName()] = a
	}
	return out, nil
}

// Members returns each member of a group with the state of each intent.
func (apps Apps) Members(e *Estate, g *Group) ([]MemberStatus, error) {
	members, err := e.Members(g)
	if err != nil {
		return nil, err
	}
	out := make([]MemberStatus, 0, len(members))
	for _, m := range members {
		ms := MemberStatus{Member: m, Intents: []IntentState{}}
		for _, in := range g.Intents {
			name := AppName(g.Name, in, m)
			st := IntentState{Intent: in.ID(), App: name}
			a := apps[m.Namespace+"/"+name]
			switch {
			case !m.Kubeconfig:
				st.State, st.App = StateNoKubeconfig, ""
			case a == nil:
				st.State, st.App = StateMissing, ""
			default:
				st.State = a.Status.State(a.Object.GetGeneration(), false)
				if carvel.Failed(st.State) {
					st.Message = oneLine(a.Status.UsefulErrorMessage)
				}
			}
			ms.Intents = append(ms.Intents, st)
		}
		out = append(out, ms)
	}
	return out, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Row is one line of `group status`: something that needs a hand, or an
// App as it is.
type Row struct {
	Group   string `json:"group"`
	Cluster string `json:"cluster"`
	Intent  string `json:"intent,omitempty"`
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

// Problem reports whether a row needs a hand.
func (r Row) Problem() bool {
	return r.State != StateInSync && r.State != "Reconciling" && r.State != StateDeleting
}

// Status lists, for each group, every intent in every member, the Apps
// left behind by clusters that left, and clusters two groups hold
// conflicting intents in.
func Status(e *Estate, groups []*Group, apps Apps) ([]Row, error) {
	var rows []Row
	wanted := map[string]bool{}
	for _, g := range groups {
		members, err := apps.Members(e, g)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if len(g.Intents) == 0 {
				continue
			}
			if !m.Kubeconfig {
				rows = append(rows, Row{Group: g.Name, Cluster: m.Key(), State: StateNoKubeconfig,
					Message: fmt.Sprintf("no kubeconfig Secret %s/%s: the cluster is not provisioned, or its Secret was deleted", m.Namespace, m.SecretName()),
					Fix:     fmt.Sprintf("wait for the cluster to be provisioned (kubectl tko cluster describe %s -n %s), then run 'kubectl tko cluster group sync %s'", m.Name, m.Namespace, g.Name)})
				continue
			}
			for _, st := range m.Intents {
				wanted[m.Namespace+"/"+st.App] = true
				row := Row{Group: g.Name, Cluster: m.Key(), Intent: st.Intent, State: st.State, Message: st.Message}
				switch {
				case st.State == StateMissing:
					row.Message = "no App holds it: the cluster joined after the last sync"
					row.Fix = "kubectl tko cluster group sync " + g.Name
				case carvel.Failed(st.State):
					row.Fix = fmt.Sprintf("kubectl get app %s -n %s -o yaml (kapp-controller's full status)", st.App, m.Namespace)
				}
				rows = append(rows, row)
			}
		}
	}
	known := map[string]bool{}
	for _, g := range groups {
		known[g.Name] = true
	}
	for key, a := range apps {
		if wanted[key] {
			continue
		}
		l := a.Object.GetLabels()
		row := Row{Group: l[LabelGroup], Cluster: a.Object.GetNamespace() + "/" + l[kube.LabelCluster], Intent: l[LabelIntentKind] + "/" + l[LabelIntent], State: StateStale,
			Message: "the App of a cluster that left the group, or of an intent detached", Fix: "kubectl tko cluster group sync " + l[LabelGroup]}
		switch {
		case a.Object.GetDeletionTimestamp() != nil && a.Status.State(a.Object.GetGeneration(), false) == "DeleteFailed":
			row.State, row.Message = "DeleteFailed", oneLine(a.Status.UsefulErrorMessage)
			row.Fix = fmt.Sprintf(`kubectl get app %s -n %s -o yaml; if the cluster is gone for good: kubectl patch app %[1]s -n %[2]s --type merge -p '{"spec":{"noopDelete":true}}'`, a.Object.GetName(), a.Object.GetNamespace())
		case a.Object.GetDeletionTimestamp() != nil:
			row.State, row.Message, row.Fix = StateDeleting, "kapp-controller is deleting what the App deployed", ""
		case !known[l[LabelGroup]]:
			row.Message = "the App of a group that was deleted"
			row.Fix = fmt.Sprintf("kubectl delete app %s -n %s", a.Object.GetName(), a.Object.GetNamespace())
		}
		rows = append(rows, row)
	}
	for _, c := range Conflicts(e, groups) {
		rows = append(rows, Row{Group: c.Groups[0] + "," + c.Groups[1], Cluster: c.Cluster, Intent: c.Intents[0] + "," + c.Intents[1], State: StateConflict,
			Message: c.Reason, Fix: fmt.Sprintf("detach one of them, or change the cluster's labels so that only one of groups %s and %s selects it", c.Groups[0], c.Groups[1])})
	}
	sortRows(rows)
	return rows, nil
}

func sortRows(rows []Row) {
	less := func(a, b Row) int {
		return strings.Compare(a.Group+"\x00"+a.Cluster+"\x00"+a.Intent, b.Group+"\x00"+b.Cluster+"\x00"+b.Intent)
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && less(rows[j-1], rows[j]) > 0; j-- {
			rows[j-1], rows[j] = rows[j], rows[j-1]
		}
	}
}

// Conflict is a cluster two groups hold intents in that cannot both hold.
type Conflict struct {
	Cluster string
	Groups  [2]string
	Intents [2]string
	Reason  string
}

// conflicting says why two intents cannot both be kept in one cluster
// ("" when they can): objects of the same name, or two security (Pod
// Security levels) or two quota policies over the namespaces.
func conflicting(a, b Intent) string {
	if a.Kind == b.Kind && a.Name == b.Name {
		return fmt.Sprintf("both deploy %s %s: objects of the same name", a.Kind, a.Name)
	}
	for _, p := range a.Installs() {
		for _, q := range b.Installs() {
			if p.RefName == q.RefName {
				return fmt.Sprintf("%s %s and %s %s both install %s", a.Kind, a.Name, b.Kind, b.Name, p.RefName)
			}
		}
	}
	if a.Policy != nil && b.Policy != nil && a.Policy.Spec.Type == b.Policy.Spec.Type {
		switch a.Policy.Spec.Type {
		case policy.TypeSecurity:
			return fmt.Sprintf("security policies %s and %s would set Pod Security levels on the same namespaces", a.Name, b.Name)
		case policy.TypeQuota:
			return fmt.Sprintf("quota policies %s and %s would each set a quota on the same namespaces", a.Name, b.Name)
		}
	}
	return ""
}

// Conflicts lists clusters that two groups select and hold conflicting
// intents in.
func Conflicts(e *Estate, groups []*Group) []Conflict {
	var out []Conflict
	for i, g := range groups {
		for _, h := range groups[i+1:] {
			out = append(out, conflictsBetween(e, g, h, g.Intents)...)
		}
	}
	return out
}

func conflictsBetween(e *Estate, g, h *Group, intents []Intent) []Conflict {
	gm, err1 := e.Members(g)
	hm, err2 := e.Members(h)
	if err1 != nil || err2 != nil {
		return nil
	}
	inH := map[string]bool{}
	for _, m := range hm {
		inH[m.Key()] = true
	}
	var out []Conflict
	for _, m := range gm {
		if !inH[m.Key()] {
			continue
		}
		for _, a := range intents {
			for _, b := range h.Intents {
				if reason := conflicting(a, b); reason != "" {
					out = append(out, Conflict{Cluster: m.Key(), Groups: [2]string{g.Name, h.Name}, Intents: [2]string{a.ID(), b.ID()}, Reason: reason})
				}
			}
		}
	}
	return out
}

// CheckAttach refuses an intent that conflicts with one the group holds
// already, or with one of another group that selects a member too, naming
// both groups. The same intent attached again is an update, not a conflict.
func CheckAttach(e *Estate, groups []*Group, g *Group, in Intent) error {
	for _, held := range g.Intents {
		if held.Kind == in.Kind && held.Name == in.Name {
			// Who owns the namespaces cannot change under kapp: dropped from
			// an App, a held namespace is orphaned with kapp's marks on it;
			// added, an existing one is adopted mid-way. Detach does either
			// cleanly.
			if held.HoldLabels != in.HoldLabels {
				return errs.Invalidf("group %s holds %s %s: detach it, then attach it again %s; nothing was attached",
					g.Name, held.ID(), holding(held.HoldLabels), holding(in.HoldLabels))
			}
			continue
		}
		if held.Name == in.Name {
			return errs.Invalidf("group %s holds %s already: intents of a group need distinct names", g.Name, held.ID())
		}
		if reason := conflicting(in, held); reason != "" {
			return errs.Invalidf("group %s holds %s already: %s; detach it first", g.Name, held.ID(), reason)
		}
	}
	for _, h := range groups {
		if h.Name == g.Name {
			continue
		}
		if cs := conflictsBetween(e, g, h, []Intent{in}); len(cs) > 0 {
			c := cs[0]
			return errs.Invalidf("cluster %s is in groups %s and %s: %s of group %s conflicts with %s of group %s (%s); nothing was attached",
				c.Cluster, g.Name, h.Name, in.ID(), g.Name, c.Intents[1], h.Name, c.Reason)
		}
	}
	return nil
}

func holding(hold bool) string {
	if hold {
		return "with --hold-namespace-labels"
	}
	return "without --hold-namespace-labels"
}

// Detach removes an intent from a group and deletes its Apps; kapp-
// controller then deletes what they deployed. The group is saved first, so
// an interrupted detach converges with sync. A security policy's Pod
// Security labels are removed from the namespaces of reachable members
// (the namespaces themselves stay).
func Detach(ctx context.Context, c *kube.Clients, e *Estate, g *Group, in Intent, opts SyncOptions) ([]Change, error) {
	kept := g.Intents[:0:0]
	for _, held := range g.Intents {
		if held.Kind != in.Kind || held.Name != in.Name {
			kept = append(kept, held)
		}
	}
	g.Intents = kept
	if !opts.DryRun && !opts.ClientDryRun {
		if err := Save(ctx, c.Dynamic, g); err != nil {
			return nil, err
		}
	}
	apps, err := groupApps(ctx, c, g.Name)
	if err != nil {
		return nil, err
	}
	var out []Change
	var holding []*unstructured.Unstructured
	for _, u := range apps {
		if u.GetLabels()[LabelIntent] != in.Name || u.GetLabels()[LabelIntentKind] != in.Kind {
			continue
		}
		ch := Change{Cluster: u.GetNamespace() + "/" + u.GetLabels()[kube.LabelCluster], Intent: in.ID(), App: u, Verb: "deleted"}
		if !opts.ClientDryRun {
			ch.Err = deleteApp(ctx, c, e, u, opts.DryRun)
		}
		if ch.Err == nil && u.GetLabels()[LabelHoldsNamespaces] == "true" {
			holding = append(holding, u)
		}
		out = append(out, ch)
	}
	// kapp orphans the namespaces as it deletes the App: the labels go after.
	for _, u := range holding {
		if !opts.DryRun && !opts.ClientDryRun {
			waitGone(ctx, c, u, time.Minute)
		}
	}
	if in.Policy != nil && in.Policy.Spec.Type == policy.TypeSecurity && !opts.ClientDryRun {
		members, _ := e.Members(&Group{Name: g.Name, Selector: g.Selector})
		for _, m := range members {
			if !m.Kubeconfig {
				continue
			}
			ch := Change{Cluster: m.Key(), Intent: in.ID(), Verb: "unlabelled"}
			member, err := opts.Member(ctx, m)
			if err == nil {
				ch.Note, err = unlabel(ctx, member, in.Policy.Name(), opts.DryRun)
			}
			ch.Err = err
			out = append(out, ch)
		}
	}
	return out, nil
}

// unlabel removes a security policy's Pod Security labels from the
// namespaces it labelled, and says which.
func unlabel(ctx context.Context, member *kube.Clients, name string, dryRun bool) (string, error) {
	nss, err := policy.UnlabelNamespaces(ctx, member.Dynamic, name, dryRun)
	if err != nil {
		return "", err
	}
	if err := forgetKapp(ctx, member.Dynamic, nss, dryRun); err != nil {
		return "", err
	}
	if len(nss) == 0 {
		return "", nil
	}
	return "Pod Security labels removed from namespace(s) " + strings.Join(nss, ", "), nil
}

// IntentIDs lists the intent IDs of a group, for tables.
func (g *Group) IntentIDs() []string {
	out := make([]string, 0, len(g.Intents))
	for _, in := range g.Intents {
		out = append(out, in.ID())
	}
	return out
}
