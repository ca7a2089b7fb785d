package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Projected volumes: secret, configMap, downwardAPI, serviceAccountToken
// and clusterTrustBundle sources with no two files on the same path.

func validateProjectedVolumeSource(p *corev1.ProjectedVolumeSource, fldPath *field.Path, opts podOpts) field.ErrorList {
	var allErrs field.ErrorList
	if p.DefaultMode != nil && (*p.DefaultMode > 0777 || *p.DefaultMode < 0) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("defaultMode"), *p.DefaultMode, fileModeErrorMsg))
	}
	allPaths := sets.Set[string]{}
	// claim records a path; a path used twice is reported with value.
	claim := func(path string, value any) field.ErrorList {
		if allPaths.Has(path) {
			return field.ErrorList{field.Invalid(fldPath, value, "conflicting duplicate paths")}
		}
		allPaths.Insert(path)
		return nil
	}
	for i, source := range p.Sources {
		srcPath := fldPath.Child("sources").Index(i)
		numSources := 0
		if s := source.Secret; s != nil {
			numSources++
			allErrs = append(allErrs, validateProjectedItems(s.Name, s.Items, srcPath.Child("secret"), claim)...)
		}
		if c := source.ConfigMap; c != nil {
			numSources++
			allErrs = append(allErrs, validateProjectedItems(c.Name, c.Items, srcPath.Child("configMap"), claim)...)
		}
		if d := source.DownwardAPI; d != nil {
			numSources++
			for j := range d.Items {
				allErrs = append(allErrs, validateDownwardAPIVolumeFile(&d.Items[j], srcPath.Child("downwardAPI"))...)
				if len(d.Items[j].Path) > 0 {
					allErrs = append(allErrs, claim(d.Items[j].Path, d.Items[j].Path)...)
				}
			}
		}
		if t := source.ServiceAccountToken; t != nil {
			numSources++
			allErrs = append(allErrs, validateServiceAccountTokenProjection(t, srcPath.Child("serviceAccountToken"), fldPath, opts)...)
		}
		if b := source.ClusterTrustBundle; b != nil {
			numSources++
			allErrs = append(allErrs, validateClusterTrustBundleProjection(b, srcPath.Child("clusterTrustBundle"))...)
			allErrs = append(allErrs, claim(b.Path, b.Path)...)
		}
		if numSources > 1 {
			allErrs = append(allErrs, field.Forbidden(srcPath, "may not specify more than 1 volume type per source"))
		}
	}
	return allErrs
}

// validateProjectedItems checks a secret or configMap projection.
func validateProjectedItems(name string, items []corev1.KeyToPath, fldPath *field.Path, claim func(string, any) field.ErrorList) field.ErrorList {
	allErrs := requireString(name, fldPath.Child("name"))
	for j := range items {
		allErrs = append(allErrs, validateKeyToPath(&items[j], fldPath.Child("items").Index(j))...)
		if len(items[j].Path) > 0 {
			allErrs = append(allErrs, claim(items[j].Path, name)...)
		}
	}
	return allErrs
}

// validateServiceAccountTokenProjection: a token lives 10 minutes to 2^32
// seconds; its path errors are reported under the projected volume.
func validateServiceAccountTokenProjection(t *corev1.ServiceAccountTokenProjection, projPath, volPath *field.Path, opts podOpts) field.ErrorList {
	var allErrs field.ErrorList
	expiration := int64(0)
	if t.ExpirationSeconds != nil {
		expiration = *t.ExpirationSeconds
	}
	if expiration < 10*60 {
		allErrs = append(allErrs, field.Invalid(projPath.Child("expirationSeconds"), expiration, "may not specify a duration less than 10 minutes"))
	}
	if expiration > 1<<32 {
		allErrs = append(allErrs, field.Invalid(projPath.Child("expirationSeconds"), expiration, "may not specify a duration larger than 2^32 seconds"))
	}
	if t.Path == "" {
		allErrs = append(allErrs, field.Required(volPath.Child("path"), ""))
	} else if !opts.allowNonLocalProjectedTokenPath {
		allErrs = append(allErrs, validateLocalNonReservedPath(t.Path, volPath.Child("path"))...)
	}
	return allErrs
}

func validateClusterTrustBundleProjection(b *corev1.ClusterTrustBundleProjection, projPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	usingName, usingSignerName := b.Name != nil, b.SignerName != nil
	switch {
	case usingName && usingSignerName:
		allErrs = append(allErrs, field.Invalid(projPath, b, "only one of name and signerName may be used"))
	case usingName:
		name := *b.Name
		if name == "" {
			allErrs = append(allErrs, field.Required(projPath.Child("name"), "must be a valid object name"))
		}
		signerName, _ := extractSignerNameFromClusterTrustBundleName(name)
		for _, msg := range clusterTrustBundleNameFunc(signerName)(name, false) {
			allErrs = append(allErrs, field.Invalid(projPath.Child("name"), name, fmt.Sprintf("not a valid clustertrustbundlename: %v", msg)))
		}
		if b.LabelSelector != nil {
			allErrs = append(allErrs, field.Invalid(projPath.Child("labelSelector"), b.LabelSelector, "labelSelector must be unset if name is specified"))
		}
	case usingSignerName:
		if *b.SignerName == "" {
			allErrs = append(allErrs, field.Required(projPath.Child("signerName"), "must be a valid signer name"))
		}
		allErrs = append(allErrs, validateSignerName(projPath.Child("signerName"), *b.SignerName)...)
		allErrs = append(allErrs, metav1validation.ValidateLabelSelector(b.LabelSelector, metav1validation.LabelSelectorValidationOptions{}, projPath.Child("labelSelector"))...)
	default:
		allErrs = append(allErrs, field.Required(projPath, "either name or signerName must be specified"))
	}
	if b.Path == "" {
		allErrs = append(allErrs, field.Required(projPath.Child("path"), ""))
	}
	return append(allErrs, validateLocalNonReservedPath(b.Path, projPath.Child("path"))...)
}

// clusterTrustBundleNameFunc is names.go's ValidateClusterTrustBundleName.
func clusterTrustBundleNameFunc(signerName string) nameFunc {
	return func(name string, isPrefix bool) []string {
		if signerName == "" {
			if strings.Contains(name, ":") {
				return []string{"ClusterTrustBundle without signer name must not have \":\" in its name"}
			}
			return apimachineryvalidation.NameIsDNSSubdomain(name, isPrefix)
		}
		requiredPrefix := strings.ReplaceAll(signerName, "/", ":") + ":"
		if !strings.HasPrefix(name, requiredPrefix) {
			return []string{fmt.Sprintf("ClusterTrustBundle for signerName %s must be named with prefix %s", signerName, requiredPrefix)}
		}
		return apimachineryvalidation.NameIsDNSSubdomain(strings.TrimPrefix(name, requiredPrefix), isPrefix)
	}
}

func extractSignerNameFromClusterTrustBundleName(name string) (string, bool) {
	if i := strings.LastIndex(name, ":"); i != -1 {
		return strings.ReplaceAll(name[:i], ":", "/"), true
	}
	return "", false
}

// validateSignerName is names.go's ValidateSignerName: example.com/path.
func validateSignerName(fldPath *field.Path, signerName string) field.ErrorList {
	if len(signerName) == 0 {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	segments := strings.Split(signerName, "/")
	if len(segments) != 2 {
		return field.ErrorList{field.Invalid(fldPath, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")}
	}
	var el field.ErrorList
	maxDomain := validation.DNS1123SubdomainMaxLength
	if len(segments[0]) > maxDomain {
		el = append(el, field.TooLong(fldPath, "", maxDomain))
	}
	domainLabels := strings.Split(segments[0], ".")
	for _, lbl := range domainLabels {
		if errs := validation.IsDNS1123Label(lbl); len(errs) > 0 {
			for _, err := range errs {
				el = append(el, field.Invalid(fldPath, segments[0], fmt.Sprintf("validating label %q: %s", lbl, err)))
			}
			break
		}
	}
	if len(domainLabels) < 2 {
		el = append(el, field.Invalid(fldPath, segments[0], "should be a domain with at least two segments separated by dots"))
	}
	for _, lbl := range strings.Split(segments[1], ".") {
		if errs := validation.IsDNS1123Subdomain(lbl); len(errs) > 0 {
			for _, err := range errs {
				el = append(el, field.Invalid(fldPath, segments[1], fmt.Sprintf("validating label %q: %s", lbl, err)))
			}
			break
		}
	}
	maxSigner := maxDomain + validation.DNS1123SubdomainMaxLength + validation.DNS1123LabelMaxLength + 1 + 1
	if len(signerName) > maxSigner {
		el = append(el, field.TooLong(fldPath, "", maxSigner))
	}
	return el
}
