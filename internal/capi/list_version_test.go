package capi

import (
	"errors"
	"slices"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestWithTKCVersion: the version tried first is listed without asking
// discovery; only a 404 asks it, and a version it names is listed once.
func TestWithTKCVersion(t *testing.T) {
	notFound := apierrors.NewNotFound(schema.GroupResource{Group: TKRGroup, Resource: "tanzukubernetesclusters"}, "")
	boom := errors.New("boom")
	for _, c := range []struct {
		name    string
		served  map[string]error // version → what its list answers
		found   string           // what discovery names ("" for none)
		want    []string         // versions listed
		asked   bool             // discovery was asked
		wantErr error
	}{
		{"first version served", map[string]error{"v1alpha3": nil}, "v1alpha3", []string{"v1alpha3"}, false, nil},
		{"older version only", map[string]error{"v1alpha3": notFound, "v1alpha2": nil}, "v1alpha2", []string{"v1alpha3", "v1alpha2"}, true, nil},
		{"none served", map[string]error{"v1alpha3": notFound}, "", []string{"v1alpha3"}, true, nil},
		{"discovery agrees it is not there", map[string]error{"v1alpha3": notFound}, "v1alpha3", []string{"v1alpha3"}, true, nil},
		{"other errors are kept", map[string]error{"v1alpha3": boom}, "v1alpha3", []string{"v1alpha3"}, false, boom},
	} {
		t.Run(c.name, func(t *testing.T) {
			var listed []string
			asked := false
			opts := ListOptions{TKCVersions: []string{"v1alpha3"}, TKCVersion: func() (string, bool) { asked = true; return c.found, c.found != "" }}
			err := withTKCVersion(opts, func(v string) error {
				listed = append(listed, v)
				return c.served[v]
			})
			if !errors.Is(err, c.wantErr) || !slices.Equal(listed, c.want) || asked != c.asked {
				t.Errorf("listed %v, asked %v, err %v; want %v, %v, %v", listed, asked, err, c.want, c.asked, c.wantErr)
			}
		})
	}
}
