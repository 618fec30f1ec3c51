// Package create implements `kubectl tko cluster create`.
package create

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkg"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
	grpcommon "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `cluster create`.
type Options struct {
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Connect common.Connector
	factory *cli.Factory // for the cluster groups a cluster joins

	File  string
	Name  string
	Class string
	TKR   string
	common.Waiting

	namespaceFlag bool
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return newCmd(f, &Options{Streams: streams, Output: cli.NewOutputFlags(), Waiting: common.NewWaiting(30 * time.Minute)})
}

func newCmd(f *cli.Factory, o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create [NAME] -f FILE",
		Short: "Create a workload cluster or a TanzuKubernetesCluster from a configuration file or a manifest",
		Long: cmdutil.LongDesc(`
			Create a class-based workload cluster. FILE is either a TKG flat cluster
			configuration (UPPER_CASE variables such as CLUSTER_NAME, VSPHERE_SERVER,
			CONTROL_PLANE_MACHINE_COUNT) mapped onto a Cluster exactly as TKG maps it, or a
			Cluster manifest. Use - to read standard input.

			Before anything is created the Cluster is checked against its ClusterClass:
			every topology variable must be declared and match the class's schema,
			required variables must be set, the control plane must be odd, and the
			Kubernetes version must be a TanzuKubernetesRelease of this management
			cluster. Every problem is reported at once, with its file line. Credentials
			in the file (VSPHERE_USERNAME, VSPHERE_PASSWORD) never reach the Cluster.

			On a vSphere Supervisor, FILE may instead be a TanzuKubernetesCluster
			(run.tanzu.vmware.com v1alpha3, or v1alpha2, created as written), a Cluster
			of class tanzukubernetescluster, or a flat file of TKG's keys that mean the
			same for a TanzuKubernetesCluster (CLUSTER_NAME, NAMESPACE, CLUSTER_PLAN,
			CONTROL_PLANE_MACHINE_COUNT, WORKER_MACHINE_COUNT, CLUSTER_CIDR, SERVICE_CIDR,
			KUBERNETES_VERSION or TKR, CNI, OS_NAME) and ours, named after the TKC fields:
			VM_CLASS (or CONTROL_PLANE_VM_CLASS and WORKER_VM_CLASS), STORAGE_CLASS (or
			CONTROL_PLANE_STORAGE_CLASS and WORKER_STORAGE_CLASS), DEFAULT_STORAGE_CLASS
			and NODE_POOL_NAME (default np-1); a flat file with a VM class is a
			TanzuKubernetesCluster's, and becomes a v1alpha3 one. -n is the vSphere
			namespace. Before anything is created, every VM class must be available in
			the namespace (a VirtualMachineClass there, or a VirtualMachineClassBinding
			on vSphere 7), every storage class allowed by its ResourceQuota, the TKR
			must exist and be Compatible, node pool names unique DNS labels, the pod
			and service CIDRs apart, and the control plane 1, 3 or 5 machines; --wait
			waits until it is Ready.

			--dry-run prints the exact object that would be created. Running the same
			command again converges instead of failing.`),
		Example: cmdutil.Examples(`
			# From a TKG cluster configuration file
			kubectl tko cluster create -f wc-1.yaml

			# See what would be created
			kubectl tko cluster create -f wc-1.yaml --dry-run -o yaml

			# From standard input, waiting until it is Available
			cat wc-1.yaml | kubectl tko cluster create -f - --wait --timeout 45m

			# A TanzuKubernetesCluster in a vSphere namespace, checked and shown first
			kubectl tko cluster create tkc-2 -n vsphere-team-a -f tkc.yaml --dry-run -o yaml`),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("create takes at most one NAME, got %d", len(args))
			}
			return nil
		},
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().StringVarP(&o.File, "filename", "f", "", "Cluster configuration or manifest; - for standard input.")
	cmd.Flags().StringVar(&o.Class, "class", "", "ClusterClass to use (default: CLUSTER_CLASS, or the newest tkg-vsphere-default class in the namespace).")
	cmd.Flags().StringVar(&o.TKR, "tkr", "", "TanzuKubernetesRelease or Kubernetes version (default: TKR/KUBERNETES_VERSION, or the newest TKR).")
	o.AddWaitFlags(cmd, "Print the Cluster instead of creating it: client (default when given) or server (also checked by the API server).",
		"Wait until the cluster is Available, showing control plane and worker progress")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes NAME and whether -n was given.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		o.Name = args[0]
	}
	o.namespaceFlag = cmd.Flags().Changed("namespace")
	o.Connect = common.Connecting(f, o.Connect)
	o.factory = f
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.File == "" {
		return cmdutil.FlagErrorf("missing -f FILE (a TKG cluster configuration or a Cluster manifest; - for standard input)")
	}
	if err := o.Waiting.Validate(); err != nil {
		return err
	}
	return o.Output.Validate()
}

// Run plans, applies and reports the cluster.
func (o *Options) Run(ctx context.Context) error {
	doc, err := o.read()
	if err != nil {
		return err
	}
	c, err := o.Connect()
	if err != nil {
		return err
	}
	if tkc.Is(doc) {
		return o.runTKC(ctx, doc, c)
	}
	cluster, err := tkg.PlanCluster(ctx, c.Dyn, c.API, tkg.PlanInput{
		Doc: doc, Name: o.Name, Namespace: c.Namespace, NamespaceFromFlag: o.namespaceFlag, Class: o.Class, TKR: o.TKR,
	})
	if err != nil {
		return err
	}
	if o.DryRun.Client() {
		return o.print(cluster)
	}
	applied, verb, err := capi.ApplyCluster(ctx, c.Dyn, c.API, cluster, o.DryRun.Server())
	if err != nil {
		return err
	}
	if o.DryRun.Server() {
		return o.print(applied)
	}
	joins := groups.Joining(ctx, c.Dyn, applied.GetLabels())
	switch {
	case len(joins) > 0 && o.Wait:
		fmt.Fprintf(o.Streams.ErrOut, "cluster %s joins cluster group(s) %s: their intents are written once it is Available\n", applied.GetName(), strings.Join(joins, ", "))
	case len(joins) > 0:
		fmt.Fprintf(o.Streams.ErrOut, "cluster %s joins cluster group(s) %s: once it is provisioned, 'kubectl tko cluster group sync' gives it their intents (or create it with --wait)\n", applied.GetName(), strings.Join(joins, ", "))
	}
	if o.Output.Format() == "" {
		err = cli.PrintAction(o.Streams.Out, applied, verb, false)
	} else {
		err = o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{applied}, true)
	}
	if err != nil || !o.Wait {
		return err
	}
	stored := "was " + verb
	if verb == "unchanged" {
		stored = "is unchanged"
	}
	if err := common.WaitAvailable(ctx, o.Streams, c, applied.GetNamespace(), applied.GetName(), stored, o.Timeout); err != nil || len(joins) == 0 {
		return err
	}
	return o.joinGroups(ctx, joins)
}

// joinGroups writes the Apps of the groups a cluster created with --wait
// joined, now that its kubeconfig Secret exists: it is born with their
// intents (group sync does the same for every member, converging).
func (o *Options) joinGroups(ctx context.Context, names []string) error {
	g := grpcommon.NewOptions(o.factory, o.Streams)
	c, err := g.Connect(true)
	if err != nil {
		return err
	}
	e, err := groups.ReadEstate(ctx, c)
	if err != nil {
		return err
	}
	var all []groups.Change
	for _, name := range names {
		group, err := groups.Get(ctx, c.Dynamic, name)
		if err != nil {
			return err
		}
		changes, err := groups.Sync(ctx, c, e, group, groups.SyncOptions{Member: grpcommon.Members(c)})
		if err != nil {
			return err
		}
		all = append(all, changes...)
	}
	return grpcommon.PrintChanges(o.Streams, g.Output, all, false)
}

// read reads the one document of -f.
func (o *Options) read() (yamldoc.Document, error) {
	raw, err := yamldoc.ReadFile(o.File, o.Streams.In)
	if err != nil {
		return yamldoc.Document{}, err
	}
	docs, err := yamldoc.Parse(o.File, raw)
	if err != nil {
		return yamldoc.Document{}, err
	}
	if len(docs) != 1 {
		return yamldoc.Document{}, &errs.InputError{File: o.File, Err: fmt.Errorf("expected one document (a cluster configuration or a Cluster), found %d", len(docs))}
	}
	return docs[0], nil
}

func (o *Options) print(u *unstructured.Unstructured) error {
	o.Output.Default("yaml")
	return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{u}, true)
}
