package wait

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
)

// Delete asks for an object's deletion. An interrupt that cuts the request
// short may land after the API server took it: one look, which the
// interrupt does not cancel, tells which, so the command says what it did
// (a deletion that was requested goes on; one that was not is "not
// deleted"). A missing object is no error: its deletion is over.
func Delete(ctx context.Context, client dynamic.ResourceInterface, name string, opts metav1.DeleteOptions) error {
	err := client.Delete(ctx, name, opts)
	if err == nil || apierrors.IsNotFound(err) {
		return nil
	}
	if ctx.Err() == nil || len(opts.DryRun) > 0 {
		return err
	}
	look, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	u, getErr := client.Get(look, name, metav1.GetOptions{})
	if apierrors.IsNotFound(getErr) || getErr == nil && u.GetDeletionTimestamp() != nil {
		return nil
	}
	return err
}
