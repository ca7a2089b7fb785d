package defaults

import (
	certificatesv1 "k8s.io/api/certificates/v1"
	"k8s.io/utils/ptr"
)

// defaultPodCertificateRequest applies the "+default=86400" marker on
// PodCertificateRequestSpec.MaxExpirationSeconds: certificates live at most
// a day unless the request says otherwise. CertificateSigningRequest has
// no defaults in certificates/v1.
func defaultPodCertificateRequest(r *certificatesv1.PodCertificateRequest) {
	if r.Spec.MaxExpirationSeconds == nil {
		r.Spec.MaxExpirationSeconds = ptr.To[int32](86400)
	}
}
