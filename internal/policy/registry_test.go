package policy

import (
	"regexp"
	"strings"
	"testing"
)

// TestRegistryProblem: a pattern that cannot match any image is refused
// with why and what to write instead; those that can pass.
func TestRegistryProblem(t *testing.T) {
	for _, tc := range []struct {
		pattern, want string // want "" when the pattern is fine
	}{
		{"harbor.example.com", ""},
		{"harbor.example.com/tkg", ""},
		{"harbor.example.com:5000", ""},
		{"harbor.example.com:5000/tkg/app", ""},
		{"localhost:5000", ""},
		{"docker.io", ""},
		{"nginx", ""},
		{"*.example.com", ""},
		{"harbor.example.com/team-*", ""},
		{"harbor.example.com/*", ""},
		{"", `"" can never match an image: write a registry host or repository`},
		{"harbor .example.com", "image names have no spaces (harbor.example.com)"},
		{" harbor.example.com", "image names have no spaces (harbor.example.com)"},
		{"https://harbor.example.com", "without a scheme (harbor.example.com)"},
		{"https://gcr.io/", "without a scheme (gcr.io)"},
		{"harbor.example.com/app@sha256:0123", "allow the repository (harbor.example.com/app) without a digest"},
		{"harbor.example.com/app:1.0", "allow the repository (harbor.example.com/app) without a tag"},
		{"harbor.example.com:5000/app:v1", "allow the repository (harbor.example.com:5000/app) without a tag"},
		{"nginx:latest", "allow the repository (nginx) without a tag"},
		{"harbor.example.com:", "without a tag"},
		{"harbor.example.com/", "without the trailing / (harbor.example.com)"},
		{"Harbor.example.com/", "without the trailing / (harbor.example.com)"},
		{"Harbor.example.com", "image names are lowercase (harbor.example.com)"},
		{"harbor.example.com/[ab]", "'*' (any characters but /) is the only wildcard"},
		{"harbor.example.com/app?", "'*' (any characters but /) is the only wildcard"},
		{"harbor.example.com/{a,b}", "'*' (any characters but /) is the only wildcard"},
		{"harbor.example.com/**", "write one '*'"},
		{"*", `"*" admits every image`},
		{"harbor..example.com", "write a registry host or repository as images name it"},
		{"-harbor.example.com", "write a registry host or repository as images name it"},
		{"harbor.example.com/app_", "write a registry host or repository as images name it"},
		{"harbor.example.com/a..b", "write a registry host or repository as images name it"},
		{"my_org/app", ""},
	} {
		got := registryProblem(tc.pattern)
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%q: refused: %s", tc.pattern, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%q: %q, want %q", tc.pattern, got, tc.want)
		case tc.want != "" && tc.pattern != "*" && !strings.HasPrefix(got, `"`+tc.pattern+`" can never match an image: `):
			t.Errorf("%q: %q does not say it can never match", tc.pattern, got)
		}
	}
}

// TestGlobs: '*' matches any characters but '/', and a pattern admits
// everything under it, as the CEL rule's regular expression says.
func TestGlobs(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		admits  []string
		refuses []string
	}{
		{"*.example.com", []string{"harbor.example.com/app:1", "a.b.example.com:5000/x@sha256:00"}, []string{"example.com/app:1", "evil.com/x.example.com/app:1", "harbor.example.community/app:1"}},
		{"harbor.example.com/team-*", []string{"harbor.example.com/team-a/app:1", "harbor.example.com/team-b:1"}, []string{"harbor.example.com/other/team-a:1", "harbor.example.com/team/app:1"}},
	} {
		re := regexp.MustCompile("^(?:" + globRegexp(tc.pattern) + ")[/:@]")
		for _, img := range tc.admits {
			if !re.MatchString(img) {
				t.Errorf("%s does not admit %s", tc.pattern, img)
			}
		}
		for _, img := range tc.refuses {
			if re.MatchString(img) {
				t.Errorf("%s admits %s", tc.pattern, img)
			}
		}
	}
	if got := allowExpr([]string{"harbor.example.com", "*.example.org"}); got != `["harbor.example.com"].exists(r, i.startsWith(r + "/") || i.startsWith(r + ":") || i.startsWith(r + "@")) || i.matches("^(?:[^/]*\\.example\\.org)[/:@]")` {
		t.Errorf("allowExpr: %s", got)
	}
}

// TestAdmitsImage: the images the admission policy's allow rule admits.
func TestAdmitsImage(t *testing.T) {
	allow := []string{"harbor.example.com", "*.corp.example", "registry.local:5000/team-*"}
	for image, want := range map[string]bool{
		"harbor.example.com/tkg/app:1.0":   true,
		"harbor.example.com:1.0":           true,
		"harbor.example.com@sha256:abc":    true,
		"harbor.example.com.evil.io/app:1": false,
		"eu.corp.example/app:2":            true,
		"a.b.corp.example/app:2":           true, // '*' matches dots, not '/'
		"corp.example/app:2":               false,
		"registry.local:5000/team-a/app:1": true,
		"registry.local:5000/team-a":       false, // no '/', ':' or '@' after the pattern
		"registry.local:5000/other/app:1":  false,
		"docker.io/library/nginx:1.27":     false,
		"nginx":                            false,
	} {
		if got := AdmitsImage(allow, image); got != want {
			t.Errorf("AdmitsImage(%q) = %v, want %v", image, got, want)
		}
	}
	if AdmitsImage(nil, "harbor.example.com/app:1") {
		t.Error("no pattern admits an image")
	}
}
