package get

import (
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The description has each field of the location, the CA by subject and
// expiry, the credentials by reference only, and Velero's message whole.
func TestDescribe(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	ca := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	now := time.Date(2026, 4, 12, 12, 0, 0, 0, time.UTC)
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "velero.io/v1", "kind": "BackupStorageLocation",
		"metadata": map[string]any{"name": "dr-site", "namespace": "velero"},
		"spec": map[string]any{"provider": "aws", "objectStorage": map[string]any{"bucket": "tko-dr", "prefix": "mgmt", "caCert": ca},
			"config": map[string]any{"region": "us-west-2", "s3Url": "https://s3.dr.example.com", "publicUrl": "https://dr.example.com",
				"s3ForcePathStyle": "true", "insecureSkipTLSVerify": "false", "checksumAlgorithm": ""},
			"credential": map[string]any{"name": "dr-site-credentials", "key": "cloud"}, "validationFrequency": "1m0s"},
		"status": map[string]any{"phase": "Unavailable", "lastValidationTime": "2026-04-12T11:59:20Z",
			"message": "BackupStorageLocation \"dr-site\" is unavailable: rpc error: ... api error InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records."}}}
	var out strings.Builder
	if err := Describe(&out, u, now); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Name:                dr-site\n", "Provider:            aws\n", "Bucket:              tko-dr\n", "Prefix:              mgmt\n",
		"S3 URL:              https://s3.dr.example.com\n", "Public URL:          https://dr.example.com\n", "Region:              us-west-2\n",
		"CA:                  O=Acme Co, expires ", "Credentials:         secret dr-site-credentials, key cloud\n",
		"Config:              checksumAlgorithm=, insecureSkipTLSVerify=false\n", "Default:             false\n", "Validated every:     1m0s\n",
		"Phase:               Unavailable\n", "Last validated:      2026-04-12T11:59:20Z (40s ago)\n", "Last synced:         -\n",
		"Message:             BackupStorageLocation \"dr-site\" is unavailable: rpc error: ... api error InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}

	// A location Velero has not looked at yet says so.
	delete(u.Object, "status")
	out.Reset()
	if err := Describe(&out, u, now); err != nil || !strings.Contains(out.String(), "Phase:               Unknown (Velero has not validated it yet") {
		t.Errorf("%v\n%s", err, out.String())
	}
}
