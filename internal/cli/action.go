package cli

import (
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes/scheme"
)

// PrintAction prints kubectl's "<resource>.<group>/<name> <verb>" line for an
// object a command acted on (packageinstall.packaging.carvel.dev/contour
// created), with " (dry run)" when nothing was stored: the line kubectl's
// name printer writes, so scripts parse it the same way.
func PrintAction(out io.Writer, obj *unstructured.Unstructured, verb string, dryRun bool) error {
	flags := genericclioptions.NewPrintFlags(verb).WithTypeSetter(scheme.Scheme)
	if dryRun {
		if err := flags.Complete("%s (dry run)"); err != nil {
			return err
		}
	}
	p, err := flags.ToPrinter()
	if err != nil {
		return err
	}
	return p.PrintObj(obj, out)
}

// OrDash fills an empty table cell: the one empty-cell rule of the tables.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
