package openapi

import (
	"reflect"
	"sort"
	"strings"
	"sync"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// clusterScoped lists the cluster-scoped kinds of client-go's scheme;
// everything else is namespaced (test data only: the lead's API server
// knows the real scopes).
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ComponentStatus": true,
	"ClusterRole": true, "ClusterRoleBinding": true, "StorageClass": true, "CSIDriver": true,
	"CSINode": true, "VolumeAttachment": true, "PriorityClass": true, "RuntimeClass": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true,
	"CertificateSigningRequest": true, "ClusterTrustBundle": true, "FlowSchema": true,
	"PriorityLevelConfiguration": true, "IngressClass": true, "IPAddress": true,
	"ServiceCIDR": true, "TokenReview": true, "SelfSubjectReview": true,
	"SelfSubjectAccessReview": true, "SelfSubjectRulesReview": true, "SubjectAccessReview": true,
	"StorageVersion": true, "StorageVersionMigration": true, "DeviceClass": true,
	"ResourceSlice": true, "VolumeAttributesClass": true, "DeviceTaintRule": true,
}

// notResources are registered kinds that are not served as resources.
func notResource(kind string) bool {
	switch kind {
	case "WatchEvent", "Status", "Scale", "Binding", "Eviction", "RangeAllocation",
		"SerializedReference", "PodStatusResult", "DeploymentRollback", "APIGroup", "APIGroupList",
		"APIResourceList", "APIVersions", "Table", "PartialObjectMetadata":
		return true
	}
	return strings.HasSuffix(kind, "List") || strings.HasSuffix(kind, "Options")
}

// schemeKinds are all external kinds of client-go's scheme, the way the
// lead's API server is expected to describe them.
var schemeKinds = sync.OnceValue(func() []Kind {
	var kinds []Kind
	for gvk, t := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal {
			continue
		}
		k := Kind{GVK: gvk, Type: t}
		if !notResource(gvk.Kind) {
			plural, _ := meta.UnsafeGuessKindToResource(gvk)
			k.Resource = plural.Resource
			k.Namespaced = !clusterScoped[gvk.Kind]
			if hasStatus(t) {
				k.Subresources = append(k.Subresources, Subresource{Name: "status"})
			}
			switch gvk.Kind {
			case "Deployment", "ReplicaSet", "StatefulSet", "ReplicationController":
				k.Subresources = append(k.Subresources, Subresource{
					Name: "scale", GVK: autoscalingv1.SchemeGroupVersion.WithKind("Scale"), Type: reflect.TypeFor[autoscalingv1.Scale](),
				})
			}
		}
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return compareGVK(kinds[i].GVK, kinds[j].GVK) < 0 })
	return kinds
})

func hasStatus(t reflect.Type) bool {
	_, ok := t.FieldByName("Status")
	return ok
}

func schemeGroupVersions() []schema.GroupVersion {
	seen := map[schema.GroupVersion]bool{}
	var out []schema.GroupVersion
	for _, k := range schemeKinds() {
		if gv := k.GVK.GroupVersion(); !seen[gv] {
			seen[gv] = true
			out = append(out, gv)
		}
	}
	return out
}
