// Package v1 holds the admission webhooks of webapp.example.com/v1.
package v1

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	webappv1 "github.com/kubesim/kubesim/examples/operator/api/v1"
)

// DefaultImage is the image a Website without one gets.
const DefaultImage = "nginx:1.27"

// SetupWebsiteWebhookWithManager registers the defaulting and validating
// webhooks on the manager's webhook server.
func SetupWebsiteWebhookWithManager(mgr ctrl.Manager) error {
	return ctrl.NewWebhookManagedBy(mgr, &webappv1.Website{}).
		WithDefaulter(WebsiteDefaulter{}).
		WithValidator(WebsiteValidator{}).
		Complete()
}

// WebsiteDefaulter fills in the image and the replica count.
type WebsiteDefaulter struct{}

// Default implements admission.Defaulter.
func (WebsiteDefaulter) Default(_ context.Context, site *webappv1.Website) error {
	if site.Spec.Image == "" {
		site.Spec.Image = DefaultImage
	}
	if site.Spec.Replicas == nil {
		one := int32(1)
		site.Spec.Replicas = &one
	}
	return nil
}

// WebsiteValidator rejects images without a tag: a site must say which
// version of its server it runs.
type WebsiteValidator struct{}

// ValidateCreate implements admission.Validator.
func (WebsiteValidator) ValidateCreate(_ context.Context, site *webappv1.Website) (admission.Warnings, error) {
	return nil, validate(site)
}

// ValidateUpdate implements admission.Validator.
func (WebsiteValidator) ValidateUpdate(_ context.Context, _, site *webappv1.Website) (admission.Warnings, error) {
	return nil, validate(site)
}

// ValidateDelete implements admission.Validator.
func (WebsiteValidator) ValidateDelete(context.Context, *webappv1.Website) (admission.Warnings, error) {
	return nil, nil
}

func validate(site *webappv1.Website) error {
	image := site.Spec.Image
	if i := strings.LastIndex(image, "/"); i >= 0 {
		image = image[i+1:]
	}
	if strings.Contains(image, ":") || strings.Contains(image, "@") {
		return nil
	}
	return apierrors.NewInvalid(schema.GroupKind{Group: webappv1.GroupVersion.Group, Kind: "Website"}, site.Name, field.ErrorList{
		field.Invalid(field.NewPath("spec", "image"), site.Spec.Image, fmt.Sprintf("must name a tag or digest, e.g. %s", DefaultImage)),
	})
}
