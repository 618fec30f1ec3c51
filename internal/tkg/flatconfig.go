// Package tkg turns a TKG flat cluster configuration (UPPER_CASE variables)
// into a class-based Cluster exactly as TKG does on vSphere, and validates
// it first. It has no command-line code in it.
package tkg

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// Defaults are TKG's defaults (tanzu-framework providers/config_default.yaml)
// for the variables this mapping reads; nil means "unset".
var Defaults = map[string]any{
	"NAMESPACE":                                     "default",
	"CLUSTER_PLAN":                                  "dev",
	"CNI":                                           "antrea",
	"CLUSTER_CIDR":                                  "100.96.0.0/11",
	"SERVICE_CIDR":                                  "100.64.0.0/13",
	"VSPHERE_CLONE_MODE":                            "fullClone",
	"VSPHERE_NETWORK":                               "VM Network",
	"VSPHERE_STORAGE_POLICY_ID":                     "",
	"VSPHERE_TLS_THUMBPRINT":                        "",
	"VSPHERE_CONTROL_PLANE_NUM_CPUS":                int64(2),
	"VSPHERE_CONTROL_PLANE_DISK_GIB":                int64(40),
	"VSPHERE_CONTROL_PLANE_MEM_MIB":                 int64(8192),
	"VSPHERE_WORKER_NUM_CPUS":                       int64(2),
	"VSPHERE_WORKER_DISK_GIB":                       int64(40),
	"VSPHERE_WORKER_MEM_MIB":                        int64(4096),
	"CONTROLPLANE_CERTIFICATE_ROTATION_ENABLED":     true,
	"CONTROLPLANE_CERTIFICATE_ROTATION_DAYS_BEFORE": int64(90),
	"POD_SECURITY_STANDARD_DEACTIVATED":             false,
	"POD_SECURITY_STANDARD_AUDIT":                   "baseline",
	"POD_SECURITY_STANDARD_WARN":                    "baseline",
	"POD_SECURITY_STANDARD_ENFORCE":                 "",
	"ENABLE_AUDIT_LOGGING":                          false,
	"AVI_CONTROL_PLANE_HA_PROVIDER":                 false,
	"KUBEVIP_LOADBALANCER_ENABLE":                   false,
	"IS_WINDOWS_WORKLOAD_CLUSTER":                   false,
	"TKG_CUSTOM_IMAGE_REPOSITORY":                   "",
	"TKG_CUSTOM_IMAGE_REPOSITORY_SKIP_TLS_VERIFY":   false,
	"TKG_CUSTOM_IMAGE_REPOSITORY_CA_CERTIFICATE":    "",
	"TKG_HTTP_PROXY":                                "",
	"TKG_HTTPS_PROXY":                               "",
	"TKG_NO_PROXY":                                  "",
	"TKG_PROXY_CA_CERT":                             "",
	"TKG_NODE_SYSTEM_WIDE_PROXY":                    false,
	"NODE_IPAM_IP_POOL_NAME":                        "",
	"OS_NAME":                                       "",
	"VSPHERE_WINDOWS_TEMPLATE":                      "",
}

// Secrets are variables that must never reach the Cluster object.
var Secrets = []string{"VSPHERE_USERNAME", "VSPHERE_PASSWORD", "AVI_PASSWORD", "AVI_USERNAME", "LDAP_BIND_PASSWORD", "OIDC_IDENTITY_PROVIDER_CLIENT_SECRET"}

// Config is a parsed flat configuration with its defaults applied.
type Config struct {
	values map[string]any
	lines  map[string]int
}

var upperKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`) })

// IsFlatConfig reports whether a decoded YAML document is a flat cluster
// configuration rather than a Kubernetes manifest.
func IsFlatConfig(doc map[string]any) bool {
	if _, ok := doc["apiVersion"]; ok {
		return false
	}
	if len(doc) == 0 {
		return false
	}
	for k := range doc {
		if !upperKey().MatchString(k) {
			return false
		}
	}
	return true
}

// NewConfig applies the defaults to the given variables; lines maps each
// variable to its line in the file (for messages).
func NewConfig(vars map[string]any, lines map[string]int) *Config {
	values := map[string]any{}
	for k, v := range Defaults {
		values[k] = v
	}
	for k, v := range vars {
		values[k] = v
	}
	return &Config{values: values, lines: lines}
}

// Set overrides a variable (for --name, --namespace and the like).
func (c *Config) Set(key string, value any) { c.values[key] = value }

// Get returns a variable's value after defaults (nil when unset).
func (c *Config) Get(key string) any { return c.values[key] }

func (c *Config) str(key string) string {
	switch v := c.values[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

func (c *Config) set(key string) bool {
	v, ok := c.values[key]
	return ok && v != nil && v != ""
}

func (c *Config) boolean(key string) bool {
	switch v := c.values[key].(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

func (c *Config) integer(key string) (int64, bool) {
	switch v := c.values[key].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case float64:
		return int64(v), v == float64(int64(v))
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return i, err == nil
	}
	return 0, false
}

func (c *Config) list(key string) []any {
	s := c.str(key)
	if s == "" {
		return nil
	}
	var out []any
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (c *Config) extraArgs(key string) map[string]any {
	s := c.str(key)
	if s == "" {
		return nil
	}
	out := map[string]any{}
	for _, pair := range strings.Split(s, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && k != "" {
			out[k] = v
		}
	}
	return out
}

// problem ties a failure to the variable that causes it and its file line.
func (c *Config) problem(variable, format string, args ...any) errs.Problem {
	return errs.Problem{Source: variable, Line: c.lines[variable], Message: fmt.Sprintf(format, args...)}
}

// integerVariables must hold whole numbers.
var integerVariables = []string{
	"WORKER_MACHINE_COUNT", "WORKER_MACHINE_COUNT_0", "WORKER_MACHINE_COUNT_1", "WORKER_MACHINE_COUNT_2",
	"VSPHERE_CONTROL_PLANE_NUM_CPUS", "VSPHERE_CONTROL_PLANE_DISK_GIB", "VSPHERE_CONTROL_PLANE_MEM_MIB",
	"VSPHERE_WORKER_NUM_CPUS", "VSPHERE_WORKER_DISK_GIB", "VSPHERE_WORKER_MEM_MIB",
	"CLUSTER_API_SERVER_PORT", "CONTROLPLANE_CERTIFICATE_ROTATION_DAYS_BEFORE",
}

var dns1123Label = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`) })

// Validate checks what TKG checks before it creates anything. Every
// problem is returned, not just the first.
func (c *Config) Validate() []errs.Problem {
	var out []errs.Problem
	name := c.str("CLUSTER_NAME")
	switch {
	case name == "":
		out = append(out, c.problem("CLUSTER_NAME", "required: the workload cluster's name"))
	case len(name) > 42 || !dns1123Label().MatchString(name):
		out = append(out, c.problem("CLUSTER_NAME", "%q must be a DNS-1123 label of at most 42 characters (lower case letters, digits and '-')", name))
	}
	if !c.boolean("AVI_CONTROL_PLANE_HA_PROVIDER") && !c.set("VSPHERE_CONTROL_PLANE_ENDPOINT") {
		out = append(out, c.problem("VSPHERE_CONTROL_PLANE_ENDPOINT", "required unless AVI_CONTROL_PLANE_HA_PROVIDER is true (NSX ALB provides the endpoint)"))
	}
	if c.set("CONTROL_PLANE_MACHINE_COUNT") {
		n, ok := c.integer("CONTROL_PLANE_MACHINE_COUNT")
		switch {
		case !ok:
			out = append(out, c.problem("CONTROL_PLANE_MACHINE_COUNT", "%q is not a whole number", c.str("CONTROL_PLANE_MACHINE_COUNT")))
		case n < 1:
			out = append(out, c.problem("CONTROL_PLANE_MACHINE_COUNT", "%d: at least one control-plane machine is needed", n))
		}
	}
	// The odd-count rule is checked on the built Cluster (ValidateTopology).
	for _, key := range integerVariables {
		if c.set(key) {
			if n, ok := c.integer(key); !ok || n < 0 {
				out = append(out, c.problem(key, "%q is not a whole number", c.str(key)))
			}
		}
	}
	for _, key := range []string{"VSPHERE_SERVER", "VSPHERE_DATACENTER", "VSPHERE_DATASTORE", "VSPHERE_NETWORK", "VSPHERE_RESOURCE_POOL", "VSPHERE_FOLDER"} {
		if !c.set(key) {
			out = append(out, c.problem(key, "required: the vSphere inventory path the machines are placed in"))
		}
	}
	switch plan := c.str("CLUSTER_PLAN"); plan {
	case "dev", "prod", "devcc", "prodcc":
	default:
		out = append(out, c.problem("CLUSTER_PLAN", "%q is not a plan: use dev or prod", plan))
	}
	return out
}

// ClassName is the ClusterClass TKG uses unless CLUSTER_CLASS says otherwise.
func (c *Config) ClassName(defaultClass string) string {
	if s := c.str("CLUSTER_CLASS"); s != "" {
		return s
	}
	return defaultClass
}

func (c *Config) prod() bool {
	p := c.str("CLUSTER_PLAN")
	return p == "prod" || p == "prodcc"
}

// Cluster builds the class-based Cluster (cluster.x-k8s.io, the given
// version) that TKG would create. Credentials are never read.
func (c *Config) Cluster(apiVersion, class, version string) *unstructured.Unstructured {
	name, ns := c.str("CLUSTER_NAME"), c.str("NAMESPACE")
	cpReplicas := int64(1)
	if c.prod() {
		cpReplicas = 3
	}
	if n, ok := c.integer("CONTROL_PLANE_MACHINE_COUNT"); ok && c.set("CONTROL_PLANE_MACHINE_COUNT") {
		cpReplicas = n
	}
	workerClass := "tkg-worker"
	if c.boolean("IS_WINDOWS_WORKLOAD_CLUSTER") {
		workerClass = "tkg-worker-windows"
	}
	osAnnotation := map[string]any{}
	if os := c.str("OS_NAME"); os != "" {
		osAnnotation["run.tanzu.vmware.com/resolve-os-image"] = "image-type=ova,os-name=" + os
	}
	withMeta := func(m map[string]any) map[string]any {
		if len(osAnnotation) > 0 {
			m["metadata"] = map[string]any{"annotations": copyMap(osAnnotation)}
		}
		return m
	}
	var mds []any
	if c.str("CLUSTER_PLAN") == "prodcc" || c.set("WORKER_MACHINE_COUNT_0") {
		for i := 0; i < 3; i++ {
			replicas, ok := c.integer(fmt.Sprintf("WORKER_MACHINE_COUNT_%d", i))
			if !ok {
				replicas = 1
			}
			md := map[string]any{"class": workerClass, "name": fmt.Sprintf("md-%d", i), "replicas": replicas}
			if az := c.str(fmt.Sprintf("VSPHERE_AZ_%d", i)); az != "" {
				md["failureDomain"] = az
			}
			mds = append(mds, withMeta(md))
		}
	} else {
		replicas, ok := c.integer("WORKER_MACHINE_COUNT")
		if !ok {
			replicas = map[bool]int64{true: 3, false: 1}[c.prod()]
		}
		mds = append(mds, withMeta(map[string]any{"class": workerClass, "name": "md-0", "replicas": replicas}))
	}

	topology := map[string]any{
		"version":      version,
		"controlPlane": withMeta(map[string]any{"replicas": cpReplicas}),
		"workers":      map[string]any{"machineDeployments": mds},
		"variables":    c.variables(),
	}
	if strings.HasSuffix(apiVersion, "/v1beta1") {
		topology["class"] = class
	} else {
		topology["classRef"] = map[string]any{"name": class}
	}
	labels := map[string]any{"tkg.tanzu.vmware.com/cluster-name": name}
	if tkr := c.str("TKR"); tkr != "" {
		labels["run.tanzu.vmware.com/tkr"] = tkr
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiVersion,
		"kind":       "Cluster",
		"metadata": map[string]any{
			"name": name, "namespace": ns, "labels": labels,
			"annotations": map[string]any{"tkg/plan": strings.TrimSuffix(c.str("CLUSTER_PLAN"), "cc")},
		},
		"spec": map[string]any{
			"clusterNetwork": map[string]any{
				"pods":     map[string]any{"cidrBlocks": []any{c.str("CLUSTER_CIDR")}},
				"services": map[string]any{"cidrBlocks": []any{c.str("SERVICE_CIDR")}},
			},
			"topology": topology,
		},
	}}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// variables maps the flat variables onto topology variables, as TKG's
// vSphere templates do (the table "Topology variables" of
// docs/tkg-vsphere-cluster-config.md in the shared reference data, written
// from tanzu-framework providers/).
func (c *Config) variables() []any {
	var vars []any
	add := func(name string, value any) {
		if value == nil {
			return
		}
		if m, ok := value.(map[string]any); ok && len(m) == 0 {
			return
		}
		vars = append(vars, map[string]any{"name": name, "value": value})
	}
	put := func(m map[string]any, key string, value any) {
		switch v := value.(type) {
		case nil:
			return
		case map[string]any:
			if len(v) == 0 {
				return
			}
		case []any:
			if len(v) == 0 {
				return
			}
		}
		m[key] = value
	}
	// raw returns a set value with its YAML type, or nil.
	raw := func(key string) any {
		v := c.values[key]
		if v == nil {
			return nil
		}
		return v
	}
	intOrNil := func(key string) any {
		if n, ok := c.integer(key); ok {
			return n
		}
		return nil
	}

	add("cni", raw("CNI"))
	if c.set("VSPHERE_CONTROL_PLANE_ENDPOINT") {
		add("apiServerEndpoint", c.str("VSPHERE_CONTROL_PLANE_ENDPOINT"))
	}
	add("aviAPIServerHAProvider", c.boolean("AVI_CONTROL_PLANE_HA_PROVIDER"))
	if c.boolean("KUBEVIP_LOADBALANCER_ENABLE") {
		add("kubeVipLoadBalancerProvider", true)
	}
	add("apiServerPort", intOrNil("CLUSTER_API_SERVER_PORT"))

	vcenter := map[string]any{}
	for key, field := range map[string]string{
		"VSPHERE_CLONE_MODE": "cloneMode", "VSPHERE_NETWORK": "network", "VSPHERE_DATACENTER": "datacenter",
		"VSPHERE_DATASTORE": "datastore", "VSPHERE_FOLDER": "folder", "VSPHERE_RESOURCE_POOL": "resourcePool",
		"VSPHERE_STORAGE_POLICY_ID": "storagePolicyID", "VSPHERE_SERVER": "server", "VSPHERE_TLS_THUMBPRINT": "tlsThumbprint",
		"VSPHERE_TEMPLATE": "template",
	} {
		put(vcenter, field, raw(key))
	}
	add("vcenter", vcenter)
	if c.set("VSPHERE_SSH_AUTHORIZED_KEY") {
		add("user", map[string]any{"sshAuthorizedKeys": []any{c.str("VSPHERE_SSH_AUTHORIZED_KEY")}})
	}
	machine := func(prefix string) map[string]any {
		m := map[string]any{}
		put(m, "numCPUs", intOrNil(prefix+"_NUM_CPUS"))
		put(m, "diskGiB", intOrNil(prefix+"_DISK_GIB"))
		put(m, "memoryMiB", intOrNil(prefix+"_MEM_MIB"))
		return m
	}
	network := func(prefix string) map[string]any {
		m := map[string]any{}
		put(m, "nameservers", c.list(prefix+"_NODE_NAMESERVERS"))
		put(m, "searchDomains", c.list(prefix+"_NODE_SEARCH_DOMAINS"))
		return m
	}
	cp := map[string]any{}
	put(cp, "machine", machine("VSPHERE_CONTROL_PLANE"))
	put(cp, "network", network("CONTROL_PLANE"))
	if labels := c.str("CONTROL_PLANE_NODE_LABELS"); labels != "" {
		var nodeLabels []any
		for _, pair := range strings.Split(labels, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(pair), "="); ok {
				nodeLabels = append(nodeLabels, map[string]any{"key": k, "value": v})
			}
		}
		put(cp, "nodeLabels", nodeLabels)
	}
	add("controlPlane", cp)
	worker := map[string]any{}
	put(worker, "count", intOrNil("WORKER_MACHINE_COUNT"))
	put(worker, "machine", machine("VSPHERE_WORKER"))
	put(worker, "network", network("WORKER"))
	add("worker", worker)
	if servers := c.list("NTP_SERVERS"); len(servers) > 0 {
		add("ntpServers", servers)
	}
	if fqdn := c.list("VSPHERE_ADDITIONAL_FQDN"); len(fqdn) > 0 {
		add("additionalFQDN", fqdn)
	}
	net := map[string]any{}
	if c.str("TKG_IP_FAMILY") == "ipv6,ipv4" {
		net["ipv6Primary"] = true
	}
	if pool := c.str("NODE_IPAM_IP_POOL_NAME"); pool != "" {
		net["addressesFromPools"] = []any{map[string]any{"apiGroup": "ipam.cluster.x-k8s.io", "kind": "InClusterIPPool", "name": pool}}
	}
	add("network", net)
	if c.set("TKG_HTTP_PROXY") {
		add("proxy", map[string]any{
			"httpProxy": c.str("TKG_HTTP_PROXY"), "httpsProxy": c.str("TKG_HTTPS_PROXY"),
			"noProxy": c.list("TKG_NO_PROXY"), "systemWide": c.boolean("TKG_NODE_SYSTEM_WIDE_PROXY"),
		})
	}
	if c.set("TKG_CUSTOM_IMAGE_REPOSITORY") {
		add("imageRepository", map[string]any{"host": c.str("TKG_CUSTOM_IMAGE_REPOSITORY"), "tlsCertificateValidation": !c.boolean("TKG_CUSTOM_IMAGE_REPOSITORY_SKIP_TLS_VERIFY")})
	}
	switch {
	case c.set("TKG_PROXY_CA_CERT"):
		add("trust", map[string]any{"additionalTrustedCAs": []any{map[string]any{"name": "proxy", "data": c.str("TKG_PROXY_CA_CERT")}}})
	case c.set("TKG_CUSTOM_IMAGE_REPOSITORY_CA_CERTIFICATE"):
		add("trust", map[string]any{"additionalTrustedCAs": []any{map[string]any{"name": "imageRepository", "data": c.str("TKG_CUSTOM_IMAGE_REPOSITORY_CA_CERTIFICATE")}}})
	}
	add("clusterRole", raw("TKG_CLUSTER_ROLE"))
	add("auditLogging", map[string]any{"enabled": c.boolean("ENABLE_AUDIT_LOGGING")})
	rotation := map[string]any{"activate": c.boolean("CONTROLPLANE_CERTIFICATE_ROTATION_ENABLED")}
	put(rotation, "daysBefore", intOrNil("CONTROLPLANE_CERTIFICATE_ROTATION_DAYS_BEFORE"))
	add("controlPlaneCertificateRotation", rotation)
	pss := map[string]any{"deactivated": c.boolean("POD_SECURITY_STANDARD_DEACTIVATED")}
	for key, field := range map[string]string{"POD_SECURITY_STANDARD_AUDIT": "audit", "POD_SECURITY_STANDARD_WARN": "warn", "POD_SECURITY_STANDARD_ENFORCE": "enforce"} {
		if c.set(key) {
			pss[field] = c.str(key)
		}
	}
	add("podSecurityStandard", pss)
	for key, name := range map[string]string{
		"APISERVER_EXTRA_ARGS": "apiServerExtraArgs", "ETCD_EXTRA_ARGS": "etcdExtraArgs", "KUBE_SCHEDULER_EXTRA_ARGS": "kubeSchedulerExtraArgs",
		"KUBE_CONTROLLER_MANAGER_EXTRA_ARGS": "kubeControllerManagerExtraArgs", "CONTROLPLANE_KUBELET_EXTRA_ARGS": "controlPlaneKubeletExtraArgs",
		"WORKER_KUBELET_EXTRA_ARGS": "workerKubeletExtraArgs",
	} {
		if args := c.extraArgs(key); args != nil {
			add(name, args)
		}
	}
	if c.set("APISERVER_EVENT_RATE_LIMIT_CONF_BASE64") {
		add("eventRateLimitConf", c.str("APISERVER_EVENT_RATE_LIMIT_CONF_BASE64"))
	}
	if c.set("VSPHERE_WINDOWS_TEMPLATE") {
		add("VSPHERE_WINDOWS_TEMPLATE", c.str("VSPHERE_WINDOWS_TEMPLATE"))
	}
	sort.SliceStable(vars, func(i, j int) bool {
		return vars[i].(map[string]any)["name"].(string) < vars[j].(map[string]any)["name"].(string)
	})
	return vars
}

// sources maps topology variables (and their fields) back to the flat
// variable they come from, so problems point at the user's line.
var sources = map[string]string{
	"cni": "CNI", "apiServerEndpoint": "VSPHERE_CONTROL_PLANE_ENDPOINT", "aviAPIServerHAProvider": "AVI_CONTROL_PLANE_HA_PROVIDER",
	"apiServerPort": "CLUSTER_API_SERVER_PORT", "ntpServers": "NTP_SERVERS", "clusterRole": "TKG_CLUSTER_ROLE",
	"auditLogging": "ENABLE_AUDIT_LOGGING", "eventRateLimitConf": "APISERVER_EVENT_RATE_LIMIT_CONF_BASE64",
	"vcenter.cloneMode": "VSPHERE_CLONE_MODE", "vcenter.network": "VSPHERE_NETWORK", "vcenter.datacenter": "VSPHERE_DATACENTER",
	"vcenter.datastore": "VSPHERE_DATASTORE", "vcenter.folder": "VSPHERE_FOLDER", "vcenter.resourcePool": "VSPHERE_RESOURCE_POOL",
	"vcenter.server": "VSPHERE_SERVER", "vcenter.template": "VSPHERE_TEMPLATE", "vcenter.storagePolicyID": "VSPHERE_STORAGE_POLICY_ID",
	"controlPlane.machine.numCPUs": "VSPHERE_CONTROL_PLANE_NUM_CPUS", "controlPlane.machine.diskGiB": "VSPHERE_CONTROL_PLANE_DISK_GIB",
	"controlPlane.machine.memoryMiB": "VSPHERE_CONTROL_PLANE_MEM_MIB", "worker.machine.numCPUs": "VSPHERE_WORKER_NUM_CPUS",
	"worker.machine.diskGiB": "VSPHERE_WORKER_DISK_GIB", "worker.machine.memoryMiB": "VSPHERE_WORKER_MEM_MIB",
	"worker.count": "WORKER_MACHINE_COUNT", "controlPlaneCertificateRotation.daysBefore": "CONTROLPLANE_CERTIFICATE_ROTATION_DAYS_BEFORE",
	"podSecurityStandard.audit": "POD_SECURITY_STANDARD_AUDIT", "podSecurityStandard.warn": "POD_SECURITY_STANDARD_WARN",
	"podSecurityStandard.enforce": "POD_SECURITY_STANDARD_ENFORCE",
}

// SourceOf returns the flat variable behind a violation path such as
// spec.topology.variables[vcenter].value.cloneMode.
func SourceOf(variable, path string) string {
	if path == "spec.topology.controlPlane.replicas" {
		return "CONTROL_PLANE_MACHINE_COUNT"
	}
	field := ""
	if i := strings.Index(path, "].value."); i >= 0 {
		field = path[i+len("].value."):]
		if j := strings.Index(field, "["); j >= 0 {
			field = field[:j]
		}
	}
	for key := field; key != ""; {
		if s, ok := sources[variable+"."+key]; ok {
			return s
		}
		i := strings.LastIndex(key, ".")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return sources[variable]
}
