package policy

import (
	"strconv"
)

// A baseline security policy may refuse, with a ValidatingAdmissionPolicy
// of its own, what the Pod Security Standard baseline leaves open:
//
//   - denyHostPath: volumes that reach into the node. Baseline refuses
//     hostPath but allows inline flexVolume and gitRepo volumes, for which
//     the kubelet runs a driver or git on the node as root (restricted
//     refuses both).
//   - denyPrivileged: privilege escalation. Baseline has no opinion on
//     allowPrivilegeEscalation, and the kernel's no_new_privs is set only
//     when a container says false, so only an explicit false closes
//     setuid escalation (restricted's rule; Windows pods are exempt, as
//     there). Privileged and hostProcess containers are refused too.
//
// The policy also holds where Pod Security Admission does not look: users,
// runtime classes and namespaces exempted in the API server's PodSecurity
// configuration, and a governed namespace whose labels someone lowered by
// hand (the binding selects namespaces by name; status shows that drift).
// Baseline's capability rule already limits additions to the runtime's
// default set, so capabilities are left to it.

const (
	// securityContainers are those a request brings: every container on
	// create; on an update of pods/ephemeralcontainers (the only way a
	// container joins a running pod) the ephemeral ones it adds (those
	// already there cannot change, and one added before the policy must
	// not keep a pod from being debugged again).
	securityContainers = `request.operation == "CREATE" ? object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([]) : ` +
		`object.spec.?ephemeralContainers.orValue([]).filter(c, !oldObject.spec.?ephemeralContainers.orValue([]).exists(o, o.name == c.name))`
	// securityVolumes come with a create only: volumes are immutable.
	securityVolumes = `request.operation == "CREATE" ? object.spec.?volumes.orValue([]) : []`

	nodeVolume          = `has(v.hostPath) || has(v.flexVolume) || has(v.gitRepo)`
	privilegedContainer = `c.?securityContext.?privileged.orValue(false) || c.?securityContext.?windowsOptions.?hostProcess.orValue(false)`
	escalatingContainer = `c.?securityContext.?allowPrivilegeEscalation.orValue(true)`
)

// securitySpec is the ValidatingAdmissionPolicy of a baseline security
// policy with denyHostPath or denyPrivileged: one CEL validation per rule,
// each naming the offending volumes or containers.
func securitySpec(p *Policy) map[string]any {
	pr := p.Spec.Parameters
	prefix := "policy " + p.Name() + ": "
	var validations []any
	rule := func(expr, msg, msgExpr string) {
		v := map[string]any{"expression": expr, "message": prefix + msg, "reason": "Forbidden"}
		if msgExpr != "" {
			v["messageExpression"] = strconv.Quote(prefix) + " + " + msgExpr
		}
		validations = append(validations, v)
	}
	if pr.DenyHostPath {
		rule(`!variables.volumes.exists(v, `+nodeVolume+`)`,
			"hostPath, flexVolume and gitRepo volumes are not allowed: they reach into the node",
			`"volume " + variables.volumes.filter(v, `+nodeVolume+`).map(v, v.name).join(", ") + " reaches into the node: hostPath, flexVolume and gitRepo volumes are not allowed"`)
	}
	if pr.DenyPrivileged {
		rule(`!(request.operation == "CREATE" && object.spec.?securityContext.?windowsOptions.?hostProcess.orValue(false)) && !variables.containers.exists(c, `+privilegedContainer+`)`,
			"privileged containers (securityContext.privileged, windowsOptions.hostProcess) are not allowed", "")
		rule(`object.spec.?os.?name.orValue("") == "windows" || !variables.containers.exists(c, `+escalatingContainer+`)`,
			"every container must set securityContext.allowPrivilegeEscalation: false",
			`"container " + variables.containers.filter(c, `+escalatingContainer+`).map(c, c.name).join(", ") + " must set securityContext.allowPrivilegeEscalation: false (privilege escalation is not allowed)"`)
	}
	return map[string]any{
		"failurePolicy": "Fail",
		"matchConstraints": map[string]any{"resourceRules": []any{
			map[string]any{"apiGroups": []any{""}, "apiVersions": []any{"v1"}, "operations": []any{"CREATE"}, "resources": []any{"pods"}},
			map[string]any{"apiGroups": []any{""}, "apiVersions": []any{"v1"}, "operations": []any{"UPDATE"}, "resources": []any{"pods/ephemeralcontainers"}},
		}},
		"variables": []any{
			map[string]any{"name": "containers", "expression": securityContainers},
			map[string]any{"name": "volumes", "expression": securityVolumes},
		},
		"validations": validations,
	}
}
