package clitest

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// User is who the server takes every request for, as its reviews say.
type User struct {
	Name   string
	Groups []string
}

// admin is the user of a kubeadm cluster's admin kubeconfig.
func admin() User {
	return User{Name: "kubernetes-admin", Groups: []string{"kubeadm:cluster-admins", "system:authenticated"}}
}

// review answers a review nobody reacted to as the API server answers
// its admin: who you are, and that everything is allowed. Other virtual
// kinds are echoed.
func (s *Server) review(k Kind, obj *unstructured.Unstructured) *unstructured.Unstructured {
	out := obj.DeepCopy()
	s.mu.Lock()
	user := s.User
	s.mu.Unlock()
	groups := make([]any, len(user.Groups))
	for i, g := range user.Groups {
		groups[i] = g
	}
	all := []any{"*"}
	switch k.Kind {
	case "SelfSubjectReview":
		out.Object["status"] = map[string]any{"userInfo": map[string]any{"username": user.Name, "groups": groups}}
	case "SelfSubjectAccessReview", "SubjectAccessReview":
		out.Object["status"] = map[string]any{"allowed": true, "reason": "clitest: the admin may do anything"}
	case "SelfSubjectRulesReview":
		out.Object["status"] = map[string]any{
			"resourceRules":    []any{map[string]any{"verbs": all, "apiGroups": all, "resources": all}},
			"nonResourceRules": []any{map[string]any{"verbs": all, "nonResourceURLs": all}},
			"incomplete":       false,
		}
	}
	return out
}
