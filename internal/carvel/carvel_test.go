package carvel

import (
	"strings"
	"testing"
)

var contourSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"namespace": map[string]any{"type": "string", "default": "tanzu-system-ingress"},
		"contour": map[string]any{"type": "object", "properties": map[string]any{
			"replicas": map[string]any{"type": "integer", "default": int64(2), "minimum": int64(1)},
			"logLevel": map[string]any{"type": "string", "default": "info", "enum": []any{"info", "debug"}},
		}},
		"extra": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
		"note":  map[string]any{"type": "string", "nullable": true},
	},
}

func TestValidateReportsEveryProblemWithItsLine(t *testing.T) {
	raw := []byte("contour:\n  replicas: 0\n  logLevl: debug\n  logLevel: trace\nextra:\n  anything: 1\nnote: null\n")
	v, err := LoadValues("values.yaml", raw, []string{"namespace=3"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range v.Validate(contourSchema) {
		got = append(got, p.String())
	}
	want := []string{
		"values.yaml:2: contour.replicas: minimum: got 0, want 1",
		`values.yaml:3: contour.logLevl: unknown key "logLevl" (did you mean "logLevel"?)`,
		"values.yaml:4: contour.logLevel: value must be one of 'info', 'debug'",
		"--values namespace=3: got number, want string",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValuesFlagsKeepTypes(t *testing.T) {
	v, err := LoadValues("", nil, []string{"contour.replicas=3", "contour.logLevel=debug", "flag=true", "list=[a]"})
	if err != nil {
		t.Fatal(err)
	}
	c := v.Data["contour"].(map[string]any)
	if c["replicas"] != int64(3) || c["logLevel"] != "debug" || v.Data["flag"] != true || v.Data["list"] != "[a]" {
		t.Fatalf("values: %#v", v.Data)
	}
	if _, err := LoadValues("", nil, []string{"contour=1", "contour.replicas=2"}); err == nil || !strings.Contains(err.Error(), "contour is not a mapping") {
		t.Fatalf("setting under a scalar: %v", err)
	}
	if _, err := LoadValues("v.yaml", []byte("- a\n- b\n"), nil); err == nil || !strings.Contains(err.Error(), "must be a YAML mapping") {
		t.Fatalf("a list as values: %v", err)
	}
}

func TestDefaultsAndSchemaFields(t *testing.T) {
	d := Defaults(contourSchema).(map[string]any)
	if d["namespace"] != "tanzu-system-ingress" || d["contour"].(map[string]any)["replicas"] != int64(2) {
		t.Fatalf("defaults: %#v", d)
	}
	fields := SchemaFields(contourSchema)
	if len(fields) != 5 || fields[0].Key != "contour.logLevel" || fields[0].Default != "info" {
		t.Fatalf("fields: %#v", fields)
	}
}

func TestCompareVersionsOrdersBuilds(t *testing.T) {
	ordered := []string{"1.25.2+vmware.1-tkg.1", "1.26.1+vmware.1-tkg.1", "1.26.1+vmware.1-tkg.2", "1.26.1+vmware.1-tkg.10", "1.27.0-rc.1", "1.27.0"}
	for i := 0; i+1 < len(ordered); i++ {
		if CompareVersions(ordered[i], ordered[i+1]) >= 0 || CompareVersions(ordered[i+1], ordered[i]) <= 0 {
			t.Fatalf("%s should sort before %s", ordered[i], ordered[i+1])
		}
	}
}

func TestResolve(t *testing.T) {
	cat := &Catalog{Namespace: "ns", Versions: map[string][]*Package{}}
	for _, v := range []string{"1.26.1+vmware.1-tkg.1", "1.25.2+vmware.1-tkg.1", "2.0.0-rc.1"} {
		p := &Package{}
		p.Spec.RefName, p.Spec.Version = "contour.tanzu.vmware.com", v
		cat.Versions[p.Spec.RefName] = append(cat.Versions[p.Spec.RefName], p)
	}
	for _, tc := range []struct{ version, constraint, want, err string }{
		{"", "", "1.26.1+vmware.1-tkg.1", ""},
		{"1.25.2", "", "1.25.2+vmware.1-tkg.1", ""},
		{"", ">=1.0.0 <1.26.0", "1.25.2+vmware.1-tkg.1", ""},
		{"", ">=3.0.0", "", `">=3.0.0" not found`},
		{"1.24.0", "", "", `version "1.24.0" not found`},
		{"", ">=2.0.0-0", "", `not found`}, // pre-releases only by exact version, as kapp-controller
		{"2.0.0-rc.1", "", "2.0.0-rc.1", ""},
		{"", "^1.2.0", "", `invalid version constraint "^1.2.0"`}, // kapp-controller's range syntax has no ^
	} {
		p, err := cat.Resolve("contour.tanzu.vmware.com", tc.version, tc.constraint)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q/%q: error %v, want %q", tc.version, tc.constraint, err, tc.err)
			}
		case err != nil || p.Spec.Version != tc.want:
			t.Errorf("%q/%q: got %v %v, want %s", tc.version, tc.constraint, p, err, tc.want)
		}
	}
	if _, err := cat.Resolve("contuor.tanzu.vmware.com", "", ""); err == nil || !strings.Contains(err.Error(), `did you mean "contour.tanzu.vmware.com"`) {
		t.Fatalf("typo: %v", err)
	}
}

func TestStackOrderAndProblems(t *testing.T) {
	st, err := ParseStack("profile", []byte(Profiles["tko-shared-services"]))
	if err != nil {
		t.Fatal(err)
	}
	waves, err := st.Order()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range waves {
		var wave []string
		for _, in := range w {
			wave = append(wave, in.Name)
		}
		names = append(names, strings.Join(wave, ","))
	}
	want := "cert-manager,fluent-bit,multus-cni | contour | external-dns,prometheus,harbor | grafana"
	if got := strings.Join(names, " | "); got != want {
		t.Fatalf("waves %s, want %s", got, want)
	}
	_, err = ParseStack("s.yaml", []byte("apiVersion: tko.vmware.com/v1alpha1\nkind: PackageStack\nspec:\n  installs:\n  - name: a\n    package: a.dev\n    dependsOn: [b]\n  - name: b\n    package: b.dev\n    dependsOn: [a]\n    release: 1.0.0\n"))
	if err == nil || !strings.Contains(err.Error(), `line 11: spec.installs[1]: unknown field "release"`) {
		t.Fatalf("unknown field: %v", err)
	}
	_, err = ParseStack("s.yaml", []byte("apiVersion: tko.vmware.com/v1alpha1\nkind: PackageStack\nspec:\n  installs:\n  - name: a\n    package: a.dev\n    dependsOn: [b]\n  - name: b\n    package: b.dev\n    dependsOn: [a]\n"))
	if err == nil || !strings.Contains(err.Error(), "the dependencies form a cycle among a, b") {
		t.Fatalf("cycle: %v", err)
	}
}
