package clitest

import (
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind is a resource the server serves: what discovery says of it and how
// its objects behave on writes.
type Kind struct {
	schema.GroupVersionKind
	Resource   string
	Namespaced bool
	// Status says the kind has a status subresource: writes to the object
	// keep the stored status, writes to /status keep everything else.
	Status bool
	// Virtual kinds (reviews, credential requests) are never stored: a
	// create answers through a reaction, or echoes the object.
	Virtual    bool
	ShortNames []string
	// CRD says objects of the kind carry apiVersion and kind in lists, as
	// custom resources do; built-in lists leave them out.
	CRD bool
}

// GVR is the kind's resource.
func (k Kind) GVR() schema.GroupVersionResource { return k.GroupVersion().WithResource(k.Resource) }

// Verbs are the verbs discovery lists for the kind.
func (k Kind) Verbs() []string {
	if k.Virtual {
		return []string{"create"}
	}
	return []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
}

// kind is shorthand for the table below: "group/version", Kind, resource.
func kind(gv, k, resource string, namespaced, status bool, short ...string) Kind {
	g := schema.GroupVersion{Version: gv}
	if group, version, ok := strings.Cut(gv, "/"); ok {
		g = schema.GroupVersion{Group: group, Version: version}
	}
	crd := strings.Contains(g.Group, ".") && !strings.HasSuffix(g.Group, ".k8s.io")
	return Kind{GroupVersionKind: g.WithKind(k), Resource: resource, Namespaced: namespaced, Status: status, ShortNames: short, CRD: crd}
}

func virtual(gv, k, resource string, namespaced bool) Kind {
	out := kind(gv, k, resource, namespaced, false)
	out.Virtual = true
	return out
}

// Kinds are what a TKO management cluster serves, as the local control
// plane of `make test` does: Kubernetes' built-in kinds the plugins read,
// Cluster API v1beta2, kapp-controller (with its aggregated Package API),
// Velero, AKO and its operator, Pinniped, run.tanzu.vmware.com and
// vSphere's VM Operator. Within a
// group, the first version listed is the preferred one.
func Kinds() []Kind {
	const ns, cl = true, false
	return []Kind{
		kind("v1", "Namespace", "namespaces", cl, true, "ns"),
		kind("v1", "Secret", "secrets", ns, false),
		kind("v1", "ConfigMap", "configmaps", ns, false, "cm"),
		kind("v1", "Service", "services", ns, true, "svc"),
		kind("v1", "Endpoints", "endpoints", ns, false, "ep"),
		kind("v1", "Event", "events", ns, false, "ev"),
		kind("v1", "Pod", "pods", ns, true, "po"),
		kind("v1", "Node", "nodes", cl, true, "no"),
		kind("v1", "ServiceAccount", "serviceaccounts", ns, false, "sa"),
		kind("v1", "PersistentVolumeClaim", "persistentvolumeclaims", ns, true, "pvc"),
		kind("v1", "LimitRange", "limitranges", ns, false, "limits"),
		kind("v1", "ResourceQuota", "resourcequotas", ns, true, "quota"),
		kind("apps/v1", "Deployment", "deployments", ns, true, "deploy"),
		kind("apps/v1", "StatefulSet", "statefulsets", ns, true, "sts"),
		kind("apps/v1", "DaemonSet", "daemonsets", ns, true, "ds"),
		kind("apps/v1", "ReplicaSet", "replicasets", ns, true, "rs"),
		kind("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", ns, true, "pdb"),
		kind("rbac.authorization.k8s.io/v1", "Role", "roles", ns, false),
		kind("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", ns, false),
		kind("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", cl, false),
		kind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", cl, false),
		virtual("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", cl),
		virtual("authorization.k8s.io/v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", cl),
		virtual("authorization.k8s.io/v1", "SubjectAccessReview", "subjectaccessreviews", cl),
		virtual("authentication.k8s.io/v1", "SelfSubjectReview", "selfsubjectreviews", cl),
		virtual("authentication.k8s.io/v1", "TokenReview", "tokenreviews", cl),
		kind("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", cl, true, "crd"),
		kind("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", cl, true, "vap"),
		kind("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", cl, false, "vapb"),
		kind("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", ns, false, "netpol"),
		kind("networking.k8s.io/v1", "Ingress", "ingresses", ns, true, "ing"),
		kind("metrics.k8s.io/v1beta1", "PodMetrics", "pods", ns, false),
		kind("metrics.k8s.io/v1beta1", "NodeMetrics", "nodes", cl, false),

		kind("cluster.x-k8s.io/v1beta2", "Cluster", "clusters", ns, true, "cl"),
		kind("cluster.x-k8s.io/v1beta2", "ClusterClass", "clusterclasses", ns, true, "cc"),
		kind("cluster.x-k8s.io/v1beta2", "Machine", "machines", ns, true, "ma"),
		kind("cluster.x-k8s.io/v1beta2", "MachineSet", "machinesets", ns, true, "ms"),
		kind("cluster.x-k8s.io/v1beta2", "MachineDeployment", "machinedeployments", ns, true, "md"),
		kind("cluster.x-k8s.io/v1beta2", "MachinePool", "machinepools", ns, true, "mp"),
		kind("cluster.x-k8s.io/v1beta2", "MachineHealthCheck", "machinehealthchecks", ns, true, "mhc"),
		kind("controlplane.cluster.x-k8s.io/v1beta2", "KubeadmControlPlane", "kubeadmcontrolplanes", ns, true, "kcp"),
		kind("controlplane.cluster.x-k8s.io/v1beta2", "KubeadmControlPlaneTemplate", "kubeadmcontrolplanetemplates", ns, false),
		kind("bootstrap.cluster.x-k8s.io/v1beta2", "KubeadmConfig", "kubeadmconfigs", ns, true),
		kind("bootstrap.cluster.x-k8s.io/v1beta2", "KubeadmConfigTemplate", "kubeadmconfigtemplates", ns, false),
		kind("run.tanzu.vmware.com/v1alpha3", "TanzuKubernetesRelease", "tanzukubernetesreleases", cl, true, "tkr"),
		kind("run.tanzu.vmware.com/v1alpha3", "OSImage", "osimages", cl, true, "osimg"),
		kind("run.tanzu.vmware.com/v1alpha3", "ClusterBootstrap", "clusterbootstraps", ns, true, "cb"),
		// TanzuKubernetesClusters are served in v1alpha2 and (ours) v1alpha3,
		// as the local control plane serves them: one set of objects, each
		// served in the version asked for (conversion strategy None).
		kind("run.tanzu.vmware.com/v1alpha2", "TanzuKubernetesCluster", "tanzukubernetesclusters", ns, true, "tkc"),
		kind("run.tanzu.vmware.com/v1alpha3", "TanzuKubernetesCluster", "tanzukubernetesclusters", ns, true, "tkc"),
		kind("vmoperator.vmware.com/v1alpha3", "VirtualMachineClass", "virtualmachineclasses", ns, true, "vmclass"),
		kind("vmoperator.vmware.com/v1alpha1", "VirtualMachineClassBinding", "virtualmachineclassbindings", ns, false, "vmclassbinding"),

		kind("packaging.carvel.dev/v1alpha1", "PackageInstall", "packageinstalls", ns, true, "pkgi"),
		kind("packaging.carvel.dev/v1alpha1", "PackageRepository", "packagerepositories", ns, true, "pkgr"),
		kind("data.packaging.carvel.dev/v1alpha1", "Package", "packages", ns, false, "pkg"),
		kind("data.packaging.carvel.dev/v1alpha1", "PackageMetadata", "packagemetadatas", ns, false, "pkgm"),
		kind("kappctrl.k14s.io/v1alpha1", "App", "apps", ns, true),

		// Velero's CRDs have no status subresource: Velero writes status
		// with the object.
		kind("velero.io/v1", "Backup", "backups", ns, false),
		kind("velero.io/v1", "Restore", "restores", ns, false),
		kind("velero.io/v1", "Schedule", "schedules", ns, false),
		kind("velero.io/v1", "BackupStorageLocation", "backupstoragelocations", ns, false, "bsl"),
		kind("velero.io/v1", "VolumeSnapshotLocation", "volumesnapshotlocations", ns, false, "vsl"),
		kind("velero.io/v1", "DownloadRequest", "downloadrequests", ns, false),
		kind("velero.io/v1", "DeleteBackupRequest", "deletebackuprequests", ns, false),

		kind("networking.tkg.tanzu.vmware.com/v1alpha1", "AKODeploymentConfig", "akodeploymentconfigs", cl, true, "adc"),
		kind("ako.vmware.com/v1beta1", "AviInfraSetting", "aviinfrasettings", cl, true),
		kind("ako.vmware.com/v1beta1", "HostRule", "hostrules", ns, true, "hostrule", "hr"),
		kind("ako.vmware.com/v1beta1", "HTTPRule", "httprules", ns, true, "httprule"),
		kind("ako.vmware.com/v1alpha2", "L4Rule", "l4rules", ns, true, "l4rule"),

		kind("cert-manager.io/v1", "Certificate", "certificates", ns, true, "cert", "certs"),
		kind("projectcontour.io/v1", "HTTPProxy", "httpproxies", ns, true, "proxy", "proxies"),

		kind("authentication.concierge.pinniped.dev/v1alpha1", "JWTAuthenticator", "jwtauthenticators", cl, true),
		kind("authentication.concierge.pinniped.dev/v1alpha1", "WebhookAuthenticator", "webhookauthenticators", cl, true),
		kind("config.concierge.pinniped.dev/v1alpha1", "CredentialIssuer", "credentialissuers", cl, true),
		virtual("login.concierge.pinniped.dev/v1alpha1", "TokenCredentialRequest", "tokencredentialrequests", cl),
		kind("config.supervisor.pinniped.dev/v1alpha1", "FederationDomain", "federationdomains", ns, true),
		kind("idp.supervisor.pinniped.dev/v1alpha1", "OIDCIdentityProvider", "oidcidentityproviders", ns, true),
		kind("idp.supervisor.pinniped.dev/v1alpha1", "LDAPIdentityProvider", "ldapidentityproviders", ns, true),
		kind("idp.supervisor.pinniped.dev/v1alpha1", "ActiveDirectoryIdentityProvider", "activedirectoryidentityproviders", ns, true),
		kind("idp.supervisor.pinniped.dev/v1alpha1", "GitHubIdentityProvider", "githubidentityproviders", ns, true),
	}
}
