package defaults

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// kinds lists every kind that has defaults. Kinds upstream gives none
// (ServiceAccount, Event, Lease, PodDisruptionBudget, Role, Ingress,
// RuntimeClass, CertificateSigningRequest ...) are deliberately absent.
var kinds = []kindDefaulter{
	// core/v1
	kind(&corev1.Pod{}, &corev1.PodList{}, defaultPod),
	kind(&corev1.PodTemplate{}, &corev1.PodTemplateList{}, defaultPodTemplate),
	kind(&corev1.ReplicationController{}, &corev1.ReplicationControllerList{}, defaultReplicationController),
	kind(&corev1.Service{}, &corev1.ServiceList{}, defaultService),
	kind(&corev1.Endpoints{}, &corev1.EndpointsList{}, defaultEndpoints),
	kind(&corev1.Namespace{}, &corev1.NamespaceList{}, defaultNamespace),
	kind(&corev1.Node{}, &corev1.NodeList{}, defaultNode),
	kind(&corev1.PersistentVolume{}, &corev1.PersistentVolumeList{}, defaultPersistentVolume),
	kind(&corev1.PersistentVolumeClaim{}, &corev1.PersistentVolumeClaimList{}, defaultPersistentVolumeClaim),
	kind(&corev1.Secret{}, &corev1.SecretList{}, defaultSecret),
	kind(&corev1.ConfigMap{}, &corev1.ConfigMapList{}, defaultConfigMap),
	kind(&corev1.LimitRange{}, &corev1.LimitRangeList{}, defaultLimitRange),
	kind(&corev1.ResourceQuota{}, &corev1.ResourceQuotaList{}, defaultResourceQuota),

	// apps/v1
	kind(&appsv1.Deployment{}, &appsv1.DeploymentList{}, defaultDeployment),
	kind(&appsv1.ReplicaSet{}, &appsv1.ReplicaSetList{}, defaultReplicaSet),
	kind(&appsv1.StatefulSet{}, &appsv1.StatefulSetList{}, defaultStatefulSet),
	kind(&appsv1.DaemonSet{}, &appsv1.DaemonSetList{}, defaultDaemonSet),

	// batch/v1
	kind(&batchv1.Job{}, &batchv1.JobList{}, defaultJob),
	kind(&batchv1.CronJob{}, &batchv1.CronJobList{}, defaultCronJob),

	// autoscaling
	kind(&autoscalingv1.HorizontalPodAutoscaler{}, &autoscalingv1.HorizontalPodAutoscalerList{}, defaultHPAv1),
	kind(&autoscalingv2.HorizontalPodAutoscaler{}, &autoscalingv2.HorizontalPodAutoscalerList{}, defaultHPAv2),

	// networking/v1
	kind(&networkingv1.NetworkPolicy{}, &networkingv1.NetworkPolicyList{}, defaultNetworkPolicy),
	kind(&networkingv1.IngressClass{}, &networkingv1.IngressClassList{}, defaultIngressClass),

	// rbac/v1
	kind(&rbacv1.RoleBinding{}, &rbacv1.RoleBindingList{}, defaultRoleBinding),
	kind(&rbacv1.ClusterRoleBinding{}, &rbacv1.ClusterRoleBindingList{}, defaultClusterRoleBinding),

	// scheduling/v1
	kind(&schedulingv1.PriorityClass{}, &schedulingv1.PriorityClassList{}, defaultPriorityClass),

	// storage/v1
	kind(&storagev1.StorageClass{}, &storagev1.StorageClassList{}, defaultStorageClass),
	kind(&storagev1.CSIDriver{}, &storagev1.CSIDriverList{}, defaultCSIDriver),
	kind(&storagev1.VolumeAttachment{}, &storagev1.VolumeAttachmentList{}, defaultVolumeAttachment),

	// discovery/v1
	kind(&discoveryv1.EndpointSlice{}, &discoveryv1.EndpointSliceList{}, defaultEndpointSlice),

	// admissionregistration/v1
	kind(&admissionregistrationv1.ValidatingWebhookConfiguration{}, &admissionregistrationv1.ValidatingWebhookConfigurationList{}, defaultValidatingWebhookConfiguration),
	kind(&admissionregistrationv1.MutatingWebhookConfiguration{}, &admissionregistrationv1.MutatingWebhookConfigurationList{}, defaultMutatingWebhookConfiguration),
	kind(&admissionregistrationv1.ValidatingAdmissionPolicy{}, &admissionregistrationv1.ValidatingAdmissionPolicyList{}, defaultValidatingAdmissionPolicy),
	kind(&admissionregistrationv1.ValidatingAdmissionPolicyBinding{}, &admissionregistrationv1.ValidatingAdmissionPolicyBindingList{}, defaultValidatingAdmissionPolicyBinding),
	kind(&admissionregistrationv1.MutatingAdmissionPolicy{}, &admissionregistrationv1.MutatingAdmissionPolicyList{}, defaultMutatingAdmissionPolicy),
	kind(&admissionregistrationv1.MutatingAdmissionPolicyBinding{}, &admissionregistrationv1.MutatingAdmissionPolicyBindingList{}, defaultMutatingAdmissionPolicyBinding),

	// certificates/v1
	kind(&certificatesv1.PodCertificateRequest{}, &certificatesv1.PodCertificateRequestList{}, defaultPodCertificateRequest),

	// apiextensions.k8s.io/v1: the published module carries its own
	// defaulter (k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1).
	kind(&apiextensionsv1.CustomResourceDefinition{}, &apiextensionsv1.CustomResourceDefinitionList{}, apiextensionsv1.SetObjectDefaults_CustomResourceDefinition),
}
