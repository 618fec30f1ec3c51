package get

import (
	"context"
	"errors"
	"strings"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// pinnipedOnly are the flags that shape a Pinniped login, which a vSphere
// SSO login has no use for.
var pinnipedOnly = []string{"validate", "issuer", "issuer-ca-bundle-data", "client-id", "scopes", "request-audience",
	"no-concierge", "upstream-identity-provider-name", "upstream-identity-provider-type", "upstream-identity-provider-flow", "skip-browser"}

// runVSphere writes the kubeconfig of a TanzuKubernetesCluster (CLUSTER in
// the vSphere namespace of -n or of the context) for the user of the
// vSphere login in use: the Supervisor session is exchanged at /wcp/login
// for the guest cluster's, which gives its API server and CA. Without
// CLUSTER it is the Supervisor's own context. Like `auth login --vsphere`,
// the kubeconfig holds no token.
func (o *Options) runVSphere(ctx context.Context, l kc.VSphereLogin) error {
	if len(o.pinnipedFlags) > 0 {
		return cmdutil.FlagErrorf("--%s shape a Pinniped login; the context in use logs in to the vSphere Supervisor %s with vSphere SSO", strings.Join(o.pinnipedFlags, ", --"), l.Server)
	}
	l.Command = o.Request.Command
	server, err := vsphere.ParseServer(l.Server)
	if err != nil {
		return cmdutil.Usagef("the kubeconfig's vSphere login names the server %q: %v", l.Server, err)
	}
	httpOpts, err := common.LoginHTTP(o.Factory, l)
	if err != nil {
		return err
	}
	if o.Cluster == "" {
		return o.deliver(server.String(), supervisorConfig(server, l, httpOpts))
	}
	ns, err := o.Factory.Namespace()
	if err != nil {
		return err
	}
	guest := &vsphere.Guest{Namespace: ns, Name: o.Cluster}
	sess, err := o.guestSession(ctx, server, l, httpOpts, guest)
	if err != nil {
		l.GuestNamespace, l.GuestName = guest.Namespace, guest.Name
		return common.WordVSphere(err, l)
	}
	supLogin := l
	supLogin.GuestNamespace, supLogin.GuestName = "", ""
	c := common.GuestContext(supLogin, sess)
	return o.deliver(o.Cluster, kc.VSphereConfig([]kc.VSphereContext{c}, c.Name))
}

// guestSession trades the live Supervisor session for the guest
// cluster's; with no live session it logs in with the password of the
// environment or the terminal, and else says how to log in again.
func (o *Options) guestSession(ctx context.Context, server vsphere.Server, l kc.VSphereLogin, httpOpts vsphere.HTTPOptions, guest *vsphere.Guest) (*vsphere.Session, error) {
	store, err := vsphere.NewStore("")
	if err != nil {
		return nil, err
	}
	defer common.PrintVSphereNotices(o.Streams.ErrOut, store)
	hc, err := vsphere.NewHTTPClient(httpOpts)
	if err != nil {
		return nil, cmdutil.Usagef("the Supervisor's CA: %v", err)
	}
	sup, err := store.Get(server.String(), l.User, nil)
	if err != nil {
		return nil, err
	}
	var sess *vsphere.Session
	live := sup.Valid(o.now(), vsphere.Margin)
	if live {
		if err := vsphere.CheckGuest(ctx, vsphere.RESTConfig(server, sup, httpOpts), *guest); err != nil {
			return nil, err
		}
		// A vCenter that takes only Basic authentication at /wcp/login
		// refuses the session: the password is asked for instead.
		var rejected *vsphere.RejectedError
		if sess, err = vsphere.Exchange(ctx, hc, server, sup, guest); err != nil && !errors.As(err, &rejected) {
			return nil, err
		}
	}
	if sess == nil {
		password, ok, err := common.VSpherePassword(o.Streams, l.User)
		if err != nil {
			return nil, err
		}
		if !ok && live {
			return nil, common.NoPassword()
		}
		if !ok {
			expired := &vsphere.SessionExpiredError{Server: server.String(), User: l.User}
			if sup != nil {
				expired.Expired = sup.Expiry
			}
			return nil, expired
		}
		if sess, err = vsphere.Login(ctx, hc, server, vsphere.Credentials{Username: l.User, Password: password}, guest); err != nil {
			return nil, err
		}
	}
	// Cached, the first kubectl command needs no login of its own.
	return sess, store.Put(sess)
}

// supervisorConfig is the Supervisor's context as `auth login --vsphere`
// writes it.
func supervisorConfig(server vsphere.Server, l kc.VSphereLogin, httpOpts vsphere.HTTPOptions) *clientcmdapi.Config {
	l.GuestNamespace, l.GuestName = "", ""
	cluster := common.SupervisorCluster(server, httpOpts)
	name := server.String()
	return kc.VSphereConfig([]kc.VSphereContext{{Name: name, Cluster: name, Server: cluster, Login: l}}, name)
}
