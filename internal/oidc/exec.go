package oidc

import (
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientauthv1 "k8s.io/client-go/pkg/apis/clientauthentication/v1"
	clientauthv1beta1 "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
)

// The ExecCredential versions client-go speaks.
const (
	ExecV1      = "client.authentication.k8s.io/v1"
	ExecV1beta1 = "client.authentication.k8s.io/v1beta1"
)

// ClusterInfo is the cluster kubectl is calling, from KUBERNETES_EXEC_INFO
// (provideClusterInfo: true).
type ClusterInfo struct {
	Server                   string `json:"server"`
	CertificateAuthorityData string `json:"certificate-authority-data,omitempty"`
}

// ExecInfo is the ExecCredential client-go passes in KUBERNETES_EXEC_INFO.
type ExecInfo struct {
	APIVersion string `json:"apiVersion"`
	Spec       struct {
		Cluster     *ClusterInfo `json:"cluster,omitempty"`
		Interactive bool         `json:"interactive"`
	} `json:"spec"`
}

// ParseExecInfo reads KUBERNETES_EXEC_INFO; empty means not run by client-go.
func ParseExecInfo(env string) (*ExecInfo, error) {
	if env == "" {
		return nil, nil
	}
	var info ExecInfo
	if err := json.Unmarshal([]byte(env), &info); err != nil {
		return nil, fmt.Errorf("KUBERNETES_EXEC_INFO is not an ExecCredential: %w", err)
	}
	switch info.APIVersion {
	case ExecV1, ExecV1beta1:
	case "":
		info.APIVersion = ExecV1
	default:
		return nil, fmt.Errorf("KUBERNETES_EXEC_INFO asks for %s; this plugin speaks %s and %s", info.APIVersion, ExecV1, ExecV1beta1)
	}
	return &info, nil
}

// ExecCredential renders the credential for client-go in the version
// asked for (v1 when info is nil).
func ExecCredential(info *ExecInfo, cred *Credential) ([]byte, error) {
	exp := metav1.NewTime(cred.Expiry.UTC().Truncate(time.Second))
	if info != nil && info.APIVersion == ExecV1beta1 {
		return json.Marshal(&clientauthv1beta1.ExecCredential{
			TypeMeta: metav1.TypeMeta{APIVersion: ExecV1beta1, Kind: "ExecCredential"},
			Status: &clientauthv1beta1.ExecCredentialStatus{ExpirationTimestamp: &exp, Token: cred.Token,
				ClientCertificateData: cred.ClientCertificateData, ClientKeyData: cred.ClientKeyData},
		})
	}
	return json.Marshal(&clientauthv1.ExecCredential{
		TypeMeta: metav1.TypeMeta{APIVersion: ExecV1, Kind: "ExecCredential"},
		Status: &clientauthv1.ExecCredentialStatus{ExpirationTimestamp: &exp, Token: cred.Token,
			ClientCertificateData: cred.ClientCertificateData, ClientKeyData: cred.ClientKeyData},
	})
}
