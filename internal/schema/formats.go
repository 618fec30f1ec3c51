package schema

import (
	"encoding/base64"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The patterns compile when first used, not at every start.
var (
	hostnameRe = lazy(`^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$`)
	timeRe     = lazy(`^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$`)
	uuidRe     = lazy(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)
	uuid3Re    = lazy(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)
	uuid4Re    = lazy(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`)
	durationRe = lazy(`((\d+)\s*([A-Za-zµ]+))`)
	uuid5Re    = lazy(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`)
)

// formats are the string formats the API server checks, by name without
// dashes or underscores, lower case.
var formats = map[string]func(string) bool{
	"ipv4":     func(s string) bool { return parseIPSloppy(s) != nil && strings.Contains(s, ".") },
	"ipv6":     func(s string) bool { return net.ParseIP(s) != nil && strings.Contains(s, ":") },
	"cidr":     isCIDR,
	"hostname": isHostname,
	"uri":      isRequestURI,
	"datetime": isDateTime,
	"date":     isDate,
	"byte": func(s string) bool {
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return false
		}
		_, err := base64.StdEncoding.DecodeString(s)
		return err == nil
	},
	"email": func(s string) bool {
		_, err := mail.ParseAddress(s)
		return err == nil
	},
	"mac": func(s string) bool {
		_, err := net.ParseMAC(s)
		return err == nil
	},
	"uuid":     func(s string) bool { return uuidRe().MatchString(s) },
	"uuid3":    func(s string) bool { return uuid3Re().MatchString(s) },
	"uuid4":    func(s string) bool { return uuid4Re().MatchString(s) },
	"uuid5":    func(s string) bool { return uuid5Re().MatchString(s) },
	"password": func(string) bool { return true },
	"duration": isDuration,
}

// formatValid says whether s is of format, and whether the format is one
// that is checked.
func formatValid(format, s string) (valid, known bool) {
	name := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(format))
	check, ok := formats[name]
	if !ok {
		return true, false
	}
	return check(s), true
}

// parseIPSloppy parses an IP address tolerating leading zeros in IPv4
// octets, as Kubernetes does.
func parseIPSloppy(s string) net.IP {
	if ip := net.ParseIP(s); ip != nil {
		return ip
	}
	if strings.Contains(s, ":") {
		return nil
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return nil
	}
	for i, p := range parts {
		t := strings.TrimLeft(p, "0")
		if t == "" && p != "" {
			t = "0"
		}
		parts[i] = t
	}
	return net.ParseIP(strings.Join(parts, "."))
}

func isCIDR(s string) bool {
	addr, bits, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	ip := parseIPSloppy(addr)
	if ip == nil {
		return false
	}
	if ip4 := ip.To4(); ip4 != nil && !strings.Contains(addr, ":") {
		addr = ip4.String()
	}
	_, _, err := net.ParseCIDR(addr + "/" + bits)
	return err == nil
}

func isHostname(s string) bool {
	if !hostnameRe().MatchString(s) || len(s) > 255 {
		return false
	}
	for _, p := range strings.Split(s, ".") {
		if len(p) > 63 {
			return false
		}
	}
	return true
}

func isRequestURI(s string) bool {
	_, err := url.ParseRequestURI(s)
	return err == nil
}

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func isDateTime(s string) bool {
	if len(s) < 4 {
		return false
	}
	parts := strings.Split(strings.ToLower(s), "t")
	if len(parts) < 2 || !isDate(parts[0]) {
		return false
	}
	m := timeRe().FindStringSubmatch(parts[1])
	return m != nil && m[1] <= "23" && m[2] <= "59" && m[3] <= "59"
}

// isDuration reads a duration as the API server does: Go's form, or any
// count followed by a unit Go has or days and weeks, each unit known by
// its variants.
func isDuration(s string) bool {
	if _, err := time.ParseDuration(s); err == nil {
		return true
	}
	for _, m := range durationRe().FindAllStringSubmatch(s, -1) {
		if _, err := strconv.Atoi(m[2]); err != nil {
			return false
		}
		unit := strings.ToLower(strings.TrimSpace(m[3]))
		for _, variants := range timeUnits {
			last := len(variants) - 1
			for i, variant := range variants {
				if (last == i && strings.HasPrefix(unit, variant)) || strings.EqualFold(variant, unit) {
					return true
				}
			}
		}
	}
	return false
}

var timeUnits = [][]string{
	{"ns", "nano"},
	{"us", "µs", "micro"},
	{"ms", "milli"},
	{"s", "sec"},
	{"m", "min"},
	{"h", "hr", "hour"},
	{"d", "day"},
	{"w", "wk", "week"},
}

func lazy(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
