package defaults

import (
	"math"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

var selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}

func TestDefaultApps(t *testing.T) {
	tmplIn, tmplWant := templateCase()
	meta := metav1.ObjectMeta{Name: "web", Namespace: "default"}
	percent25 := ptr.To(intstr.FromString("25%"))
	runCases(t, []defaultCase{
		{
			name: "Deployment",
			in:   &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Selector: selector, Template: tmplIn}},
			want: &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](1),
				Selector: selector,
				Template: tmplWant,
				Strategy: appsv1.DeploymentStrategy{
					Type:          appsv1.RollingUpdateDeploymentStrategyType,
					RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: percent25, MaxSurge: percent25},
				},
				RevisionHistoryLimit:    ptr.To[int32](10),
				ProgressDeadlineSeconds: ptr.To[int32](600),
			}},
		},
		{
			name: "Deployment Recreate and partial rolling update",
			in: &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](0), Selector: selector, Template: tmplIn,
				Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType},
			}},
			want: &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](0), Selector: selector, Template: tmplWant,
				Strategy:             appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType},
				RevisionHistoryLimit: ptr.To[int32](10), ProgressDeadlineSeconds: ptr.To[int32](600),
			}},
		},
		{
			name: "Deployment keeps a set maxSurge",
			in: &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
				Selector: selector, Template: tmplIn,
				Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(2))}},
			}},
			want: &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](1), Selector: selector, Template: tmplWant,
				Strategy: appsv1.DeploymentStrategy{
					Type:          appsv1.RollingUpdateDeploymentStrategyType,
					RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: percent25, MaxSurge: ptr.To(intstr.FromInt32(2))},
				},
				RevisionHistoryLimit: ptr.To[int32](10), ProgressDeadlineSeconds: ptr.To[int32](600),
			}},
		},
		{
			name: "ReplicaSet",
			in:   &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Selector: selector, Template: tmplIn}},
			want: &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](1), Selector: selector, Template: tmplWant}},
		},
		{
			name: "DaemonSet",
			in:   &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Selector: selector, Template: tmplIn}},
			want: &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{
				Selector: selector, Template: tmplWant,
				UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
					Type: appsv1.RollingUpdateDaemonSetStrategyType,
					RollingUpdate: &appsv1.RollingUpdateDaemonSet{
						MaxUnavailable: ptr.To(intstr.FromInt32(1)), MaxSurge: ptr.To(intstr.FromInt32(0)),
					},
				},
				RevisionHistoryLimit: ptr.To[int32](10),
			}},
		},
		{
			name: "DaemonSet OnDelete",
			in: &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{
				Selector: selector, Template: tmplIn, UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.OnDeleteDaemonSetStrategyType},
			}},
			want: &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{
				Selector: selector, Template: tmplWant, UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.OnDeleteDaemonSetStrategyType},
				RevisionHistoryLimit: ptr.To[int32](10),
			}},
		},
		{
			name: "StatefulSet",
			in: &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{
				Selector: selector, Template: tmplIn, ServiceName: "web",
				VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
					ObjectMeta: metav1.ObjectMeta{Name: "data"},
					Spec: corev1.PersistentVolumeClaimSpec{
						AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
						Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}},
					},
				}},
			}},
			want: &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To[int32](1), Selector: selector, Template: tmplWant, ServiceName: "web",
				PodManagementPolicy: appsv1.OrderedReadyPodManagement,
				UpdateStrategy: appsv1.StatefulSetUpdateStrategy{
					Type: appsv1.RollingUpdateStatefulSetStrategyType,
					RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{
						Partition: ptr.To[int32](0), MaxUnavailable: ptr.To(intstr.FromInt32(1)),
					},
				},
				RevisionHistoryLimit: ptr.To[int32](10),
				PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
					WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
					WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				},
				// Volume claim templates get the whole claim's defaults,
				// status phase included.
				VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
					ObjectMeta: metav1.ObjectMeta{Name: "data"},
					Spec: corev1.PersistentVolumeClaimSpec{
						AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
						Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}},
						VolumeMode:  ptr.To(corev1.PersistentVolumeFilesystem),
					},
					Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
				}},
			}},
		},
		{
			name: "StatefulSet explicit RollingUpdate without parameters and Delete policy",
			in: &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{
				Selector: selector, Template: tmplIn,
				UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
				PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
					WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
				},
				PodManagementPolicy: appsv1.ParallelPodManagement,
			}},
			want: &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To[int32](1), Selector: selector, Template: tmplWant,
				PodManagementPolicy: appsv1.ParallelPodManagement,
				// Upstream only creates rollingUpdate when it also sets the type.
				UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
				RevisionHistoryLimit: ptr.To[int32](10),
				PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
					WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
					WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				},
			}},
		},
		{
			name: "StatefulSet OnDelete",
			in: &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To[int32](3), Selector: selector, Template: tmplIn,
				UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType},
			}},
			want: &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{
				Replicas: ptr.To[int32](3), Selector: selector, Template: tmplWant,
				PodManagementPolicy:  appsv1.OrderedReadyPodManagement,
				UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType},
				RevisionHistoryLimit: ptr.To[int32](10),
				PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
					WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
					WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				},
			}},
		},
	})
}

// jobTemplate is a Job's pod template before and after defaulting.
func jobTemplate() (in, want corev1.PodTemplateSpec) {
	in = corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "pi"}},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "pi", Image: "perl:5.34.0", Command: []string{"perl", "-e", "print 1"}}},
		},
	}
	c := defaultedContainer("pi", "perl:5.34.0", corev1.PullIfNotPresent)
	c.Command = []string{"perl", "-e", "print 1"}
	spec := defaultedPodSpec(c)
	spec.RestartPolicy = corev1.RestartPolicyNever
	return in, corev1.PodTemplateSpec{ObjectMeta: in.ObjectMeta, Spec: spec}
}

func TestDefaultJob(t *testing.T) {
	tmplIn, tmplWant := jobTemplate()
	meta := metav1.ObjectMeta{Name: "pi", Namespace: "default"}
	// job builds the defaulted spec of a Job, with overrides.
	defaulted := func(edit func(*batchv1.JobSpec)) batchv1.JobSpec {
		spec := batchv1.JobSpec{
			Completions:          ptr.To[int32](1),
			Parallelism:          ptr.To[int32](1),
			BackoffLimit:         ptr.To[int32](6),
			CompletionMode:       ptr.To(batchv1.NonIndexedCompletion),
			Suspend:              ptr.To(false),
			PodReplacementPolicy: ptr.To(batchv1.TerminatingOrFailed),
			ManualSelector:       ptr.To(false),
			Template:             tmplWant,
		}
		if edit != nil {
			edit(&spec)
		}
		return spec
	}
	labeled := metav1.ObjectMeta{Name: "pi", Namespace: "default", Labels: map[string]string{"app": "pi"}}
	runCases(t, []defaultCase{
		{
			name: "minimal Job: one pod, run once; labels from the template",
			in:   &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Template: tmplIn}},
			want: &batchv1.Job{ObjectMeta: labeled, Spec: defaulted(nil)},
		},
		{
			name: "parallelism alone leaves completions unset",
			in:   &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Parallelism: ptr.To[int32](3), Template: tmplIn}},
			want: &batchv1.Job{ObjectMeta: labeled, Spec: defaulted(func(s *batchv1.JobSpec) {
				s.Completions = nil
				s.Parallelism = ptr.To[int32](3)
			})},
		},
		{
			name: "completions alone: parallelism 1",
			in:   &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Completions: ptr.To[int32](5), Template: tmplIn}},
			want: &batchv1.Job{ObjectMeta: labeled, Spec: defaulted(func(s *batchv1.JobSpec) { s.Completions = ptr.To[int32](5) })},
		},
		{
			name: "backoffLimitPerIndex lifts the global backoff limit",
			in: &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{
				Completions: ptr.To[int32](4), Parallelism: ptr.To[int32](2),
				CompletionMode: ptr.To(batchv1.IndexedCompletion), BackoffLimitPerIndex: ptr.To[int32](1),
				Template: tmplIn,
			}},
			want: &batchv1.Job{ObjectMeta: labeled, Spec: defaulted(func(s *batchv1.JobSpec) {
				s.Completions = ptr.To[int32](4)
				s.Parallelism = ptr.To[int32](2)
				s.CompletionMode = ptr.To(batchv1.IndexedCompletion)
				s.BackoffLimitPerIndex = ptr.To[int32](1)
				s.BackoffLimit = ptr.To[int32](math.MaxInt32)
			})},
		},
		{
			name: "a pod failure policy waits for failed pods; condition patterns default to True",
			in: &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{
				PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
					Action:          batchv1.PodFailurePolicyActionIgnore,
					OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget}},
				}}},
				Template: tmplIn,
			}},
			want: &batchv1.Job{ObjectMeta: labeled, Spec: defaulted(func(s *batchv1.JobSpec) {
				s.PodReplacementPolicy = ptr.To(batchv1.Failed)
				s.PodFailurePolicy = &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
					Action:          batchv1.PodFailurePolicyActionIgnore,
					OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}},
				}}}
			})},
		},
		{
			name: "set fields and own labels are kept",
			in: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default", Labels: map[string]string{"own": "1"}},
				Spec: batchv1.JobSpec{
					BackoffLimit: ptr.To[int32](0), Suspend: ptr.To(true), ManualSelector: ptr.To(true), Selector: selector,
					PodReplacementPolicy: ptr.To(batchv1.Failed), Template: tmplIn,
				},
			},
			want: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default", Labels: map[string]string{"own": "1"}},
				Spec: defaulted(func(s *batchv1.JobSpec) {
					s.BackoffLimit = ptr.To[int32](0)
					s.Suspend = ptr.To(true)
					s.ManualSelector = ptr.To(true)
					s.Selector = selector
					s.PodReplacementPolicy = ptr.To(batchv1.Failed)
				}),
			},
		},
	})
}

func TestDefaultCronJob(t *testing.T) {
	tmplIn, tmplWant := jobTemplate()
	meta := metav1.ObjectMeta{Name: "hello", Namespace: "default"}
	pfp := func(status corev1.ConditionStatus) *batchv1.PodFailurePolicy {
		return &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
			Action:          batchv1.PodFailurePolicyActionFailJob,
			OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget, Status: status}},
		}}}
	}
	runCases(t, []defaultCase{
		{
			// The job template only gets nested defaults, not SetDefaults_Job.
			name: "CronJob",
			in: &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{
				Schedule:    "*/1 * * * *",
				JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmplIn, PodFailurePolicy: pfp("")}},
			}},
			want: &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{
				Schedule:                   "*/1 * * * *",
				ConcurrencyPolicy:          batchv1.AllowConcurrent,
				Suspend:                    ptr.To(false),
				SuccessfulJobsHistoryLimit: ptr.To[int32](3),
				FailedJobsHistoryLimit:     ptr.To[int32](1),
				JobTemplate:                batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmplWant, PodFailurePolicy: pfp(corev1.ConditionTrue)}},
			}},
		},
		{
			name: "CronJob keeps set fields",
			in: &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{
				Schedule: "@hourly", ConcurrencyPolicy: batchv1.ForbidConcurrent, Suspend: ptr.To(true),
				SuccessfulJobsHistoryLimit: ptr.To[int32](0), FailedJobsHistoryLimit: ptr.To[int32](5),
				JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmplIn}},
			}},
			want: &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{
				Schedule: "@hourly", ConcurrencyPolicy: batchv1.ForbidConcurrent, Suspend: ptr.To(true),
				SuccessfulJobsHistoryLimit: ptr.To[int32](0), FailedJobsHistoryLimit: ptr.To[int32](5),
				JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmplWant}},
			}},
		},
	})
}
