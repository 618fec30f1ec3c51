package vsphere

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
)

// toServer sends every request to one test server, whatever its address.
type toServer struct{ url *url.URL }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = t.url.Scheme, t.url.Host
	return http.DefaultTransport.RoundTrip(r)
}

func TestPinnipedReadsTheConfigMapsData(t *testing.T) {
	pem := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/namespaces/kube-public/configmaps/pinniped-info" {
			http.NotFound(w, r)
			return
		}
		// A whole ConfigMap as the API server writes it; only data is read.
		_, _ = w.Write([]byte(`{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"pinniped-info","namespace":"kube-public","uid":"u"},` +
			`"data":{"issuer":"https://wcp.example.com/wcp/pinniped","issuer_ca_bundle_data":` + strconv.Quote(pem) + `}}`))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	info, ok, err := Pinniped(context.Background(), &http.Client{Transport: toServer{u}}, Server{Host: "wcp.example.com", Port: "443"})
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if info.Issuer != "https://wcp.example.com/wcp/pinniped" || info.CABundle != base64.StdEncoding.EncodeToString([]byte(pem)) {
		t.Errorf("got %+v", info)
	}
}
