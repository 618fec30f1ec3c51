package common

import (
	"context"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// View is groups with their members and the state of each intent in each.
type View struct {
	Groups  []*groups.Group
	Members map[string][]groups.MemberStatus
}

// ReadView reads the groups (one when name is set), the estate and the Apps.
func ReadView(ctx context.Context, c *kube.Clients, name string) (*View, error) {
	var gs []*groups.Group
	if name != "" {
		g, err := groups.Get(ctx, c.Dynamic, name)
		if err != nil {
			return nil, err
		}
		gs = []*groups.Group{g}
	} else {
		var err error
		if gs, err = groups.List(ctx, c.Dynamic); err != nil {
			return nil, err
		}
	}
	v := &View{Groups: gs, Members: map[string][]groups.MemberStatus{}}
	if len(gs) == 0 {
		return v, nil
	}
	e, err := groups.ReadEstate(ctx, c)
	if err != nil {
		return nil, err
	}
	apps := groups.Apps{}
	// Without kapp-controller's CRD there are no Apps to read: every
	// intent shows Missing.
	if c.Served.Has("kappctrl.k14s.io") {
		if apps, err = groups.ReadApps(ctx, c, name); err != nil {
			return nil, err
		}
	}
	for _, g := range gs {
		if v.Members[g.Name], err = apps.Members(e, g); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Objects are the groups as ClusterGroup objects, for -o.
func (v *View) Objects() []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(v.Groups))
	for _, g := range v.Groups {
		out = append(out, g.Object(v.Members[g.Name]))
	}
	return out
}

// Table is the global view: a row per group and member, with the member's
// health and version, the intents attached and how many kapp-controller
// holds in sync.
func (v *View) Table(out io.Writer, wide, noHeaders, withGroup bool) error {
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "GROUP", Hidden: !withGroup}, {Header: "SELECTOR", Wide: true}, {Header: "CLUSTER"}, {Header: "HEALTH"},
		{Header: "VERSION"}, {Header: "INTENTS"}, {Header: "IN SYNC"}, {Header: "MESSAGE", Wide: true}}}
	w := t.Writer(out, wide, noHeaders)
	for _, g := range v.Groups {
		intents := cmdutil.OrDash(strings.Join(g.IntentIDs(), ","))
		members := v.Members[g.Name]
		if len(members) == 0 {
			w.Write([]string{g.Name, g.Selector, "<none>", "-", "-", intents, "-", "the selector matches no workload cluster"})
			continue
		}
		for _, m := range members {
			inSync := "-"
			if len(g.Intents) > 0 {
				inSync = fmt.Sprintf("%d/%d", m.InSync(), len(g.Intents))
			}
			w.Write([]string{g.Name, g.Selector, m.Key(), cmdutil.OrDash(m.Health), cmdutil.OrDash(m.Version), intents, inSync, cmdutil.OrDash(message(m))})
		}
	}
	return w.Flush()
}

// message says what is not in sync in a member, with kapp-controller's words.
func message(m groups.MemberStatus) string {
	var parts []string
	for _, in := range m.Intents {
		if in.State == groups.StateInSync {
			continue
		}
		s := in.Intent + ": " + in.State
		if in.Message != "" {
			s += ": " + in.Message
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
