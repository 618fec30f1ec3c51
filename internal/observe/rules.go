package observe

import (
	_ "embed"
	"fmt"

	"sigs.k8s.io/yaml"
)

//go:embed recommended-rules.yaml
var recommendedRules []byte

// RecommendedRules is TKO's rule file for TKG's Prometheus package (which
// ships no alerting rules), as Prometheus reads it.
func RecommendedRules() []byte { return recommendedRules }

// RuleFile is a Prometheus rule file.
type RuleFile struct {
	Groups []RuleGroup `json:"groups"`
}

// RuleGroup is one group of a rule file.
type RuleGroup struct {
	Name  string     `json:"name"`
	Rules []RuleSpec `json:"rules"`
}

// RuleSpec is one rule as written in a rule file.
type RuleSpec struct {
	Alert       string            `json:"alert,omitempty"`
	Record      string            `json:"record,omitempty"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ParseRules reads a rule file.
func ParseRules(raw []byte) (*RuleFile, error) {
	var f RuleFile
	if err := yaml.UnmarshalStrict(raw, &f); err != nil {
		return nil, fmt.Errorf("reading the rule file: %w", err)
	}
	return &f, nil
}
