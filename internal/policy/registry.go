package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Registry patterns (image-registry's allow) are matched against images as
// the pod spec writes them: a pattern admits an image that starts with it
// followed by '/', ':' or '@' (harbor.example.com admits
// harbor.example.com/tkg/app:1.0). '*' matches any characters but '/'
// (*.example.com, harbor.example.com/team-*).

// registryRE is what a registry, repository or image prefix may look like
// as it appears in an image reference (the distribution reference
// grammar), once each '*' is read as a letter: a host with its port, or a
// Docker Hub path component, then path components.
var registryRE = sync.OnceValue(func() *regexp.Regexp {
	label := `[a-z0-9]([a-z0-9-]*[a-z0-9])?`
	host := label + `(\.` + label + `)*(:[0-9]+)?`
	component := `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
	return regexp.MustCompile(`^(` + host + `|` + component + `)(/` + component + `)*$`)
})

// registryProblem says why a registry pattern cannot match any image, and
// what to write instead; "" when it can.
func registryProblem(r string) string {
	fix := ""
	if s := suggestRegistry(r); s != r && s != "" && registryProblem(s) == "" {
		fix = fmt.Sprintf(" (%s)", s)
	}
	never := fmt.Sprintf("%q can never match an image: ", r)
	switch {
	case r == "":
		return never + "write a registry host or repository as images name it (harbor.example.com, harbor.example.com/tkg, *.example.com)"
	case strings.ContainsAny(r, " \t\r\n"):
		return never + "image names have no spaces" + fix
	case strings.Contains(r, "://"):
		return never + "images name a registry without a scheme" + fix
	case strings.Contains(r, "@"):
		return never + "allow the repository" + fix + " without a digest; the require-digest rule requires digests"
	case tagAt(r) >= 0:
		return never + "allow the repository" + fix + " without a tag; the block-latest-tag and require-digest rules govern tags"
	case strings.HasSuffix(r, "/"):
		return never + "write it without the trailing /" + fix + ", which admits everything under it"
	case strings.ContainsAny(r, `?[]{}\!^$|()+`):
		return never + "'*' (any characters but /) is the only wildcard"
	case strings.Contains(r, "**"):
		return never + "write one '*': it matches any characters but /, and a pattern admits everything under it"
	case r == "*":
		return fmt.Sprintf("%q admits every image: leave the allow rule out instead", r)
	case r != strings.ToLower(r):
		return never + "image names are lowercase" + fix
	case !registryRE().MatchString(strings.ReplaceAll(r, "*", "x")):
		return never + "write a registry host or repository as images name it (harbor.example.com, harbor.example.com/tkg, *.example.com)"
	}
	return ""
}

// tagAt is the index of the ':' of a tag in a pattern, -1 without one: a
// ':' after the first '/', or in the first component when what follows is
// not a port number (nginx:1.27).
func tagAt(r string) int {
	first, _, _ := strings.Cut(r, "/")
	if i := strings.LastIndex(r, ":"); i > len(first) {
		return i
	}
	if i := strings.Index(first, ":"); i >= 0 {
		if port := first[i+1:]; port == "" || strings.Trim(port, "0123456789") != "" {
			return i
		}
	}
	return -1
}

// suggestRegistry is what a pattern probably meant: without spaces,
// capitals, scheme, digest, tag or trailing '/'.
func suggestRegistry(r string) string {
	s := strings.ToLower(strings.Join(strings.Fields(r), ""))
	if _, after, ok := strings.Cut(s, "://"); ok {
		s = after
	}
	s, _, _ = strings.Cut(s, "@")
	if i := tagAt(s); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, "/")
}

// splitPatterns parts patterns into plain prefixes and, for those with
// '*', one regular expression (RE2, which CEL's matches() and Go share);
// "" when there are none.
func splitPatterns(patterns []string) (plain []string, globs string) {
	var res []string
	for _, r := range patterns {
		if strings.Contains(r, "*") {
			res = append(res, globRegexp(r))
		} else {
			plain = append(plain, r)
		}
	}
	if len(res) > 0 {
		globs = "^(?:" + strings.Join(res, "|") + ")[/:@]"
	}
	return plain, globs
}

// allowExpr is the CEL condition that an image i comes from one of the
// patterns: plain ones by prefix, those with '*' by a regular expression.
func allowExpr(patterns []string) string {
	plain, globs := splitPatterns(patterns)
	var conds []string
	if len(plain) > 0 {
		quoted := make([]string, len(plain))
		for i, r := range plain {
			quoted[i] = strconv.Quote(r)
		}
		conds = append(conds, fmt.Sprintf(`[%s].exists(r, i.startsWith(r + "/") || i.startsWith(r + ":") || i.startsWith(r + "@"))`, strings.Join(quoted, ", ")))
	}
	if globs != "" {
		conds = append(conds, fmt.Sprintf(`i.matches(%s)`, strconv.Quote(globs)))
	}
	return strings.Join(conds, " || ")
}

// AdmitsImage reports whether an image, as a pod spec writes it, comes
// from one of the allow patterns: what allowExpr's CEL decides at
// admission, from the same prefixes and regular expression.
func AdmitsImage(patterns []string, image string) bool {
	plain, globs := splitPatterns(patterns)
	for _, r := range plain {
		if strings.HasPrefix(image, r+"/") || strings.HasPrefix(image, r+":") || strings.HasPrefix(image, r+"@") {
			return true
		}
	}
	if globs == "" {
		return false
	}
	re, err := regexp.Compile(globs)
	return err == nil && re.MatchString(image)
}

// globRegexp is a pattern with '*' as a regular expression (RE2, which
// CEL's matches() and Go share).
func globRegexp(r string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(r), `\*`, `[^/]*`)
}
