package groups

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Package values may hold credentials, so they live only in Secrets: the
// group's, in Namespace, one key per install, which the group's ConfigMap
// names; and per member and intent one in the member's namespace of the
// management cluster, holding the values Secrets to deploy into the member,
// which the member's App reads through fetch.inline.pathsFrom. Neither the
// ConfigMap nor an App holds a value, and nothing prints one.

// ValuesSecretName is the Secret, in Namespace, of a group's package values.
func ValuesSecretName(group string) string { return "tko-group-" + group + "-values" }

// MemberValuesName is the Secret, beside an App, that the App deploys the
// values Secrets of its installs from.
func MemberValuesName(app string) string { return app + "-values" }

// memberValuesKey is the file the App's fetch makes of it.
func memberValuesKey(in Intent) string { return in.Kind + "-values.yaml" }

// valuesKey is an install's key in the group's values Secret.
func valuesKey(in Intent, p *PackageIntent) string {
	if in.Stack != nil {
		return in.Kind + "." + in.Name + "." + p.Name
	}
	return in.Kind + "." + in.Name
}

// eachInstall calls fn with every install of every intent of a group, in place.
func eachInstall(g *Group, fn func(in Intent, p *PackageIntent) error) error {
	for _, in := range g.Intents {
		switch {
		case in.Package != nil:
			if err := fn(in, in.Package); err != nil {
				return err
			}
		case in.Stack != nil:
			for i := range in.Stack.Installs {
				if err := fn(in, &in.Stack.Installs[i]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// LoadValues reads, from the group's values Secret, the values of the
// installs that have some and are not read yet.
func LoadValues(ctx context.Context, dyn dynamic.Interface, g *Group) error {
	var data map[string]string
	return eachInstall(g, func(in Intent, p *PackageIntent) error {
		if p.ValuesFrom == nil || p.Values != nil {
			return nil
		}
		missing := &errs.NotFoundError{Kind: "secret", Name: Namespace + "/" + p.ValuesFrom.Secret,
			Hint: fmt.Sprintf("the values of %s of group %s are gone (key %s); attach it again with its values", in.ID(), g.Name, p.ValuesFrom.Key)}
		if data == nil {
			u, err := dyn.Resource(Secrets).Namespace(Namespace).Get(ctx, p.ValuesFrom.Secret, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return missing
			}
			if err != nil {
				return fmt.Errorf("reading the values of group %s: %w", g.Name, err)
			}
			data, _, _ = unstructured.NestedStringMap(u.Object, "data")
		}
		enc, ok := data[p.ValuesFrom.Key]
		if !ok {
			return missing
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return fmt.Errorf("the values of %s of group %s: %w", in.ID(), g.Name, err)
		}
		v, err := carvel.LoadValues(p.ValuesFrom.Key, raw, nil)
		if err != nil {
			return fmt.Errorf("the values of %s of group %s: %w", in.ID(), g.Name, err)
		}
		p.Values = v
		return nil
	})
}

// saveValues writes the group's values Secret, a key per install with
// values, and points each install at its key; without values anywhere the
// Secret goes.
func saveValues(ctx context.Context, dyn dynamic.Interface, g *Group) error {
	if err := LoadValues(ctx, dyn, g); err != nil {
		return err
	}
	name := ValuesSecretName(g.Name)
	data := map[string]any{}
	err := eachInstall(g, func(in Intent, p *PackageIntent) error {
		if p.Values == nil || p.Values.Empty() {
			p.ValuesFrom = nil
			return nil
		}
		raw, err := p.Values.YAML()
		if err != nil {
			return fmt.Errorf("encoding the values of %s: %w", in.ID(), err)
		}
		key := valuesKey(in, p)
		data[key] = base64.StdEncoding.EncodeToString(raw)
		p.ValuesFrom = &SecretKey{Secret: name, Key: key}
		return nil
	})
	if err != nil {
		return err
	}
	client := dyn.Resource(Secrets).Namespace(Namespace)
	if len(data) == 0 {
		if err := client.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting the values of group %s: %w", g.Name, err)
		}
		return nil
	}
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
		"metadata": map[string]any{"name": name, "namespace": Namespace, "labels": map[string]any{LabelGroup: g.Name}},
		"data":     data,
	}}
	if _, err := client.Apply(ctx, name, secret, metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true}); err != nil {
		return fmt.Errorf("saving the values of group %s: %w", g.Name, err)
	}
	return nil
}

// memberValues is the Secret an App reads its installs' values Secrets
// from: their manifests, as one file of the App's fetch.
func memberValues(g *Group, in Intent, m Member, secrets []*unstructured.Unstructured) (*unstructured.Unstructured, error) {
	docs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		raw, err := yaml.Marshal(s.Object)
		if err != nil {
			return nil, fmt.Errorf("rendering the values of %s: %w", in.ID(), err)
		}
		docs = append(docs, string(raw))
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
		"metadata": map[string]any{"name": MemberValuesName(AppName(g.Name, in, m)), "namespace": m.Namespace, "labels": map[string]any{
			LabelGroup: g.Name, LabelIntent: in.Name, LabelIntentKind: in.Kind, kube.LabelCluster: m.Name,
		}},
		"data": map[string]any{memberValuesKey(in): base64.StdEncoding.EncodeToString([]byte(strings.Join(docs, "---\n")))},
	}}, nil
}

// writeMemberValues writes (or, without values, deletes) the values Secret
// of an App, before the App that reads it.
func writeMemberValues(ctx context.Context, c *kube.Clients, g *Group, in Intent, m Member, secrets []*unstructured.Unstructured, dryRun bool) error {
	client := c.Dynamic.Resource(Secrets).Namespace(m.Namespace)
	if len(secrets) == 0 {
		return deleteMemberValues(ctx, c, m.Namespace, AppName(g.Name, in, m), dryRun)
	}
	s, err := memberValues(g, in, m, secrets)
	if err != nil {
		return err
	}
	if _, err := client.Apply(ctx, s.GetName(), s, metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true, DryRun: kube.DryRun(dryRun)}); err != nil {
		return fmt.Errorf("writing the values Secret %s/%s: %w", m.Namespace, s.GetName(), err)
	}
	return nil
}

// deleteMemberValues deletes the values Secret of an App, if any.
func deleteMemberValues(ctx context.Context, c *kube.Clients, namespace, app string, dryRun bool) error {
	err := c.Dynamic.Resource(Secrets).Namespace(namespace).Delete(ctx, MemberValuesName(app), metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting the values Secret %s/%s: %w", namespace, MemberValuesName(app), err)
	}
	return nil
}
