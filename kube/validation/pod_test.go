package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/scheme"
)

// defaulted defaults obj as the API server does before validating it.
func defaulted[T runtime.Object](obj T) T {
	scheme.Scheme.Default(obj)
	return obj
}

// pod is a valid, defaulted pod after mutate has run on its undefaulted
// form.
func pod(mutate func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: om("web", "ns"), Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app", Image: "nginx"}},
	}}
	if mutate != nil {
		mutate(p)
	}
	return defaulted(p)
}

func TestPodCreate(t *testing.T) {
	runCreate(t, []createCase{
		{"valid", pod(nil), nil},
		{"no containers", pod(func(p *corev1.Pod) { p.Spec.Containers = nil }), []string{"spec.containers: Required value"}},
		{"container name", pod(func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "App_1", Image: "x"}, corev1.Container{Name: "app", Image: "x"})
		}), []string{
			`spec.containers[1].name: Invalid value: "App_1": ` + dns1123LabelMsg,
			`spec.containers[2].name: Duplicate value: "app"`,
		}},
		{"no image", pod(func(p *corev1.Pod) { p.Spec.Containers[0].Image = "" }), []string{"spec.containers[0].image: Required value"}},
		{"image with spaces", pod(func(p *corev1.Pod) { p.Spec.Containers[0].Image = " nginx" }), []string{
			`spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace`,
		}},
		{"ports", pod(func(p *corev1.Pod) {
			p.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 80}, {Name: "http", ContainerPort: 70000}}
		}), []string{
			`spec.containers[0].ports[1].name: Duplicate value: "http"`,
			`spec.containers[0].ports[1].containerPort: Invalid value: 70000: ` + portNumMsg,
		}},
		{"env", pod(func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: ""}, {Name: "A=B"}, {Name: "X", ValueFrom: &corev1.EnvVarSource{}}}
		}), []string{
			"spec.containers[0].env[0].name: Required value",
			`spec.containers[0].env[0].name: Invalid value: "": environment variable name must be non-empty`,
			`spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
			"spec.containers[0].env[2].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
		}},
		{"volumes and mounts", pod(func(p *corev1.Pod) {
			emptyDir := corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
			p.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: emptyDir}, {Name: "data", VolumeSource: emptyDir}}
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d"}, {Name: "cache", MountPath: "/d"}}
		}), []string{
			`spec.volumes[1].name: Duplicate value: "data"`,
			`spec.containers[0].volumeMounts[1].name: Not found: "cache"`,
			`spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique`,
		}},
		{"resources", pod(func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m")},
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("-1")},
			}
		}), []string{
			`spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m`,
			`spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0`,
		}},
		{"restart policy", pod(func(p *corev1.Pod) { p.Spec.RestartPolicy = "Sometimes" }), []string{
			`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
		}},
		{"probes", pod(func(p *corev1.Pod) {
			p.Spec.Containers[0].LivenessProbe = &corev1.Probe{SuccessThreshold: 2}
			p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				Exec:      &corev1.ExecAction{Command: []string{"true"}},
				TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(80)},
			}, PeriodSeconds: -1}
		}), []string{
			"spec.containers[0].livenessProbe: Required value: must specify a handler type",
			"spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
			"spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
			"spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
		}},
		{"tolerations", pod(func(p *corev1.Pod) {
			p.Spec.Tolerations = []corev1.Toleration{
				{Operator: corev1.TolerationOpEqual, Value: "x"},
				{Key: "k", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: ptr.To[int64](5)},
			}
		}), []string{
			"spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
			"spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
		}},
		{"node selector and affinity", pod(func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"disk": "fast ssd"}
			p.Spec.Affinity = &corev1.Affinity{
				NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{}},
				PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
					LabelSelector: nil, TopologyKey: "",
				}}},
			}
		}), []string{
			`spec.nodeSelector: Invalid value: "fast ssd": ` + labelValueMsg,
			"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term",
			"spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty",
			`spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty`,
			`spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": ` + qualifiedNameMsg,
		}},
		{"deadline", pod(func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](0) }), []string{
			"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
		}},
		{"ephemeral containers on create", pod(func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
				Name: "debug", Image: "busybox", TerminationMessagePolicy: corev1.TerminationMessageReadFile, ImagePullPolicy: corev1.PullAlways,
			}}}
		}), []string{"spec.ephemeralContainers: Forbidden: cannot be set on create"}},
	})
}

func TestPodUpdate(t *testing.T) {
	old := pod(func(p *corev1.Pod) {
		p.Spec.Tolerations = []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists}}
		p.Spec.ActiveDeadlineSeconds = ptr.To[int64](100)
	})
	update := func(f func(*corev1.Pod)) *corev1.Pod {
		p := old.DeepCopy()
		f(p)
		return p
	}
	runUpdate(t, []updateCase{
		{"image", update(func(p *corev1.Pod) { p.Spec.Containers[0].Image = "nginx:2" }), old, nil},
		{"add toleration, lower deadline", update(func(p *corev1.Pod) {
			p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "j", Operator: corev1.TolerationOpExists})
			p.Spec.ActiveDeadlineSeconds = ptr.To[int64](50)
		}), old, nil},
		{"raise deadline", update(func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](200) }), old, []string{
			"spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value",
		}},
		{"remove toleration", update(func(p *corev1.Pod) { p.Spec.Tolerations = nil }), old, []string{
			"spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds",
		}},
		{"add container", update(func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, *p.Spec.Containers[0].DeepCopy())
			p.Spec.Containers[1].Name = "two"
		}), old, []string{"spec.containers: Forbidden: pod updates may not add or remove containers"}},
	})
	changed := update(func(p *corev1.Pod) {
		p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}}
	})
	errs := ValidateUpdate(changed, old)
	want := "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`," +
		"`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` " +
		"(allow it to be set to 1 if it was previously negative)\n"
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) || !strings.Contains(errs[0].Error(), "v1.PodSpec{") {
		t.Errorf("changing ports: got %v, want one error starting %q with a diff", errs, want)
	}
}

func TestPodStatusUpdate(t *testing.T) {
	old := pod(func(p *corev1.Pod) { p.Spec.RestartPolicy = corev1.RestartPolicyNever })
	old.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}}}}
	restarted := old.DeepCopy()
	restarted.Status.ContainerStatuses[0].State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
	badIP := old.DeepCopy()
	badIP.Status.PodIP = "10.0.0.300"
	badIP.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.300"}}
	runStatusUpdate(t, []updateCase{
		{"unchanged", old, old, nil},
		{"terminated restarts", restarted, old, []string{"status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"}},
		{"bad pod IP", badIP, old, []string{`status.podIPs[0].ip: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`}},
	})
}
