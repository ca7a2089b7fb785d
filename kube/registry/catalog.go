package registry

import (
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// def starts a Resource description.
func def[T any, PT interface {
	*T
	runtime.Object
}, L any, PL interface {
	*L
	runtime.Object
}](gv schema.GroupVersion, plural, kind, singular string, namespaced bool) *Resource {
	return &Resource{
		GroupVersionResource: gv.WithResource(plural),
		Kind:                 kind,
		Singular:             singular,
		Namespaced:           namespaced,
		New:                  func() runtime.Object { return PT(new(T)) },
		NewList:              func() runtime.Object { return PL(new(L)) },
	}
}

func (r *Resource) short(names ...string) *Resource { r.ShortNames = names; return r }
func (r *Resource) cats(c ...string) *Resource      { r.Categories = c; return r }
func (r *Resource) status() *Resource               { r.Status = true; return r }
func (r *Resource) gen() *Resource                  { r.Generation = true; return r }
func (r *Resource) keepStatus() *Resource           { r.KeepStatusOnCreate = true; return r }
func (r *Resource) returnsObject() *Resource        { r.ReturnDeletedObject = true; return r }
func (r *Resource) createOnUpdate() *Resource       { r.AllowCreateOnUpdate = true; return r }
func (r *Resource) hooks(h Hooks) *Resource         { r.Hooks = h; return r }
func (r *Resource) ttl(d time.Duration) *Resource   { r.TTL = d; return r }

// eventTTL is kube-apiserver's default --event-ttl.
const eventTTL = time.Hour

// Catalog lists the built-in resources kubesim serves, with the short
// names, categories and subresources of upstream's discovery documents.
func Catalog() []*Resource {
	core := corev1.SchemeGroupVersion
	apps := appsv1.SchemeGroupVersion
	batch := batchv1.SchemeGroupVersion
	return []*Resource{
		def[corev1.Pod, *corev1.Pod, corev1.PodList, *corev1.PodList](core, "pods", "Pod", "pod", true).
			short("po").cats("all").status().gen().returnsObject().hooks(podHooks),
		def[corev1.Node, *corev1.Node, corev1.NodeList, *corev1.NodeList](core, "nodes", "Node", "node", false).
			short("no").status().keepStatus(),
		def[corev1.Namespace, *corev1.Namespace, corev1.NamespaceList, *corev1.NamespaceList](core, "namespaces", "Namespace", "namespace", false).
			short("ns").status().returnsObject().hooks(namespaceHooks),
		def[corev1.Service, *corev1.Service, corev1.ServiceList, *corev1.ServiceList](core, "services", "Service", "service", true).
			short("svc").cats("all").status().returnsObject(),
		def[corev1.Endpoints, *corev1.Endpoints, corev1.EndpointsList, *corev1.EndpointsList](core, "endpoints", "Endpoints", "endpoints", true).
			short("ep").createOnUpdate(),
		def[corev1.ConfigMap, *corev1.ConfigMap, corev1.ConfigMapList, *corev1.ConfigMapList](core, "configmaps", "ConfigMap", "configmap", true).
			short("cm"),
		def[corev1.Secret, *corev1.Secret, corev1.SecretList, *corev1.SecretList](core, "secrets", "Secret", "secret", true),
		def[corev1.ServiceAccount, *corev1.ServiceAccount, corev1.ServiceAccountList, *corev1.ServiceAccountList](core, "serviceaccounts", "ServiceAccount", "serviceaccount", true).
			short("sa"),
		def[corev1.Event, *corev1.Event, corev1.EventList, *corev1.EventList](core, "events", "Event", "event", true).
			short("ev").createOnUpdate().ttl(eventTTL),
		def[corev1.PersistentVolume, *corev1.PersistentVolume, corev1.PersistentVolumeList, *corev1.PersistentVolumeList](core, "persistentvolumes", "PersistentVolume", "persistentvolume", false).
			short("pv").status(),
		def[corev1.PersistentVolumeClaim, *corev1.PersistentVolumeClaim, corev1.PersistentVolumeClaimList, *corev1.PersistentVolumeClaimList](core, "persistentvolumeclaims", "PersistentVolumeClaim", "persistentvolumeclaim", true).
			short("pvc").status(),
		def[corev1.ResourceQuota, *corev1.ResourceQuota, corev1.ResourceQuotaList, *corev1.ResourceQuotaList](core, "resourcequotas", "ResourceQuota", "resourcequota", true).
			short("quota").status(),
		def[corev1.LimitRange, *corev1.LimitRange, corev1.LimitRangeList, *corev1.LimitRangeList](core, "limitranges", "LimitRange", "limitrange", true).
			short("limits"),
		def[corev1.ReplicationController, *corev1.ReplicationController, corev1.ReplicationControllerList, *corev1.ReplicationControllerList](core, "replicationcontrollers", "ReplicationController", "replicationcontroller", true).
			short("rc").cats("all").status().gen(),
		def[corev1.PodTemplate, *corev1.PodTemplate, corev1.PodTemplateList, *corev1.PodTemplateList](core, "podtemplates", "PodTemplate", "podtemplate", true),

		def[appsv1.Deployment, *appsv1.Deployment, appsv1.DeploymentList, *appsv1.DeploymentList](apps, "deployments", "Deployment", "deployment", true).
			short("deploy").cats("all").status().gen(),
		def[appsv1.ReplicaSet, *appsv1.ReplicaSet, appsv1.ReplicaSetList, *appsv1.ReplicaSetList](apps, "replicasets", "ReplicaSet", "replicaset", true).
			short("rs").cats("all").status().gen(),
		def[appsv1.StatefulSet, *appsv1.StatefulSet, appsv1.StatefulSetList, *appsv1.StatefulSetList](apps, "statefulsets", "StatefulSet", "statefulset", true).
			short("sts").cats("all").status().gen(),
		def[appsv1.DaemonSet, *appsv1.DaemonSet, appsv1.DaemonSetList, *appsv1.DaemonSetList](apps, "daemonsets", "DaemonSet", "daemonset", true).
			short("ds").cats("all").status().gen(),
		def[appsv1.ControllerRevision, *appsv1.ControllerRevision, appsv1.ControllerRevisionList, *appsv1.ControllerRevisionList](apps, "controllerrevisions", "ControllerRevision", "controllerrevision", true),

		def[batchv1.Job, *batchv1.Job, batchv1.JobList, *batchv1.JobList](batch, "jobs", "Job", "job", true).
			cats("all").status().gen().hooks(jobHooks),
		def[batchv1.CronJob, *batchv1.CronJob, batchv1.CronJobList, *batchv1.CronJobList](batch, "cronjobs", "CronJob", "cronjob", true).
			short("cj").cats("all").status().gen(),

		def[autoscalingv2.HorizontalPodAutoscaler, *autoscalingv2.HorizontalPodAutoscaler, autoscalingv2.HorizontalPodAutoscalerList, *autoscalingv2.HorizontalPodAutoscalerList](autoscalingv2.SchemeGroupVersion, "horizontalpodautoscalers", "HorizontalPodAutoscaler", "horizontalpodautoscaler", true).
			short("hpa").cats("all").status().gen(),
		def[policyv1.PodDisruptionBudget, *policyv1.PodDisruptionBudget, policyv1.PodDisruptionBudgetList, *policyv1.PodDisruptionBudgetList](policyv1.SchemeGroupVersion, "poddisruptionbudgets", "PodDisruptionBudget", "poddisruptionbudget", true).
			short("pdb").status().gen(),
		def[schedulingv1.PriorityClass, *schedulingv1.PriorityClass, schedulingv1.PriorityClassList, *schedulingv1.PriorityClassList](schedulingv1.SchemeGroupVersion, "priorityclasses", "PriorityClass", "priorityclass", false).
			short("pc"),
		def[coordinationv1.Lease, *coordinationv1.Lease, coordinationv1.LeaseList, *coordinationv1.LeaseList](coordinationv1.SchemeGroupVersion, "leases", "Lease", "lease", true).
			createOnUpdate(),
		def[discoveryv1.EndpointSlice, *discoveryv1.EndpointSlice, discoveryv1.EndpointSliceList, *discoveryv1.EndpointSliceList](discoveryv1.SchemeGroupVersion, "endpointslices", "EndpointSlice", "endpointslice", true),
		def[eventsv1.Event, *eventsv1.Event, eventsv1.EventList, *eventsv1.EventList](eventsv1.SchemeGroupVersion, "events", "Event", "event", true).
			short("ev").createOnUpdate().ttl(eventTTL),
		def[storagev1.StorageClass, *storagev1.StorageClass, storagev1.StorageClassList, *storagev1.StorageClassList](storagev1.SchemeGroupVersion, "storageclasses", "StorageClass", "storageclass", false).
			short("sc"),
		def[storagev1.CSIDriver, *storagev1.CSIDriver, storagev1.CSIDriverList, *storagev1.CSIDriverList](storagev1.SchemeGroupVersion, "csidrivers", "CSIDriver", "csidriver", false),
		def[storagev1.CSINode, *storagev1.CSINode, storagev1.CSINodeList, *storagev1.CSINodeList](storagev1.SchemeGroupVersion, "csinodes", "CSINode", "csinode", false),
		def[storagev1.VolumeAttachment, *storagev1.VolumeAttachment, storagev1.VolumeAttachmentList, *storagev1.VolumeAttachmentList](storagev1.SchemeGroupVersion, "volumeattachments", "VolumeAttachment", "volumeattachment", false).
			status(),
		def[networkingv1.NetworkPolicy, *networkingv1.NetworkPolicy, networkingv1.NetworkPolicyList, *networkingv1.NetworkPolicyList](networkingv1.SchemeGroupVersion, "networkpolicies", "NetworkPolicy", "networkpolicy", true).
			short("netpol").gen(),
		def[networkingv1.Ingress, *networkingv1.Ingress, networkingv1.IngressList, *networkingv1.IngressList](networkingv1.SchemeGroupVersion, "ingresses", "Ingress", "ingress", true).
			short("ing").status().gen(),
		def[networkingv1.IngressClass, *networkingv1.IngressClass, networkingv1.IngressClassList, *networkingv1.IngressClassList](networkingv1.SchemeGroupVersion, "ingressclasses", "IngressClass", "ingressclass", false),
		def[nodev1.RuntimeClass, *nodev1.RuntimeClass, nodev1.RuntimeClassList, *nodev1.RuntimeClassList](nodev1.SchemeGroupVersion, "runtimeclasses", "RuntimeClass", "runtimeclass", false),
		def[rbacv1.Role, *rbacv1.Role, rbacv1.RoleList, *rbacv1.RoleList](rbacv1.SchemeGroupVersion, "roles", "Role", "role", true),
		def[rbacv1.RoleBinding, *rbacv1.RoleBinding, rbacv1.RoleBindingList, *rbacv1.RoleBindingList](rbacv1.SchemeGroupVersion, "rolebindings", "RoleBinding", "rolebinding", true),
		def[rbacv1.ClusterRole, *rbacv1.ClusterRole, rbacv1.ClusterRoleList, *rbacv1.ClusterRoleList](rbacv1.SchemeGroupVersion, "clusterroles", "ClusterRole", "clusterrole", false),
		def[rbacv1.ClusterRoleBinding, *rbacv1.ClusterRoleBinding, rbacv1.ClusterRoleBindingList, *rbacv1.ClusterRoleBindingList](rbacv1.SchemeGroupVersion, "clusterrolebindings", "ClusterRoleBinding", "clusterrolebinding", false),
		def[certificatesv1.CertificateSigningRequest, *certificatesv1.CertificateSigningRequest, certificatesv1.CertificateSigningRequestList, *certificatesv1.CertificateSigningRequestList](certificatesv1.SchemeGroupVersion, "certificatesigningrequests", "CertificateSigningRequest", "certificatesigningrequest", false).
			short("csr").status(),
		def[admissionregistrationv1.MutatingWebhookConfiguration, *admissionregistrationv1.MutatingWebhookConfiguration, admissionregistrationv1.MutatingWebhookConfigurationList, *admissionregistrationv1.MutatingWebhookConfigurationList](admissionregistrationv1.SchemeGroupVersion, "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", "mutatingwebhookconfiguration", false).
			cats("api-extensions"),
		def[admissionregistrationv1.ValidatingWebhookConfiguration, *admissionregistrationv1.ValidatingWebhookConfiguration, admissionregistrationv1.ValidatingWebhookConfigurationList, *admissionregistrationv1.ValidatingWebhookConfigurationList](admissionregistrationv1.SchemeGroupVersion, "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", "validatingwebhookconfiguration", false).
			cats("api-extensions"),
		def[admissionregistrationv1.ValidatingAdmissionPolicy, *admissionregistrationv1.ValidatingAdmissionPolicy, admissionregistrationv1.ValidatingAdmissionPolicyList, *admissionregistrationv1.ValidatingAdmissionPolicyList](admissionregistrationv1.SchemeGroupVersion, "validatingadmissionpolicies", "ValidatingAdmissionPolicy", "validatingadmissionpolicy", false).
			cats("api-extensions").status().gen(),
		def[admissionregistrationv1.ValidatingAdmissionPolicyBinding, *admissionregistrationv1.ValidatingAdmissionPolicyBinding, admissionregistrationv1.ValidatingAdmissionPolicyBindingList, *admissionregistrationv1.ValidatingAdmissionPolicyBindingList](admissionregistrationv1.SchemeGroupVersion, "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybinding", false).
			cats("api-extensions").gen(),
		def[apiextensionsv1.CustomResourceDefinition, *apiextensionsv1.CustomResourceDefinition, apiextensionsv1.CustomResourceDefinitionList, *apiextensionsv1.CustomResourceDefinitionList](apiextensionsv1.SchemeGroupVersion, "customresourcedefinitions", "CustomResourceDefinition", "customresourcedefinition", false).
			short("crd", "crds").cats("api-extensions").status(),
	}
}
