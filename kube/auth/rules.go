package auth

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

// ruleAllows says whether one PolicyRule grants the request, by upstream's
// matching rules: "*" matches anything, "*/scale" any resource's scale
// subresource, resourceNames restrict requests that name an object, and a
// nonResourceURL ending in "*" is a prefix.
func ruleAllows(a authorizer.Attributes, r *rbacv1.PolicyRule) bool {
	if !matches(r.Verbs, a.GetVerb()) {
		return false
	}
	if !a.IsResourceRequest() {
		return nonResourceURLMatches(r.NonResourceURLs, a.GetPath())
	}
	return matches(r.APIGroups, a.GetAPIGroup()) &&
		resourceMatches(r.Resources, a.GetResource(), a.GetSubresource()) &&
		(len(r.ResourceNames) == 0 || contains(r.ResourceNames, a.GetName()))
}

func matches(allowed []string, v string) bool {
	return contains(allowed, rbacv1.VerbAll) || contains(allowed, v)
}

func resourceMatches(allowed []string, resource, subresource string) bool {
	combined := resource
	if subresource != "" {
		combined = resource + "/" + subresource
	}
	for _, r := range allowed {
		switch {
		case r == rbacv1.ResourceAll, r == combined:
			return true
		case subresource != "" && r == "*/"+subresource:
			return true
		}
	}
	return false
}

func nonResourceURLMatches(allowed []string, path string) bool {
	for _, u := range allowed {
		switch {
		case u == rbacv1.NonResourceAll, u == path:
			return true
		case strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimSuffix(u, "*")):
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
