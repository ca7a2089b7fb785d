package main

import (
	"crypto/x509"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/group"
	x509request "k8s.io/apiserver/pkg/authentication/request/x509"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"

	"github.com/kubesim/kubesim/kube/scheme"
)

// newCertAuthenticator authenticates client certificates signed by one of
// roots as kube-apiserver's --client-ca-file does: the subject's CommonName
// is the user, its Organizations the groups, and, as for every
// authenticated user upstream, system:authenticated is added.
func newCertAuthenticator(roots *x509.CertPool) authenticator.Request {
	opts := x509request.DefaultVerifyOptions()
	opts.Roots = roots
	return group.NewAuthenticatedGroupAdder(x509request.New(opts, x509request.CommonNameUserConversion))
}

// withClientCerts puts the user a request's client certificate names into
// its context; kubesim's API server keeps a user it finds there and
// authorizes it with RBAC. Requests without a certificate go on as they
// came: kubesim authenticates bearer tokens itself and runs requests with
// no credentials as the cluster admin. A certificate that does not verify
// (unknown CA, expired, no CommonName) is answered 401, as upstream answers a request
// none of its authenticators accepts, unless a bearer token can still
// authenticate it.
func withClientCerts(h http.Handler, authn authenticator.Request) http.Handler {
	if authn == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, ok, _ := authn.AuthenticateRequest(r)
		switch {
		case ok:
			h.ServeHTTP(w, r.WithContext(request.WithUser(r.Context(), resp.User)))
		case hasClientCert(r) && r.Header.Get("Authorization") == "":
			responsewriters.ErrorNegotiated(apierrors.NewUnauthorized("Unauthorized"), scheme.Codecs, schema.GroupVersion{}, w, r)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

func hasClientCert(r *http.Request) bool {
	return r.TLS != nil && len(r.TLS.PeerCertificates) > 0
}
