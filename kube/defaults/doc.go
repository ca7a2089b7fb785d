// Package defaults applies the field defaults that the Kubernetes API server
// gives built-in objects on every create, update and patch.
//
// Upstream spreads this over three places: the hand-written SetDefaults_*
// functions in k8s.io/kubernetes pkg/apis/<group>/<version>/defaults.go, the
// declarative "+default=" markers in the k8s.io/api types, and the generated
// zz_generated.defaults.go files that decide which of those run on which
// nested struct. This package reproduces all three for the kinds kubesim
// serves, targeting Kubernetes 1.37 with its default feature gates.
//
// Start with Default (defaults.go): it looks the object's type up in a table
// and runs that kind's walk. The walks mirror the generated defaulters, so
// where a default applies matters as much as what it is. Most importantly,
// SetDefaults_Pod (requests copied from limits, enableServiceLinks, host
// ports under hostNetwork, pod-level resources) runs only on a Pod, while
// everything below PodSpec (restartPolicy, containers, probes, volumes)
// also runs inside every pod template: see DefaultPodSpec.
//
// Feature-gated defaults follow the 1.37 gate defaults: on are
// PodLevelResources (beta), MaxUnavailableStatefulSet (beta),
// EnvFiles (beta), ImageVolume, JobPodReplacementPolicy,
// StatefulSetAutoDeletePVC and SELinuxMountReadWriteOncePod (GA); off is
// PodLogsQuerySplitStreams (alpha, and PodLogOptions is not an object).
// Each place that depends on a gate names it in a comment.
//
// The files are grouped by API group: core_*.go for core/v1 (pods,
// containers, volumes, services, the rest), then apps.go, batch.go, and so
// on. image.go holds the image-reference parsing behind imagePullPolicy.
//
// What is not here: anything a registry strategy or admission plugin does
// (status reset on create, Job selector generation, Service IP allocation,
// the Namespace finalizer, the service account token volume). Those belong
// to kube/registry and kube/admission.
package defaults
