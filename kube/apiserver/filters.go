package apiserver

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/filters"
	"k8s.io/apiserver/pkg/endpoints/filters/impersonation"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"

	"github.com/kubesim/kubesim/kube/scheme"
)

// Admin is the identity requests run as: kubeadm's cluster admin.
var Admin = &user.DefaultInfo{
	Name:   "kubernetes-admin",
	Groups: []string{user.SystemPrivilegedGroup, user.AllAuthenticated},
}

// withFilters wraps h in the parts of kube-apiserver's filter chain that
// matter in a simulation, in upstream's order: panic recovery, request
// info, authentication, impersonation, authorization, warning headers and
// the count of requests in flight.
func (s *Server) withFilters(h http.Handler) http.Handler {
	h = s.withActivity(h)
	h = withWarnings(h)
	if s.authz != nil {
		h = filters.WithAuthorization(h, s.authz, scheme.Codecs)
		h = impersonation.WithImpersonation(h, s.authz, scheme.Codecs)
	}
	h = s.withAuthentication(h)
	h = s.withRequestInfo(h)
	h = withRecovery(h)
	return h
}

// withAuthentication identifies a request by its credentials, answering
// 401 when they are not valid. A request without credentials runs as
// Admin: in-process clients and the kubeconfig kubesim writes carry none.
func (s *Server) withAuthentication(h http.Handler) http.Handler {
	unauthorized := filters.Unauthorized(scheme.Codecs)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := request.UserFrom(r.Context()); ok {
			h.ServeHTTP(w, r)
			return
		}
		if s.authn == nil || r.Header.Get("Authorization") == "" {
			h.ServeHTTP(w, r.WithContext(request.WithUser(r.Context(), Admin)))
			return
		}
		resp, ok, err := s.authn.AuthenticateRequest(r)
		if err != nil || !ok {
			unauthorized.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r.WithContext(request.WithUser(r.Context(), resp.User)))
	})
}

func (s *Server) withRequestInfo(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, err := s.resolver.NewRequestInfo(r)
		if err != nil {
			responsewriters.InternalError(w, r, fmt.Errorf("resolve request info: %w", err))
			return
		}
		// The handlers record into an audit context; kubesim keeps no audit
		// log, so it stays disabled.
		ctx := audit.WithAuditContext(request.WithRequestInfo(r.Context(), info))
		ctx = request.WithReceivedTimestamp(ctx, time.Now()) // wall-clock: the handlers measure request latency
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withActivity counts requests other than watches as work in flight.
func (s *Server) withActivity(h http.Handler) http.Handler {
	if s.activity == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := request.RequestInfoFrom(r.Context()); ok && info.Verb == "watch" {
			h.ServeHTTP(w, r)
			return
		}
		s.activity.Begin()
		defer s.activity.End()
		h.ServeHTTP(w, r)
	})
}

// withRecovery answers a panicking request with 500 and keeps serving, as
// kube-apiserver's WithPanicRecovery does. http.ErrAbortHandler is passed
// on: it is how a handler aborts a response on purpose.
func withRecovery(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				err := apierrors.NewInternalError(fmt.Errorf("panic while serving %s %s: %v", r.Method, r.URL.Path, v))
				utilruntime.HandleErrorWithContext(r.Context(), err, "Recovered from a panic", "stack", string(debug.Stack()))
				responsewriters.ErrorNegotiated(err, scheme.Codecs, schema.GroupVersion{}, w, r)
			}
		}()
		h.ServeHTTP(w, r)
	})
}
