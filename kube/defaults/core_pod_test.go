package defaults

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// defaultedContainer is what a container with only a name and an image
// looks like after defaulting.
func defaultedContainer(name, image string, pull corev1.PullPolicy) corev1.Container {
	return corev1.Container{
		Name:                     name,
		Image:                    image,
		ImagePullPolicy:          pull,
		TerminationMessagePath:   "/dev/termination-log",
		TerminationMessagePolicy: corev1.TerminationMessageReadFile,
	}
}

// defaultedPodSpec is the PodSpec-level defaults (SetDefaults_PodSpec)
// around the given containers.
func defaultedPodSpec(containers ...corev1.Container) corev1.PodSpec {
	return corev1.PodSpec{
		Containers:                    containers,
		RestartPolicy:                 corev1.RestartPolicyAlways,
		TerminationGracePeriodSeconds: ptr.To[int64](30),
		DNSPolicy:                     corev1.DNSClusterFirst,
		SecurityContext:               &corev1.PodSecurityContext{},
		SchedulerName:                 "default-scheduler",
	}
}

func pod(spec corev1.PodSpec) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}, Spec: spec}
}

func q(s string) resource.Quantity { return resource.MustParse(s) }

func TestDefaultPod(t *testing.T) {
	withLinks := func(spec corev1.PodSpec) corev1.PodSpec {
		spec.EnableServiceLinks = ptr.To(true)
		return spec
	}
	runCases(t, []defaultCase{
		{
			name: "minimal",
			in:   pod(corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}),
			want: pod(withLinks(defaultedPodSpec(defaultedContainer("c", "nginx", corev1.PullAlways)))),
		},
		{
			name: "pull policy by image",
			in: pod(corev1.PodSpec{Containers: []corev1.Container{
				{Name: "a", Image: "nginx:latest"},
				{Name: "b", Image: "nginx:1.7.9"},
				{Name: "c", Image: "nginx@sha256:" + sha256Hex},
				{Name: "d", Image: "nginx", ImagePullPolicy: corev1.PullNever},
			}}),
			want: pod(withLinks(defaultedPodSpec(
				defaultedContainer("a", "nginx:latest", corev1.PullAlways),
				defaultedContainer("b", "nginx:1.7.9", corev1.PullIfNotPresent),
				defaultedContainer("c", "nginx@sha256:"+sha256Hex, corev1.PullIfNotPresent),
				defaultedContainer("d", "nginx", corev1.PullNever),
			))),
		},
		{
			name: "set fields are kept",
			in: pod(corev1.PodSpec{
				Containers:                    []corev1.Container{{Name: "c", Image: "nginx:1", TerminationMessagePath: "/tmp/msg", TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError}},
				RestartPolicy:                 corev1.RestartPolicyNever,
				DNSPolicy:                     corev1.DNSDefault,
				SchedulerName:                 "mine",
				TerminationGracePeriodSeconds: ptr.To[int64](0),
				SecurityContext:               &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](1000)},
				EnableServiceLinks:            ptr.To(false),
			}),
			want: pod(corev1.PodSpec{
				Containers: []corev1.Container{{
					Name: "c", Image: "nginx:1", ImagePullPolicy: corev1.PullIfNotPresent,
					TerminationMessagePath: "/tmp/msg", TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
				}},
				RestartPolicy:                 corev1.RestartPolicyNever,
				DNSPolicy:                     corev1.DNSDefault,
				SchedulerName:                 "mine",
				TerminationGracePeriodSeconds: ptr.To[int64](0),
				SecurityContext:               &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](1000)},
				EnableServiceLinks:            ptr.To(false),
			}),
		},
		{
			name: "requests default from limits and quantities round up",
			in: pod(corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "i", Image: "busybox:1", Resources: corev1.ResourceRequirements{
					Limits: corev1.ResourceList{corev1.ResourceMemory: q("64Mi")},
				}}},
				Containers: []corev1.Container{{Name: "c", Image: "busybox:1", Resources: corev1.ResourceRequirements{
					Limits:   corev1.ResourceList{corev1.ResourceCPU: q("0.0005"), corev1.ResourceMemory: q("128Mi")},
					Requests: corev1.ResourceList{corev1.ResourceMemory: q("100Mi")},
				}}},
				Overhead: corev1.ResourceList{corev1.ResourceCPU: q("1.0001")},
			}),
			want: pod(func() corev1.PodSpec {
				i := defaultedContainer("i", "busybox:1", corev1.PullIfNotPresent)
				i.Resources = corev1.ResourceRequirements{
					Limits:   corev1.ResourceList{corev1.ResourceMemory: q("64Mi")},
					Requests: corev1.ResourceList{corev1.ResourceMemory: q("64Mi")},
				}
				c := defaultedContainer("c", "busybox:1", corev1.PullIfNotPresent)
				c.Resources = corev1.ResourceRequirements{
					Limits:   corev1.ResourceList{corev1.ResourceCPU: q("1m"), corev1.ResourceMemory: q("128Mi")},
					Requests: corev1.ResourceList{corev1.ResourceCPU: q("1m"), corev1.ResourceMemory: q("100Mi")},
				}
				spec := withLinks(defaultedPodSpec(c))
				spec.InitContainers = []corev1.Container{i}
				spec.Overhead = corev1.ResourceList{corev1.ResourceCPU: q("1001m")}
				return spec
			}()),
		},
		{
			name: "host network turns container ports into host ports",
			in: pod(corev1.PodSpec{
				HostNetwork: true,
				Containers: []corev1.Container{{Name: "c", Image: "nginx:1", Ports: []corev1.ContainerPort{
					{ContainerPort: 80}, {ContainerPort: 53, HostPort: 5353, Protocol: corev1.ProtocolUDP},
				}}},
			}),
			want: pod(func() corev1.PodSpec {
				c := defaultedContainer("c", "nginx:1", corev1.PullIfNotPresent)
				c.Ports = []corev1.ContainerPort{
					{ContainerPort: 80, HostPort: 80, Protocol: corev1.ProtocolTCP},
					{ContainerPort: 53, HostPort: 5353, Protocol: corev1.ProtocolUDP},
				}
				spec := withLinks(defaultedPodSpec(c))
				spec.HostNetwork = true
				return spec
			}()),
		},
		{
			name: "probes, lifecycle hooks, env and ports",
			in: pod(corev1.PodSpec{Containers: []corev1.Container{{
				Name: "c", Image: "app:v1",
				Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
				Env: []corev1.EnvVar{
					{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
					{Name: "FILE", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "v", Path: "env", Key: "K"}}},
					{Name: "PLAIN", Value: "x"},
				},
				LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(8080)}}},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9090}}, PeriodSeconds: 5},
				StartupProbe:   &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, FailureThreshold: 30},
				Lifecycle: &corev1.Lifecycle{
					PostStart: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/start", Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTPS}},
					PreStop:   &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http")}},
				},
			}}}),
			want: pod(func() corev1.PodSpec {
				c := defaultedContainer("c", "app:v1", corev1.PullIfNotPresent)
				c.Ports = []corev1.ContainerPort{{ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}
				c.Env = []corev1.EnvVar{
					{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.nodeName"}}},
					{Name: "FILE", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "v", Path: "env", Key: "K", Optional: ptr.To(false)}}},
					{Name: "PLAIN", Value: "x"},
				}
				c.LivenessProbe = &corev1.Probe{
					ProbeHandler:   corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTP}},
					TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3,
				}
				c.ReadinessProbe = &corev1.Probe{
					ProbeHandler:   corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9090, Service: ptr.To("")}},
					TimeoutSeconds: 1, PeriodSeconds: 5, SuccessThreshold: 1, FailureThreshold: 3,
				}
				c.StartupProbe = &corev1.Probe{
					ProbeHandler:   corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
					TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 30,
				}
				c.Lifecycle = &corev1.Lifecycle{
					PostStart: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/start", Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTPS}},
					PreStop:   &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP}},
				}
				return withLinks(defaultedPodSpec(c))
			}()),
		},
		{
			name: "ephemeral containers get container defaults",
			in: pod(corev1.PodSpec{
				Containers: []corev1.Container{{Name: "c", Image: "nginx:1"}},
				EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
					Name: "debug", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 1}},
				}}},
			}),
			want: pod(func() corev1.PodSpec {
				spec := withLinks(defaultedPodSpec(defaultedContainer("c", "nginx:1", corev1.PullIfNotPresent)))
				spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
					Name: "debug", Image: "busybox", ImagePullPolicy: corev1.PullAlways,
					TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: corev1.TerminationMessageReadFile,
					Ports: []corev1.ContainerPort{{ContainerPort: 1, Protocol: corev1.ProtocolTCP}},
				}}}
				return spec
			}()),
		},
		{
			name: "status resource lists round up",
			in: &corev1.Pod{Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{
				Name:               "c",
				AllocatedResources: corev1.ResourceList{corev1.ResourceCPU: q("0.0001")},
				Resources:          &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("1.2345")}},
			}}}},
			want: &corev1.Pod{
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyAlways, TerminationGracePeriodSeconds: ptr.To[int64](30),
					DNSPolicy: corev1.DNSClusterFirst, SecurityContext: &corev1.PodSecurityContext{},
					SchedulerName: "default-scheduler", EnableServiceLinks: ptr.To(true),
				},
				Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{
					Name:               "c",
					AllocatedResources: corev1.ResourceList{corev1.ResourceCPU: q("1m")},
					Resources:          &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("1235m")}},
				}}},
			},
		},
	})
}

const sha256Hex = "4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac"

func TestDefaultPodLevelResources(t *testing.T) {
	container := func(name string, r corev1.ResourceRequirements) corev1.Container {
		return corev1.Container{Name: name, Image: "app:1", ImagePullPolicy: corev1.PullIfNotPresent, Resources: r}
	}
	cases := []struct {
		name   string
		in     corev1.ResourceRequirements // pod-level resources before defaulting
		want   corev1.ResourceRequirements
		c1, c2 corev1.ResourceRequirements // container resources
	}{
		{
			name: "requests from pod limits when containers request nothing",
			in:   corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("1Gi")}},
			want: corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("1Gi")},
				Requests: corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("1Gi")},
			},
		},
		{
			name: "requests from the sum of container requests",
			in:   corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("2")}},
			c1:   corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("300m")}},
			c2:   corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("200m"), corev1.ResourceMemory: q("64Mi")}},
			want: corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{corev1.ResourceCPU: q("2")},
				Requests: corev1.ResourceList{corev1.ResourceCPU: q("500m"), corev1.ResourceMemory: q("64Mi")},
			},
		},
		{
			name: "hugepages limit from container limits",
			in:   corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("1")}},
			c1:   corev1.ResourceRequirements{Limits: corev1.ResourceList{"hugepages-2Mi": q("4Mi")}},
			c2:   corev1.ResourceRequirements{Limits: corev1.ResourceList{"hugepages-2Mi": q("2Mi")}},
			want: corev1.ResourceRequirements{
				Limits: corev1.ResourceList{"hugepages-2Mi": q("6Mi")},
				// The pod-level hugepages request then follows the limit.
				Requests: corev1.ResourceList{corev1.ResourceCPU: q("1"), "hugepages-2Mi": q("6Mi")},
			},
		},
		{
			name: "no pod-level resources, nothing added",
			c1:   corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("1")}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := pod(corev1.PodSpec{Containers: []corev1.Container{container("a", tc.c1), container("b", tc.c2)}})
			if tc.in.Limits != nil || tc.in.Requests != nil {
				p.Spec.Resources = tc.in.DeepCopy()
			}
			Default(p)
			var got corev1.ResourceRequirements
			if p.Spec.Resources != nil {
				got = *p.Spec.Resources
			}
			if diff := cmpDiff(tc.want, got); diff != "" {
				t.Errorf("pod-level resources (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultPodVolumes(t *testing.T) {
	in := pod(corev1.PodSpec{
		Containers: []corev1.Container{{Name: "c", Image: "nginx:1"}},
		Volumes: []corev1.Volume{
			{Name: "scratch"},
			{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}},
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, DefaultMode: ptr.To[int32](0o400),
			}}},
			{Name: "downward", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
			}}}},
			{Name: "projected", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
					{Path: "ns", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}},
				}}},
			}}}},
			{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}},
			{Name: "image", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "quay.io/data:latest"}}},
			{Name: "ephemeral", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{
				VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{Spec: corev1.PersistentVolumeClaimSpec{
					Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}},
				}},
			}}},
			{Name: "rbd", VolumeSource: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{CephMonitors: []string{"m"}, RBDImage: "i"}}},
			{Name: "iscsi", VolumeSource: corev1.VolumeSource{ISCSI: &corev1.ISCSIVolumeSource{TargetPortal: "t", IQN: "q"}}},
			{Name: "azure", VolumeSource: corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: "u"}}},
			{Name: "scaleio", VolumeSource: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{Gateway: "g", System: "s"}}},
		},
	})
	want := in.DeepCopy()
	want.Spec = withVolumes(defaultedPodSpec(defaultedContainer("c", "nginx:1", corev1.PullIfNotPresent)), []corev1.Volume{
		{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultMode: ptr.To[int32](0o644)}}},
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, DefaultMode: ptr.To[int32](0o400),
		}}},
		{Name: "downward", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{
			DefaultMode: ptr.To[int32](0o644),
			Items: []corev1.DownwardAPIVolumeFile{
				{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels"}},
			},
		}}},
		{Name: "projected", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			DefaultMode: ptr.To[int32](0o644),
			Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To[int64](3600)}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
					{Path: "ns", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}},
				}}},
			},
		}}},
		{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log", Type: ptr.To(corev1.HostPathUnset)}}},
		{Name: "image", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "quay.io/data:latest", PullPolicy: corev1.PullAlways}}},
		{Name: "ephemeral", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{
			VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{Spec: corev1.PersistentVolumeClaimSpec{
				Resources:  corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}},
				VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem),
			}},
		}}},
		{Name: "rbd", VolumeSource: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{
			CephMonitors: []string{"m"}, RBDImage: "i", RBDPool: "rbd", RadosUser: "admin", Keyring: "/etc/ceph/keyring",
		}}},
		{Name: "iscsi", VolumeSource: corev1.VolumeSource{ISCSI: &corev1.ISCSIVolumeSource{TargetPortal: "t", IQN: "q", ISCSIInterface: "default"}}},
		{Name: "azure", VolumeSource: corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{
			DiskName: "d", DataDiskURI: "u", CachingMode: ptr.To(corev1.AzureDataDiskCachingReadWrite),
			FSType: ptr.To("ext4"), ReadOnly: ptr.To(false), Kind: ptr.To(corev1.AzureSharedBlobDisk),
		}}},
		{Name: "scaleio", VolumeSource: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{
			Gateway: "g", System: "s", StorageMode: "ThinProvisioned", FSType: "xfs",
		}}},
	})
	want.Spec.EnableServiceLinks = ptr.To(true)
	runCases(t, []defaultCase{{name: "volume sources", in: in, want: want}})
}

func withVolumes(spec corev1.PodSpec, volumes []corev1.Volume) corev1.PodSpec {
	spec.Volumes = volumes
	return spec
}
