package cli

import (
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/printers"
)

// PrintAction prints what a command did to an object the way kubectl does:
// "<lowercase kind>.<group>/<name> <verb>", with " (dry run)" when nothing
// was stored.
func PrintAction(out io.Writer, obj *unstructured.Unstructured, verb string, dryRun bool) error {
	if dryRun {
		verb += " (dry run)"
	}
	return (&printers.NamePrinter{Operation: verb}).PrintObj(obj, out)
}
