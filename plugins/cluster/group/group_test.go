package group_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// v1302 selects wc-prod-1 (with a kubeconfig Secret) and wc-failed
// (without one) of the seeded estate; the management cluster never.
const v1302 = "tanzuKubernetesRelease=v1.30.2---vmware.1-tkg.1"

func withGroup(name, selector string, intents ...groups.Intent) func(s *clitest.Server) {
	return func(s *clitest.Server) {
		s.AddYAML("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tko-system\n")
		g := &groups.Group{Name: name, Selector: selector, Intents: intents}
		s.Add(g.ConfigMap())
	}
}

func securityIntent(name string) groups.Intent {
	p := &policy.Policy{APIVersion: policy.APIVersion, Kind: policy.Kind}
	p.Metadata.Name = name
	p.Spec = policy.Spec{Type: policy.TypeSecurity, Recipe: "baseline", Parameters: policy.Parameters{DenyPrivileged: true}, Scope: policy.NamespaceScope{Namespaces: []string{"team-a"}}}
	return groups.Intent{Kind: groups.KindPolicy, Name: name, SyncPeriod: "1m0s", Policy: p}
}

func TestGroupCreateGetDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "create", Args: []string{"group", "create", "prod", "--selector", v1302},
			Stdout: []string{"clustergroup.tko.tanzu.vmware.com/prod created\n"}, Stderr: []string{"2 member(s) now"},
			Check: clitest.Stored("configmaps", "tko-system/prod", v1302, "data", "selector")},
		{Name: "create again", Setup: withGroup("prod", v1302), Args: []string{"group", "create", "prod", "--selector", v1302},
			Stdout: []string{"clustergroup.tko.tanzu.vmware.com/prod unchanged\n"}, NoChanges: true},
		{Name: "another selector", Setup: withGroup("prod", v1302), Args: clitest.Args("group create prod --selector env=prod"),
			Code: 2, Stderr: []string{`cluster group prod exists with selector "` + v1302 + `"`}, NoChanges: true},
		{Name: "matches nothing", Args: clitest.Args("group create empty --selector env=nowhere"),
			Stderr: []string{`Warning: selector "env=nowhere" matches no workload cluster yet`}, Check: clitest.Present("configmaps", "tko-system/empty")},
		{Name: "selector does not parse", Args: []string{"group", "create", "bad", "--selector", "a in (b"}, Code: 2, Stderr: []string{"does not parse"}, NoRequests: true},
		{Name: "bad name", Args: clitest.Args("group create Bad_Name --selector a=b"), Code: 2, NoRequests: true},
		{Name: "get", Setup: withGroup("prod", v1302, securityIntent("base")), Args: clitest.Args("group get prod"),
			Stdout: []string{"Selector:  " + v1302, "policy/base", "security policy: baseline; deny privileged", "default/wc-prod-1\tAvailable\tv1.30.2+vmware.1\tpolicy/base\t0/1", "team-a/wc-failed\tFailed"}},
		{Name: "get as yaml", Setup: withGroup("prod", v1302, securityIntent("base")), Args: clitest.Args("group get prod -o yaml"),
			Stdout: []string{"kind: ClusterGroup\n", "recipe: baseline\n", "state: Missing\n", "state: NoKubeconfig\n"}},
		{Name: "get unknown", Args: clitest.Args("group get nope"), Code: 3, Stderr: []string{`cluster group "nope" not found`}},
		{Name: "list", Setup: withGroup("prod", v1302), Args: clitest.Args("group list"),
			Stdout: []string{"GROUP\tCLUSTER\tHEALTH\tVERSION\tINTENTS\tIN SYNC\n", "prod\tdefault/wc-prod-1\tAvailable\tv1.30.2+vmware.1\t-\t-\n"}},
		{Name: "list none", Args: clitest.Args("group list"), Stderr: []string{"No cluster groups found"}},
		{Name: "list as json", Setup: withGroup("prod", v1302), Args: clitest.Args("group list -o json"), Stdout: []string{`"kind": "ClusterGroup"`, `"name": "wc-prod-1"`}},
		{Name: "delete", Setup: withGroup("prod", v1302), Args: clitest.Args("group delete prod"),
			Stdout: []string{"clustergroup.tko.tanzu.vmware.com/prod deleted\n"}, Check: clitest.Gone("configmaps", "tko-system/prod")},
		{Name: "delete unknown", Args: clitest.Args("group delete nope"), Code: 3, NoChanges: true},
	})
}

func TestGroupAttach(t *testing.T) {
	attach := clitest.Args("group attach prod policy security base --level baseline --deny-privileged --namespaces team-a --sync-period 30s")
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "policy", Setup: withGroup("prod", v1302), Args: attach,
			Stdout: []string{"cluster default/wc-prod-1: policy/base: app.kappctrl.k14s.io/tko-prod-base-wc-prod-1 created\n"},
			Stderr: []string{"Warning: cluster team-a/wc-failed skipped: no kubeconfig Secret team-a/wc-failed-kubeconfig"},
			Check: clitest.All(
				clitest.Stored("apps", "default/tko-prod-base-wc-prod-1", "wc-prod-1-kubeconfig", "spec", "cluster", "kubeconfigSecretRef", "name"),
				clitest.Stored("apps", "default/tko-prod-base-wc-prod-1", "30s", "spec", "syncPeriod"),
				// Pod Security labels are set directly, the namespace is not in the App.
				clitest.Stored("namespaces", "team-a", "baseline", "metadata", "labels", "pod-security.kubernetes.io/enforce"),
				appHolds("default/tko-prod-base-wc-prod-1", []string{"kind: ValidatingAdmissionPolicy\n", "kind: ValidatingAdmissionPolicyBinding\n", "tko.tanzu.vmware.com/group: prod"}, []string{"kind: Namespace"}),
			)},
		{Name: "again", Setup: func(s *clitest.Server) {
			withGroup("prod", v1302)(s)
			clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.WriteKubeconfig(t, clitest.Config(s))}.Run(t, attach...)
		}, Args: attach, Stdout: []string{"tko-prod-base-wc-prod-1 unchanged\n"}},
		{Name: "client dry run", Setup: withGroup("prod", v1302), Args: append(attach, "--dry-run", "-o", "yaml"), Stdout: []string{"kind: App\n"}, NoChanges: true},
		{Name: "wait sees kapp-controller fail", Setup: func(s *clitest.Server) {
			withGroup("prod", v1302)(s)
			// Plays kapp-controller: the App's status, as its reconcile writes it.
			s.After("patch", "apps", func(r clitest.Request) {
				u := r.Object
				u.Object["status"] = map[string]any{"observedGeneration": u.GetGeneration(), "usefulErrorMessage": "kapp: Error: cluster unreachable",
					"conditions": []any{map[string]any{"type": "ReconcileFailed", "status": "True"}}}
				s.Add(u)
			})
		}, Args: append(attach, "--wait", "--timeout", "20s"), Code: 1, Stderr: []string{"app default/tko-prod-base-wc-prod-1: kapp-controller could not deploy it (ReconcileFailed)", "kapp: Error: cluster unreachable"}},
		{Name: "unknown group", Args: attach, Code: 3, Stderr: []string{`cluster group "prod" not found`}, NoChanges: true},
		{Name: "kapp-controller absent", Setup: func(s *clitest.Server) { withGroup("prod", v1302)(s); s.Unserve("data.packaging.carvel.dev") },
			Args: attach, Code: 3, Stderr: []string{"error: kapp-controller does not run in this management cluster"}, NoChanges: true},
		{Name: "conflict with another group", Setup: func(s *clitest.Server) {
			withGroup("prod", v1302)(s)
			withGroup("everyone", "tkg.tanzu.vmware.com/cluster-name", securityIntent("strict"))(s)
		}, Args: attach, Code: 2, Stderr: []string{"cluster default/wc-prod-1 is in groups prod and everyone: policy/base of group prod conflicts with policy/strict of group everyone"}, NoChanges: true},
		{Name: "bad policy", Setup: withGroup("prod", v1302), Args: clitest.Args("group attach prod policy quota q --size huge"), Code: 2, Stderr: []string{`"huge" is not a recipe`}, NoRequests: true},
		{Name: "flag of the other kind", Args: clitest.Args("group attach prod policy security base --level baseline --schedule @daily"), Code: 2, Stderr: []string{"--schedule does not apply to a policy intent"}, NoRequests: true},
		{Name: "sync period too short", Args: clitest.Args("group attach prod policy security base --level baseline --sync-period 1s"), Code: 2, NoRequests: true},
		{Name: "schedule", Setup: withGroup("prod", v1302), Args: []string{"group", "attach", "prod", "backup-schedule", "nightly", "--schedule", "0 2 * * *", "--ttl", "168h"},
			Stdout: []string{"app.kappctrl.k14s.io/tko-prod-nightly-wc-prod-1 created\n"},
			Check:  appHolds("default/tko-prod-nightly-wc-prod-1", []string{"kind: Schedule\n", "schedule: 0 2 * * *\n"}, nil)},
	})
}

func TestGroupDetachSyncStatus(t *testing.T) {
	withApp := func(s *clitest.Server) {
		withGroup("prod", v1302, securityIntent("base"))(s)
		clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.WriteKubeconfig(t, clitest.Config(s))}.Run(t, "group", "sync", "prod")
	}
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "sync creates the missing App", Setup: withGroup("prod", v1302, securityIntent("base")), Args: clitest.Args("group sync prod"),
			Stdout: []string{"tko-prod-base-wc-prod-1 created\n"}, Check: clitest.Present("apps", "default/tko-prod-base-wc-prod-1")},
		{Name: "sync removes the App of a cluster that left", Setup: func(s *clitest.Server) {
			withApp(s)
			// The group now selects another cluster only.
			s.Add((&groups.Group{Name: "prod", Selector: "tanzuKubernetesRelease=v1.29.9---vmware.1-tkg.1", Intents: []groups.Intent{securityIntent("base")}}).ConfigMap())
		}, Args: clitest.Args("group sync prod"),
			Stdout: []string{"cluster default/wc-prod-1: policy/base: app.kappctrl.k14s.io/tko-prod-base-wc-prod-1 deleted\n", "cluster team-a/wc-team-a: policy/base: app.kappctrl.k14s.io/tko-prod-base-wc-team-a created\n"},
			// Here every member is the same API server: the leaver's labels
			// go first, then wc-team-a's sync sets them again.
			Check: clitest.All(clitest.Gone("apps", "default/tko-prod-base-wc-prod-1"),
				clitest.Stored("namespaces", "team-a", "baseline", "metadata", "labels", "pod-security.kubernetes.io/enforce"))},
		{Name: "sync takes the Pod Security labels off a cluster that left", Setup: func(s *clitest.Server) {
			withApp(s)
			s.Add((&groups.Group{Name: "prod", Selector: "env=nowhere", Intents: []groups.Intent{securityIntent("base")}}).ConfigMap())
		}, Args: clitest.Args("group sync prod"), Stdout: []string{"tko-prod-base-wc-prod-1 deleted\n"},
			Check: clitest.All(clitest.Present("namespaces", "team-a"), clitest.Stored("namespaces", "team-a", nil, "metadata", "labels", "pod-security.kubernetes.io/enforce"))},
		{Name: "status", Setup: withApp, Args: clitest.Args("group status"), Code: 1,
			Stdout: []string{"prod\tdefault/wc-prod-1\tpolicy/base\t", "prod\tteam-a/wc-failed\t-\tNoKubeconfig\tno kubeconfig Secret team-a/wc-failed-kubeconfig"}},
		{Name: "status of a missing App", Setup: withGroup("prod", v1302, securityIntent("base")), Args: clitest.Args("group status prod --problems"), Code: 1,
			Stdout: []string{"prod\tdefault/wc-prod-1\tpolicy/base\tMissing\t", "kubectl tko cluster group sync prod"}},
		{Name: "status of a failing App", Setup: func(s *clitest.Server) {
			withApp(s)
			app := s.Object("apps", "default", "tko-prod-base-wc-prod-1")
			app.Object["status"] = map[string]any{"observedGeneration": app.GetGeneration(), "usefulErrorMessage": "kapp: Error: Applying create validatingadmissionpolicy:\n  forbidden",
				"conditions": []any{map[string]any{"type": "ReconcileFailed", "status": "True"}}}
			s.Add(app)
		}, Args: clitest.Args("group status prod"), Code: 1, Stdout: []string{"ReconcileFailed\tkapp: Error: Applying create validatingadmissionpolicy: forbidden\t"}},
		{Name: "status of an App of a deleted group", Setup: func(s *clitest.Server) {
			withApp(s)
			s.Remove("configmaps", "tko-system", "prod")
		}, Args: clitest.Args("group status"), Code: 1,
			Stdout: []string{"prod\tdefault/wc-prod-1\tpolicy/base\tStale\tthe App of a group that was deleted\tkubectl delete app tko-prod-base-wc-prod-1 -n default\n"}},
		{Name: "detach", Setup: withApp, Args: clitest.Args("group detach prod policy base"),
			Stdout: []string{"app.kappctrl.k14s.io/tko-prod-base-wc-prod-1 deleted\n", "Pod Security labels removed from namespace(s) team-a"},
			Check: clitest.All(clitest.Gone("apps", "default/tko-prod-base-wc-prod-1"), clitest.Present("namespaces", "team-a"),
				clitest.Stored("namespaces", "team-a", nil, "metadata", "labels", "pod-security.kubernetes.io/enforce"))},
		{Name: "direct policy apply on a governed cluster", Setup: withApp, Args: clitest.Args("policy apply quota q --size small --namespaces team-a --cluster wc-prod-1"),
			Code: 2, Stderr: []string{"cluster group(s) govern default/wc-prod-1 (group prod): kapp-controller holds the group's policy intents there", "or pass --force"}, Check: clitest.Gone("resourcequotas", "team-a/tko-q")},
		{Name: "direct policy apply with --force", Setup: withApp, Args: clitest.Args("policy apply quota q --size small --namespaces team-a --cluster wc-prod-1 --force"),
			Stdout: []string{"resourcequota/tko-q created"}},
		{Name: "direct policy apply on a cluster no group governs", Setup: withApp, Args: clitest.Args("policy apply quota q --size small --namespaces team-a --cluster wc-team-a -n team-a"),
			Stdout: []string{"resourcequota/tko-q created"}},
		{Name: "direct schedule create on a governed cluster", Setup: func(s *clitest.Server) {
			withApp(s)
			s.SeedVelero()
			s.Add((&groups.Group{Name: "backups", Selector: v1302, Intents: []groups.Intent{{Kind: groups.KindSchedule, Name: "nightly", SyncPeriod: "1m0s",
				Schedule: map[string]any{"apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": map[string]any{"name": "nightly", "namespace": "velero"}}}}}).ConfigMap())
		}, Args: []string{"backup", "schedule", "create", "hourly", "--schedule", "@hourly", "--cluster", "wc-prod-1"},
			Code: 2, Stderr: []string{"cluster group(s) govern default/wc-prod-1 (group backups): kapp-controller holds the group's backup-schedule intents there"}},
		{Name: "cluster delete drops the cluster's Apps", Setup: withApp, Args: clitest.Args("delete wc-prod-1 --yes"),
			Stdout: []string{"app.kappctrl.k14s.io/tko-prod-base-wc-prod-1 deleted (cluster group App of cluster wc-prod-1)\n"},
			Check:  clitest.Gone("apps", "default/tko-prod-base-wc-prod-1")},
		{Name: "cluster create names the groups it joins", Setup: withGroup("new", "tkg.tanzu.vmware.com/cluster-name=wc-new", securityIntent("base")), Stdin: newCluster,
			Args: clitest.Args("create -f -"), Stderr: []string{"cluster wc-new joins cluster group(s) new: once it is provisioned, 'kubectl tko cluster group sync' gives it their intents (or create it with --wait)"}},
		{Name: "cluster create --wait is born with its groups' intents", Setup: func(s *clitest.Server) {
			withGroup("new", "tkg.tanzu.vmware.com/cluster-name=wc-new", securityIntent("base"))(s)
			clustertest.Provision(s)
			// The kubeconfig Secret Cluster API writes once the control
			// plane is up; the member is this server.
			s.AddWorkloadCluster("default", "wc-new", s)
		}, Stdin: newCluster, Args: clitest.Args("create -f - --wait --timeout 30s"),
			Stderr: []string{"cluster wc-new joins cluster group(s) new: their intents are written once it is Available\n"},
			Stdout: []string{"cluster default/wc-new: policy/base: app.kappctrl.k14s.io/tko-new-base-wc-new created\n"},
			Check:  clitest.Present("apps", "default/tko-new-base-wc-new")},
		{Name: "detach unknown", Setup: withApp, Args: clitest.Args("group detach prod policy nope"), Code: 3, Stderr: []string{`policy "nope" not found: group prod holds policy/base`}},
	})
}

// newCluster is a TKG cluster configuration of a cluster wc-new.
const newCluster = `CLUSTER_NAME: wc-new
CLUSTER_PLAN: prod
AVI_CONTROL_PLANE_HA_PROVIDER: true
VSPHERE_SERVER: vcsa-01
VSPHERE_USERNAME: administrator@vsphere.local
VSPHERE_PASSWORD: "VMware1!"
VSPHERE_DATACENTER: /dc-01
VSPHERE_DATASTORE: /dc-01/datastore/ds
VSPHERE_NETWORK: /dc-01/network/seg
VSPHERE_RESOURCE_POOL: /dc-01/host/c/Resources
VSPHERE_FOLDER: /dc-01/vm
KUBERNETES_VERSION: v1.30.2+vmware.1
`

// appHolds checks what an App deploys.
func appHolds(key string, want, absent []string) clitest.CheckFunc {
	return func(t *testing.T, s *clitest.Server, _ clitest.Result) {
		t.Helper()
		paths, _ := s.Field("apps", key, "spec", "fetch").([]any)
		if len(paths) != 1 {
			t.Fatalf("app %s fetches %v", key, paths)
		}
		inline, _ := paths[0].(map[string]any)["inline"].(map[string]any)["paths"].(map[string]any)
		var all string
		for _, v := range inline {
			all += v.(string)
		}
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("app %s does not deploy %q:\n%s", key, w, all)
			}
		}
		for _, a := range absent {
			if strings.Contains(all, a) {
				t.Errorf("app %s deploys %q:\n%s", key, a, all)
			}
		}
	}
}
