package validation

import (
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
)

// kinds maps the Go type of each built-in kind to its validators: the
// create, update and status validation of the kind's upstream strategy.
var kinds = map[reflect.Type]kind{
	typeOf[*corev1.Namespace]():             validators(validateNamespace, validateNamespaceUpdate, validateNamespaceStatusUpdate),
	typeOf[*corev1.ConfigMap]():             validators(validateConfigMap, validateConfigMapUpdate, nil),
	typeOf[*corev1.Secret]():                validators(validateSecret, validateSecretUpdate, nil),
	typeOf[*corev1.ServiceAccount]():        validators(validateServiceAccount, validateServiceAccountUpdate, nil),
	typeOf[*corev1.Event]():                 validators(validateCoreEvent, validateCoreEventUpdate, nil),
	typeOf[*eventsv1.Event]():               validators(validateEventsV1Event, validateEventsV1EventUpdate, nil),
	typeOf[*corev1.Pod]():                   validators(validatePod, validatePodUpdate, validatePodStatusUpdate),
	typeOf[*corev1.PersistentVolumeClaim](): validators(validatePVC, validatePVCUpdate, nil),
	typeOf[*corev1.PodTemplate]():           validators(validatePodTemplate, validatePodTemplateUpdate, nil),
	typeOf[*corev1.ReplicationController](): validators(validateReplicationController, validateReplicationControllerUpdate, nil),
	typeOf[*corev1.Node]():                  validators(validateNode, validateNodeUpdate, validateNodeUpdate),
	typeOf[*corev1.PersistentVolume]():      validators(validatePV, validatePVUpdate, nil),
	typeOf[*corev1.Service]():               validators(validateService, validateServiceUpdate, validateServiceStatusUpdate),
	typeOf[*appsv1.Deployment]():            validators(validateDeployment, validateDeploymentUpdate, validateDeploymentStatusUpdate),
	typeOf[*appsv1.ReplicaSet]():            validators(validateReplicaSet, validateReplicaSetUpdate, validateReplicaSetStatusUpdate),
	typeOf[*appsv1.StatefulSet]():           validators(validateStatefulSet, validateStatefulSetUpdate, validateStatefulSetStatusUpdate),
	typeOf[*appsv1.DaemonSet]():             validators(validateDaemonSet, validateDaemonSetUpdate, validateDaemonSetStatusUpdate),
	typeOf[*batchv1.Job]():                  validators(validateJob, validateJobUpdate, validateJobStatusUpdate),
	typeOf[*batchv1.CronJob]():              validators(validateCronJob, validateCronJobUpdate, nil),
}
