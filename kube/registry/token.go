package registry

import (
	"context"
	"fmt"
	"math"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/auth"
	"github.com/kubesim/kubesim/store"
)

// Lifetimes of pod-bound tokens (k8s.io/kubernetes/pkg/serviceaccount):
// the kubelet asks for 3607 seconds, an amount nobody else asks for, and
// kube-apiserver (--service-account-extend-token-expiration, on by
// default) makes such a token last a year while marking it to be replaced
// after the 3607 seconds, so that clients that never reload their token
// keep working.
const (
	warnOnlyBoundTokenExpirationSeconds = 3607
	expirationExtensionSeconds          = 365 * 24 * 60 * 60
	defaultTokenExpirationSeconds       = 3600
)

var tokenRequestKind = authenticationv1.SchemeGroupVersion.WithKind("TokenRequest")

// tokenREST serves serviceaccounts/token: it issues a token for the
// service account named by the URL, optionally bound to a pod, node or
// secret (pkg/registry/core/serviceaccount/storage/token.go).
type tokenREST struct {
	store  *store.Store
	issuer *auth.ServiceAccountTokens
	clock  utilclock.PassiveClock
}

var (
	_ rest.NamedCreater             = (*tokenREST)(nil)
	_ rest.GroupVersionKindProvider = (*tokenREST)(nil)
)

func (r *tokenREST) New() runtime.Object     { return &authenticationv1.TokenRequest{} }
func (r *tokenREST) Destroy()                {}
func (r *tokenREST) NamespaceScoped() bool   { return true }
func (r *tokenREST) GetSingularName() string { return "token" }

// GroupVersionKind tells discovery that the subresource takes an
// authentication.k8s.io/v1 TokenRequest.
func (r *tokenREST) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return tokenRequestKind
}

// Create issues a token for the service account named by the URL.
func (r *tokenREST) Create(ctx context.Context, name string, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	req, ok := obj.(*authenticationv1.TokenRequest)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a TokenRequest: %T", obj))
	}
	namespace, _ := genericapirequest.NamespaceFrom(ctx)
	if req.Name != "" && req.Name != name {
		return nil, apierrors.NewInvalid(tokenRequestKind.GroupKind(), name, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "name"), req.Name, "must match the service account name if specified")})
	}
	if req.Namespace != "" && req.Namespace != namespace {
		return nil, apierrors.NewInvalid(tokenRequestKind.GroupKind(), name, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "namespace"), req.Namespace, "must match the service account namespace if specified")})
	}
	if req.Spec.ExpirationSeconds == nil {
		req.Spec.ExpirationSeconds = ptrInt64(defaultTokenExpirationSeconds)
	}
	if errs := validateTokenRequest(req); len(errs) > 0 {
		return nil, apierrors.NewInvalid(tokenRequestKind.GroupKind(), "", errs)
	}
	sa, ok := r.store.View().Get("serviceaccounts", namespace, name).(*corev1.ServiceAccount)
	if !ok {
		return nil, apierrors.NewNotFound(corev1.Resource("serviceaccounts"), name)
	}
	bound, err := r.boundObject(namespace, name, req.Spec.BoundObjectRef)
	if err != nil {
		return nil, err
	}
	if len(req.Spec.Audiences) == 0 {
		req.Spec.Audiences = append([]string(nil), auth.APIAudiences...)
	}
	if createValidation != nil {
		if err := createValidation(ctx, req.DeepCopyObject()); err != nil {
			return nil, err
		}
	}
	exp := time.Duration(*req.Spec.ExpirationSeconds) * time.Second
	var warnAfter time.Duration
	if bound.Pod != nil && *req.Spec.ExpirationSeconds == warnOnlyBoundTokenExpirationSeconds && apiAudiences(req.Spec.Audiences) {
		warnAfter, exp = exp, expirationExtensionSeconds*time.Second
	}
	token, err := r.issuer.Issue(sa, bound, exp, warnAfter, req.Spec.Audiences)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	out := req.DeepCopy()
	out.Name, out.Namespace = name, namespace
	out.Status = authenticationv1.TokenRequestStatus{
		Token:               token,
		ExpirationTimestamp: metav1.NewTime(r.clock.Now().Add(time.Duration(*req.Spec.ExpirationSeconds) * time.Second)),
	}
	return out, nil
}

// validateTokenRequest is upstream's ValidateTokenRequest.
func validateTokenRequest(tr *authenticationv1.TokenRequest) field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("spec", "expirationSeconds")
	if s := *tr.Spec.ExpirationSeconds; s < 600 {
		errs = append(errs, field.Invalid(p, s, "may not specify a duration less than 10 minutes"))
	} else if s > math.MaxUint32 {
		errs = append(errs, field.Invalid(p, s, "may not specify a duration larger than 2^32 seconds"))
	}
	return errs
}

// boundObject looks up the object a token is to be bound to.
func (r *tokenREST) boundObject(namespace, saName string, ref *authenticationv1.BoundObjectReference) (auth.Bound, error) {
	var b auth.Bound
	if ref == nil {
		return b, nil
	}
	gvk := schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)
	var uid types.UID
	switch {
	case gvk.Group == "" && gvk.Kind == "Pod":
		pod, ok := r.store.View().Get("pods", namespace, ref.Name).(*corev1.Pod)
		if !ok {
			return b, apierrors.NewNotFound(corev1.Resource("pods"), ref.Name)
		}
		if pod.Spec.ServiceAccountName != saName {
			return b, apierrors.NewBadRequest(fmt.Sprintf("cannot bind token for serviceaccount %q to pod running with different serviceaccount name.", saName))
		}
		b.Pod, uid = pod, pod.UID
		if pod.Spec.NodeName != "" {
			// The node's name and UID go into the token, as upstream's
			// do for pod-bound tokens.
			if node, ok := r.store.View().Get("nodes", "", pod.Spec.NodeName).(*corev1.Node); ok {
				b.Node = node
			}
		}
	case gvk.Group == "" && gvk.Kind == "Node":
		node, ok := r.store.View().Get("nodes", "", ref.Name).(*corev1.Node)
		if !ok {
			return b, apierrors.NewNotFound(corev1.Resource("nodes"), ref.Name)
		}
		b.Node, uid = node, node.UID
	case gvk.Group == "" && gvk.Kind == "Secret":
		s, ok := r.store.View().Get("secrets", namespace, ref.Name).(*corev1.Secret)
		if !ok {
			return b, apierrors.NewNotFound(corev1.Resource("secrets"), ref.Name)
		}
		b.Secret, uid = s, s.UID
	default:
		return b, apierrors.NewBadRequest(fmt.Sprintf("cannot bind token to object of type %s", gvk.String()))
	}
	if ref.UID != "" && ref.UID != uid {
		return b, apierrors.NewConflict(schema.GroupResource{Group: gvk.Group, Resource: gvk.Kind}, ref.Name,
			fmt.Errorf("the UID in the bound object reference (%s) does not match the UID in record. The object might have been deleted and then recreated", ref.UID))
	}
	return b, nil
}

// apiAudiences reports whether auds are exactly the API server's.
func apiAudiences(auds []string) bool {
	if len(auds) != len(auth.APIAudiences) {
		return false
	}
	for i := range auds {
		if auds[i] != auth.APIAudiences[i] {
			return false
		}
	}
	return true
}

func ptrInt64(v int64) *int64 { return &v }
