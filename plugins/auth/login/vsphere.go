package login

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// vsphereLogin is the state of `auth login --vsphere`.
type vsphereLogin struct {
	Login  kc.VSphereLogin
	Server vsphere.Server
	Guest  *vsphere.Guest
	HTTP   vsphere.HTTPOptions
	Now    func() time.Time
}

// validateVSphere checks the vSphere flags before anything is sent.
func (o *Options) validateVSphere() error {
	v := &o.vsphere
	v.Login.Server = o.Factory.Overrides.ClusterInfo.Server
	if v.Login.Server == "" {
		return cmdutil.FlagErrorf("--vsphere needs --server SUPERVISOR, the Supervisor's address")
	}
	server, err := vsphere.ParseServer(v.Login.Server)
	if err != nil {
		return cmdutil.Usagef("--server: %v", err)
	}
	v.Server = server
	if v.Login.User == "" {
		return cmdutil.FlagErrorf("--vsphere needs --vsphere-username (-u), e.g. administrator@vsphere.local")
	}
	if (v.Login.GuestName == "") != (v.Login.GuestNamespace == "") {
		return cmdutil.FlagErrorf("--tanzu-kubernetes-cluster-name and --tanzu-kubernetes-cluster-namespace go together")
	}
	if v.Login.GuestName != "" {
		v.Guest = &vsphere.Guest{Namespace: v.Login.GuestNamespace, Name: v.Login.GuestName}
	}
	if v.HTTP, v.Login.CAFile, err = common.VSphereHTTP(o.Factory); err != nil {
		return err
	}
	v.Login.Insecure = v.HTTP.Insecure
	if v.Now == nil {
		v.Now = time.Now
	}
	// By hand, the password must have somewhere to come from.
	if o.ExecInfo == nil && o.Getenv(common.PasswordEnv) == "" && !cmdutil.IsTerminal(o.Streams.In) {
		return common.NoPassword()
	}
	return nil
}

func (o *Options) runVSphere(ctx context.Context) error {
	store, err := vsphere.NewStore("")
	if err != nil {
		return err
	}
	defer common.PrintVSphereNotices(o.Streams.ErrOut, store)
	hc, err := vsphere.NewHTTPClient(o.vsphere.HTTP)
	if err != nil {
		return cmdutil.Usagef("--certificate-authority: %v", err)
	}
	if o.ExecInfo != nil {
		err = o.execCredential(ctx, hc, store)
	} else {
		err = o.loginByHand(ctx, hc, store)
	}
	return common.WordVSphere(err, o.vsphere.Login)
}

// execCredential is the exec plugin: the cached session while it lasts
// (no network call), else a new login with the password of the
// environment or the terminal, else the error that says how to log in.
func (o *Options) execCredential(ctx context.Context, hc *http.Client, store *vsphere.Store) error {
	v := &o.vsphere
	server, user := v.Server.String(), v.Login.User
	sess, err := store.Get(server, user, v.Guest)
	if err != nil {
		return err
	}
	if !sess.Valid(v.Now(), vsphere.Margin) {
		if sess, err = o.relogin(ctx, hc, store, sess); err != nil {
			return err
		}
	}
	out, err := oidc.ExecCredential(o.ExecInfo, &oidc.Credential{Token: sess.Token, Expiry: sess.Expiry})
	if err != nil {
		return err
	}
	_, err = o.Streams.Out.Write(append(out, '\n'))
	return err
}

func (o *Options) relogin(ctx context.Context, hc *http.Client, store *vsphere.Store, old *vsphere.Session) (*vsphere.Session, error) {
	v := &o.vsphere
	var sess *vsphere.Session
	// A guest cluster's session comes from a live Supervisor session
	// without asking anyone.
	if v.Guest != nil {
		sup, err := store.Get(v.Server.String(), v.Login.User, nil)
		if err != nil {
			return nil, err
		}
		if sup.Valid(v.Now(), vsphere.Margin) {
			sess, err = vsphere.Exchange(ctx, hc, v.Server, sup, v.Guest)
			if err != nil {
				sess = nil
			}
		}
	}
	if sess == nil {
		password, ok := "", false
		if o.ExecInfo.Spec.Interactive || o.Getenv(common.PasswordEnv) != "" {
			var err error
			if password, ok, err = common.VSpherePassword(o.Streams, v.Login.User); err != nil {
				return nil, err
			}
		}
		if !ok {
			expired := &vsphere.SessionExpiredError{Server: v.Server.String(), User: v.Login.User, Guest: v.Guest}
			if old != nil {
				expired.Expired = old.Expiry
			}
			return nil, expired
		}
		var err error
		if sess, err = vsphere.Login(ctx, hc, v.Server, vsphere.Credentials{Username: v.Login.User, Password: password}, v.Guest); err != nil {
			return nil, err
		}
	}
	return sess, store.Put(sess)
}

// loginByHand logs in and writes the kubeconfig: every check and request
// comes first, so a refused login writes nothing.
func (o *Options) loginByHand(ctx context.Context, hc *http.Client, store *vsphere.Store) error {
	v := &o.vsphere
	if err := vsphere.Detect(ctx, hc, v.Server); err != nil {
		return err
	}
	if info, ok, err := vsphere.Pinniped(ctx, hc, v.Server); err != nil {
		return err
	} else if ok {
		return o.pinnipedLogin(info)
	}
	password, ok, err := common.VSpherePassword(o.Streams, v.Login.User)
	if err != nil {
		return err
	}
	if !ok {
		return common.NoPassword()
	}
	creds := vsphere.Credentials{Username: v.Login.User, Password: password}
	sup, err := vsphere.Login(ctx, hc, v.Server, creds, nil)
	if err != nil {
		return err
	}
	cfg := vsphere.RESTConfig(v.Server, sup, v.HTTP)
	sessions := []*vsphere.Session{sup}
	var guest *vsphere.Session
	if v.Guest != nil {
		if err := vsphere.CheckGuest(ctx, cfg, *v.Guest); err != nil {
			return err
		}
		if guest, err = vsphere.Login(ctx, hc, v.Server, creds, v.Guest); err != nil {
			return err
		}
		sessions = append(sessions, guest)
	}
	namespaces, listed, err := vsphere.Namespaces(ctx, cfg)
	if err != nil {
		return err
	}
	if !listed {
		fmt.Fprintf(o.Streams.ErrOut, "warning: %s may not list Namespaces on the Supervisor: no vSphere namespace contexts were written\n", v.Login.User)
	}
	contexts, current := o.contexts(namespaces, guest)
	path := o.Factory.KubeconfigPath()
	if err := store.Put(sessions...); err != nil {
		return err
	}
	if err := kc.Merge(kc.VSphereConfig(contexts, current), path); err != nil {
		return err
	}
	fmt.Fprintf(o.Streams.Out, "Logged in to the Supervisor %s as %s (the session expires at %s).\n", v.Server, v.Login.User, sup.Expiry.UTC().Format(time.RFC3339))
	fmt.Fprintf(o.Streams.Out, "Wrote these contexts to %s:\n", path)
	for _, c := range contexts {
		fmt.Fprintf(o.Streams.Out, "   %s\n", c.Name)
	}
	fmt.Fprintf(o.Streams.Out, "Switched to context %q.\n", current)
	return nil
}

// contexts are the Supervisor's, one per vSphere namespace, and the guest
// cluster's; the current one is the guest's when there is one.
func (o *Options) contexts(namespaces []string, guest *vsphere.Session) ([]kc.VSphereContext, string) {
	v := &o.vsphere
	name := v.Server.String()
	sup := common.SupervisorCluster(v.Server, v.HTTP)
	supLogin := v.Login
	supLogin.GuestName, supLogin.GuestNamespace = "", ""
	out := []kc.VSphereContext{{Name: name, Cluster: name, Server: sup, Login: supLogin}}
	for _, ns := range namespaces {
		out = append(out, kc.VSphereContext{Name: ns, Namespace: ns, Cluster: name, Server: sup, Login: supLogin})
	}
	if guest == nil {
		return out, name
	}
	out = append(out, common.GuestContext(v.Login, guest))
	return out, guest.Guest.Name
}

// pinnipedLogin writes what `auth kubeconfig get` writes for a Pinniped
// Supervisor: a login through its issuer, no password asked here.
func (o *Options) pinnipedLogin(info vsphere.PinnipedInfo) error {
	v := &o.vsphere
	name := v.Server.String()
	plan, err := kc.PlanLogin(context.Background(), kc.PinnipedInfo{Issuer: info.Issuer, IssuerCABase: info.CABundle}, nil, nil, nil, kc.LoginRequest{NoConcierge: true})
	if err != nil {
		return err
	}
	cluster := common.SupervisorCluster(v.Server, v.HTTP)
	cfg := kc.LoginConfig(name, cluster, plan.Login)
	path := o.Factory.KubeconfigPath()
	if err := kc.Merge(cfg, path); err != nil {
		return err
	}
	fmt.Fprintf(o.Streams.Out, "The Supervisor %s logs in through Pinniped (issuer %s): no vSphere password is needed here.\n", name, info.Issuer)
	fmt.Fprintf(o.Streams.Out, "Wrote context %s to %s; the first kubectl command logs you in.\nSwitched to context %q.\n", cfg.CurrentContext, path, cfg.CurrentContext)
	return nil
}
