package registry

import (
	"context"
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
)

// accessReviewREST serves the authorization.k8s.io access reviews
// (`kubectl auth can-i`): it asks the API server's authorizer and reports
// its decision, as pkg/registry/authorization does upstream.
type accessReviewREST struct {
	authz authorizer.UnconditionalAuthorizer
	kind  string
	new   func() runtime.Object
}

var _ rest.Creater = (*accessReviewREST)(nil)

func (r *accessReviewREST) New() runtime.Object { return r.new() }
func (r *accessReviewREST) Destroy()            {}

// addAccessReviews adds the access review resources to the registry.
func (r *Registry) addAccessReviews(c Config) {
	gv := authorizationv1.SchemeGroupVersion
	for _, res := range []struct {
		plural, kind string
		namespaced   bool
		new          func() runtime.Object
	}{
		{"selfsubjectaccessreviews", "SelfSubjectAccessReview", false, func() runtime.Object { return &authorizationv1.SelfSubjectAccessReview{} }},
		{"subjectaccessreviews", "SubjectAccessReview", false, func() runtime.Object { return &authorizationv1.SubjectAccessReview{} }},
		{"localsubjectaccessreviews", "LocalSubjectAccessReview", true, func() runtime.Object { return &authorizationv1.LocalSubjectAccessReview{} }},
	} {
		resource := &Resource{GroupVersionResource: gv.WithResource(res.plural), Kind: res.kind,
			Singular: strings.ToLower(res.kind), Namespaced: res.namespaced, New: res.new, Verbs: []string{"create"}}
		e := &Entry{Resource: resource, Main: &accessReviewREST{authz: c.Authorizer, kind: res.kind, new: res.new}, Subresources: map[string]rest.Storage{}}
		r.entries = append(r.entries, e)
		r.byGVR[resource.GroupVersionResource] = e
	}
}

// Create answers a review.
func (r *accessReviewREST) Create(ctx context.Context, obj runtime.Object, _ rest.ValidateObjectFunc, _ *metav1.CreateOptions) (runtime.Object, error) {
	var (
		spec   *authorizationv1.SubjectAccessReviewSpec
		status *authorizationv1.SubjectAccessReviewStatus
		u      user.Info
	)
	switch review := obj.(type) {
	case *authorizationv1.SelfSubjectAccessReview:
		caller, ok := request.UserFrom(ctx)
		if !ok {
			return nil, apierrors.NewBadRequest("no user present on request")
		}
		spec = &authorizationv1.SubjectAccessReviewSpec{ResourceAttributes: review.Spec.ResourceAttributes, NonResourceAttributes: review.Spec.NonResourceAttributes}
		status, u = &review.Status, caller
	case *authorizationv1.SubjectAccessReview:
		spec, status, u = &review.Spec, &review.Status, subject(&review.Spec)
	case *authorizationv1.LocalSubjectAccessReview:
		ns, _ := request.NamespaceFrom(ctx)
		if ra := review.Spec.ResourceAttributes; ra != nil && ra.Namespace != "" && ra.Namespace != ns {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("spec.resourceAttributes.namespace must match namespace: %v", ns))
		} else if ra != nil {
			ra.Namespace = ns
		}
		spec, status, u = &review.Spec, &review.Status, subject(&review.Spec)
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a %s: %T", r.kind, obj))
	}
	if errs := validateReview(spec, obj); len(errs) > 0 {
		return nil, apierrors.NewInvalid(authorizationv1.SchemeGroupVersion.WithKind(r.kind).GroupKind(), "", errs)
	}
	if r.authz == nil {
		status.Allowed = true
		return obj, nil
	}
	decision, reason, err := r.authz.Authorize(ctx, attributes(u, spec))
	status.Allowed = decision == authorizer.DecisionAllow
	status.Denied = decision == authorizer.DecisionDeny
	status.Reason = reason
	if err != nil {
		status.EvaluationError = err.Error()
	}
	return obj, nil
}

func subject(spec *authorizationv1.SubjectAccessReviewSpec) user.Info {
	extra := map[string][]string{}
	for k, v := range spec.Extra {
		extra[k] = v
	}
	return &user.DefaultInfo{Name: spec.User, UID: spec.UID, Groups: spec.Groups, Extra: extra}
}

// validateReview checks what upstream's access review validation does.
func validateReview(spec *authorizationv1.SubjectAccessReviewSpec, obj runtime.Object) field.ErrorList {
	var errs field.ErrorList
	path := field.NewPath("spec")
	if (spec.ResourceAttributes == nil) == (spec.NonResourceAttributes == nil) {
		errs = append(errs, field.Invalid(path.Child("resourceAttributes"), spec.NonResourceAttributes, `exactly one of nonResourceAttributes or resourceAttributes must be specified`))
	}
	if _, self := obj.(*authorizationv1.SelfSubjectAccessReview); !self && spec.User == "" && len(spec.Groups) == 0 {
		errs = append(errs, field.Invalid(path.Child("user"), spec.User, `at least one of user or group must be specified`))
	}
	return errs
}

func attributes(u user.Info, spec *authorizationv1.SubjectAccessReviewSpec) authorizer.AttributesRecord {
	if ra := spec.ResourceAttributes; ra != nil {
		return authorizer.AttributesRecord{User: u, Verb: ra.Verb, Namespace: ra.Namespace, APIGroup: ra.Group, APIVersion: ra.Version,
			Resource: ra.Resource, Subresource: ra.Subresource, Name: ra.Name, ResourceRequest: true}
	}
	nra := spec.NonResourceAttributes
	return authorizer.AttributesRecord{User: u, Verb: nra.Verb, Path: nra.Path}
}
