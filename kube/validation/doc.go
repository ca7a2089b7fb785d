// Package validation is the API server's validation of the built-in
// resources: what upstream Kubernetes does in
// k8s.io/kubernetes/pkg/apis/<group>/validation and the strategies of
// pkg/registry, written against the versioned k8s.io/api types that
// kubesim stores. kube/registry's strategies call it on every create,
// update and /status update.
//
// Start with validate.go: ValidateCreate, ValidateUpdate and
// ValidateStatusUpdate look the object's Go type up in a table (kinds.go)
// and run the validators of that kind. Kinds not in the table get nil:
// the apiserver's rest.BeforeCreate and BeforeUpdate check their
// metadata.
//
// Where each kind's rules are:
//   - pods: pod.go (create and the spec), pod_fields.go, affinity.go,
//     container.go, probe.go, env.go, mounts.go, security.go,
//     resources.go, volume.go (and volume_legacy.go, projected.go,
//     downward.go), pod_update.go (updates and /status);
//   - apps/v1: apps.go (what the workloads share), deployment.go
//     (Deployments and ReplicaSets), statefulset.go (StatefulSets and
//     DaemonSets);
//   - batch/v1: job.go, job_policy.go, cronjob.go;
//   - core: podtemplate.go (PodTemplates, ReplicationControllers),
//     service.go, node.go, pvc.go, pv.go, core_config.go (Namespaces,
//     ConfigMaps, Secrets, ServiceAccounts), event.go;
//   - object metadata: meta.go; string formats: formats.go.
//
// Objects arrive already defaulted, as upstream validates decoded and
// defaulted objects. Error types, field paths and messages are upstream's,
// because clients and tests match on them: a field path names the internal
// field upstream validates, even where the versioned field is spelt
// differently (events.k8s.io/v1 Events report "message", not "note").
// Where upstream runs the same check twice on update (once for the new
// object, once for the update), an error is reported once, except for the
// metadata checks, which rest.BeforeUpdate repeats as upstream does.
//
// Feature gates are fixed at their Kubernetes v1.37 defaults; there is no
// way to switch them.
package validation
