package posture

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

func podRef(p Pod) string { return "Pod/" + p.Namespace + "/" + p.Name }

// userPods are the pods outside system namespaces that are not done.
func (s Snapshot) userPods() []Pod {
	var out []Pod
	for _, p := range s.Pods {
		if IsSystemNamespace(p.Namespace) || p.Status.Phase == podSucceeded || p.Status.Phase == podFailed {
			continue
		}
		out = append(out, p)
	}
	return out
}

func containers(p Pod) []Container {
	out := append([]Container{}, p.Spec.InitContainers...)
	return append(out, p.Spec.Containers...)
}

func (s Snapshot) hostAccess(id string) []string {
	var out []string
	for _, p := range s.userPods() {
		var what []string
		switch id {
		case "5.2.2":
			for _, c := range containers(p) {
				if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
					what = append(what, c.Name)
				}
			}
		case "5.2.5":
			if p.Spec.HostNetwork {
				what = append(what, "hostNetwork")
			}
		case "5.2.12":
			for _, v := range p.Spec.Volumes {
				if v.HostPath != nil {
					what = append(what, v.Name+": "+v.HostPath.Path)
				}
			}
		}
		if len(what) > 0 {
			out = append(out, fmt.Sprintf("%s (%s)", podRef(p), strings.Join(what, ", ")))
		}
	}
	return out
}

func (s Snapshot) defaultServiceAccounts() []string {
	automount := map[string]bool{}
	for _, sa := range s.ServiceAccounts {
		if sa.Name == "default" {
			automount[sa.Namespace] = sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken
		}
	}
	var out []string
	for _, p := range s.userPods() {
		sa := p.Spec.ServiceAccountName
		if sa != "" && sa != "default" {
			continue
		}
		mount, ok := automount[p.Namespace]
		if !ok {
			mount = true // the default ServiceAccount mounts unless it says not to
		}
		if p.Spec.AutomountServiceAccountToken != nil {
			mount = *p.Spec.AutomountServiceAccountToken
		}
		if mount {
			out = append(out, podRef(p))
		}
	}
	return out
}

// noPodSecurity names the namespaces with neither a Pod Security level nor
// a tko security policy (which labels the namespaces it manages).
func (s Snapshot) noPodSecurity() []string {
	var out []string
	for _, ns := range s.Namespaces {
		l := ns.Labels
		if IsSystemNamespace(ns.Name) || l[policy.LabelEnforce] != "" || l[policy.LabelPolicy] != "" {
			continue
		}
		out = append(out, "Namespace/"+ns.Name)
	}
	return out
}

func (s Snapshot) noNetworkPolicy() []string {
	has := map[string]bool{}
	for _, np := range s.NetworkPolicies {
		has[np.Namespace] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range s.userPods() {
		if has[p.Namespace] || seen[p.Namespace] {
			continue
		}
		seen[p.Namespace] = true
		out = append(out, "Namespace/"+p.Namespace)
	}
	return out
}

// secretsInEnv names each pod and the Secrets its environment takes
// (names only: values are never read).
func (s Snapshot) secretsInEnv() []string {
	var out []string
	for _, p := range s.Pods {
		if IsSystemNamespace(p.Namespace) {
			continue
		}
		var secrets []string
		add := func(name string) {
			if !contains(secrets, name) {
				secrets = append(secrets, name)
			}
		}
		for _, c := range containers(p) {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					add("Secret/" + e.ValueFrom.SecretKeyRef.Name)
				}
			}
			for _, e := range c.EnvFrom {
				if e.SecretRef != nil {
					add("Secret/" + e.SecretRef.Name)
				}
			}
		}
		if len(secrets) > 0 {
			out = append(out, fmt.Sprintf("%s (%s)", podRef(p), strings.Join(secrets, ", ")))
		}
	}
	return out
}

// ImageTag returns an image reference's tag ("" when untagged, or pinned
// by digest when digest is true).
func ImageTag(image string) (tag string, digest bool) {
	if i := strings.Index(image, "@"); i >= 0 {
		return "", true
	}
	last := image[strings.LastIndex(image, "/")+1:]
	if i := strings.LastIndex(last, ":"); i >= 0 {
		return last[i+1:], false
	}
	return "", false
}

func (s Snapshot) latestImages() []string {
	var out []string
	for _, p := range s.Pods {
		if IsSystemNamespace(p.Namespace) {
			continue
		}
		var bad []string
		for _, c := range containers(p) {
			tag, digest := ImageTag(c.Image)
			if !digest && (tag == "" || tag == "latest") && !contains(bad, c.Image) {
				bad = append(bad, c.Image)
			}
		}
		if len(bad) > 0 {
			out = append(out, fmt.Sprintf("%s (%s)", podRef(p), strings.Join(bad, ", ")))
		}
	}
	return out
}

// unallowedImages are the images of pods, in the namespaces an
// image-registry policy governs, that its allow list does not admit: pods
// created before the policy, which it rejects when they are created again.
// The matching is the policy's own.
func (s Snapshot) unallowedImages() []string {
	var out []string
	for _, p := range s.Pods {
		var bad []string
		for _, rp := range s.Registries {
			if !slices.Contains(rp.Namespaces, p.Namespace) {
				continue
			}
			for _, c := range containers(p) {
				if !policy.AdmitsImage(rp.Allow, c.Image) && !contains(bad, c.Image) {
					bad = append(bad, c.Image)
				}
			}
		}
		if len(bad) > 0 {
			out = append(out, fmt.Sprintf("%s (%s)", podRef(p), strings.Join(bad, ", ")))
		}
	}
	return out
}
