package kubeletstatus

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestEvents(t *testing.T) {
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("nginx"))
	pod.Name, pod.UID = "nginx-demo", "eba59371-c6de-449c-94ec-cf3f4bf582e4"
	tests := []struct {
		got  Event
		want Event
	}{
		{EventPulling("nginx"), Event{"Normal", "Pulling", `Pulling image "nginx"`}},
		{EventPulled("nginx", 1200*time.Millisecond+345*time.Microsecond, 1561*time.Millisecond, 12345),
			Event{"Normal", "Pulled", `Successfully pulled image "nginx" in 1.2s (1.561s including waiting). Image size: 12345 bytes.`}},
		{EventImagePresent("busybox:1.36"), Event{"Normal", "Pulled", `Container image "busybox:1.36" already present on machine and can be accessed by the pod`}},
		{EventPullFailed("nginx:nope", "rpc error: code = NotFound desc = not found"),
			Event{"Warning", "Failed", `Failed to pull image "nginx:nope": rpc error: code = NotFound desc = not found`}},
		{EventPullBackOff("nginx:nope"), Event{"Normal", "BackOff", `Back-off pulling image "nginx:nope"`}},
		{EventImageNeverPull("app:dev"), Event{"Warning", "ErrImageNeverPull", `Container image "app:dev" is not present with pull policy of Never`}},
		{EventFailed(ReasonErrImagePull), Event{"Warning", "Failed", "Error: ErrImagePull"}},
		{EventFailed(ConfigMapNotFoundMessage("special-config")), Event{"Warning", "Failed", `Error: configmap "special-config" not found`}},
		{EventCreated(), Event{"Normal", "Created", "Container created"}},
		{EventStarted(), Event{"Normal", "Started", "Container started"}},
		{EventKilling(KillingStopping("nginx")), Event{"Normal", "Killing", "Stopping container nginx"}},
		{EventKilling(KillingLiveness("nginx")), Event{"Normal", "Killing", "Container nginx failed liveness probe, will be restarted"}},
		{EventKilling(KillingStartup("nginx")), Event{"Normal", "Killing", "Container nginx failed startup probe, will be restarted"}},
		{EventKilling(KillingDefinitionChanged("nginx")), Event{"Normal", "Killing", "Container nginx definition changed, will be restarted"}},
		{EventKilling(KillingSidecarLiveness("proxy")), Event{"Normal", "Killing", "Init container proxy failed liveness probe"}},
		{EventKilling(KillingPostStartHookFailed), Event{"Normal", "Killing", "FailedPostStartHook"}},
		{EventProbeFailed(ProbeLiveness, "cat: can't open '/tmp/healthy': No such file or directory"),
			Event{"Warning", "Unhealthy", "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"}},
		{EventProbeFailed(ProbeReadiness, HTTPProbeFailedOutput(503)), Event{"Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"}},
		{EventProbeFailed(ProbeStartup, `Get "http://10.244.0.19:80/": `+TCPProbeRefusedOutput("10.244.0.19", 80)),
			Event{"Warning", "Unhealthy", `Startup probe failed: Get "http://10.244.0.19:80/": dial tcp 10.244.0.19:80: connect: connection refused`}},
		{EventProbeErrored(ProbeLiveness, "timeout"), Event{"Warning", "Unhealthy", "Liveness probe errored: timeout"}},
		{EventPostStartHookFailed(), Event{"Warning", "FailedPostStartHook", "PostStartHook failed"}},
		{EventPreStopHookFailed(), Event{"Warning", "FailedPreStopHook", "PreStopHook failed"}},
		{EventBackOff("nginx", pod), Event{"Warning", "BackOff",
			"Back-off restarting failed container nginx in pod nginx-demo_default(eba59371-c6de-449c-94ec-cf3f4bf582e4)"}},
		{EventDeadlineExceeded(), Event{"Normal", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"}},
		{EventFailedMount("config", ConfigMapNotFoundMessage("x")), Event{"Warning", "FailedMount", `MountVolume.SetUp failed for volume "config" : configmap "x" not found`}},
		{EventSandboxChanged(), Event{"Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created."}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("event (-want +got):\n%s", diff)
		}
	}
}

func TestWaitingMessages(t *testing.T) {
	tests := []struct{ got, want string }{
		{ImagePullBackOffMessage("nginx:doesnotexist", `rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist"`),
			`Back-off pulling image "nginx:doesnotexist": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist"`},
		{ImagePullBackOffMessage("nginx", ""), `Back-off pulling image "nginx"`},
		{SecretNotFoundMessage("db"), `secret "db" not found`},
		{ConfigMapKeyNotFoundMessage("special.how", "default", "special-config"), "couldn't find key special.how in ConfigMap default/special-config"},
		{SecretKeyNotFoundMessage("password", "prod", "db"), "couldn't find key password in Secret prod/db"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestEvictionMessages(t *testing.T) {
	q := resource.MustParse
	got := NodePressureEvictionMessage(corev1.ResourceMemory, nil, nil, []ContainerUsage{
		{Name: "hog", Usage: q("600Mi"), Request: q("100Mi")},
		{Name: "calm", Usage: q("10Mi"), Request: q("100Mi")},
	})
	want := "The node was low on resource: memory. Container hog was using 600Mi, request is 100Mi, has larger consumption of memory. "
	if got != want {
		t.Errorf("node pressure:\n got %q\nwant %q", got, want)
	}
	threshold, available := q("100Mi"), q("80Mi")
	got = NodePressureEvictionMessage(corev1.ResourceEphemeralStorage, &threshold, &available, nil)
	want = "The node was low on resource: ephemeral-storage. Threshold quantity: 100Mi, available: 80Mi. "
	if got != want {
		t.Errorf("with threshold:\n got %q\nwant %q", got, want)
	}
	for _, tc := range []struct{ got, want string }{
		{EmptyDirLimitMessage("cache", q("1Gi")), `Usage of EmptyDir volume "cache" exceeds the limit "1Gi". `},
		{PodEphemeralStorageMessage(q("2Gi")), "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. "},
		{ContainerEphemeralStorageMessage("writer", q("500Mi")), `Container writer exceeded its local ephemeral storage limit "500Mi". `},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestTerminationMessage(t *testing.T) {
	file := ctr("app")
	file.TerminationMessagePath = "/dev/termination-log"
	file.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	fallback := file
	fallback.TerminationMessagePolicy = corev1.TerminationMessageFallbackToLogsOnError
	var logs strings.Builder
	for i := range 100 {
		logs.WriteString(strings.Repeat("x", 9) + string(rune('a'+i%26)) + "\n")
	}
	tests := []struct {
		name                           string
		c                              corev1.Container
		code                           int32
		reason, runtime, content, logs string
		want                           string
	}{
		{"file", file, 1, "Error", "", "bye", "ignored", "bye"},
		{"runtime message first", file, 137, "OOMKilled", "oom", "bye", "", "oom: bye"},
		{"no file, no fallback", file, 1, "Error", "", "", "logs", ""},
		{"fallback on failure", fallback, 1, "Error", "", "", "boom\n", "boom\n"},
		{"file wins over logs", fallback, 1, "Error", "", "msg", "boom\n", "msg"},
		{"no fallback on success", fallback, 0, "Completed", "", "", "boom\n", ""},
		{"no fallback for ContainerCannotRun", fallback, 128, "ContainerCannotRun", "exec failed", "", "boom\n", "exec failed"},
		{"file keeps its last 4 KiB", file, 0, "Completed", "", strings.Repeat("a", 10) + strings.Repeat("b", 4096), "", strings.Repeat("b", 4096)},
		{"logs keep 80 lines, 2 KiB", fallback, 2, "Error", "", "", logs.String(), logs.String()[len(logs.String())-80*11:]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := TerminationMessage(&tc.c, tc.code, tc.reason, tc.runtime, tc.content, tc.logs)
			if got != tc.want {
				t.Errorf("TerminationMessage = %q, want %q", got, tc.want)
			}
		})
	}
	long := strings.Repeat("line\n", 1000)
	if got := TerminationMessage(&fallback, 1, "Error", "", "", long); len(got) != 80*5 {
		t.Errorf("log tail of %d bytes, want %d", len(got), 80*5)
	}
	wide := strings.Repeat(strings.Repeat("w", 99)+"\n", 80)
	if got := TerminationMessage(&fallback, 1, "Error", "", "", wide); len(got) != MaxContainerTerminationMessageLogLength {
		t.Errorf("log tail of %d bytes, want %d", len(got), MaxContainerTerminationMessageLogLength)
	}
}

func TestQOSClass(t *testing.T) {
	q := resource.MustParse
	guaranteed := ctr("g")
	guaranteed.Resources = corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: q("1"), corev1.ResourceMemory: q("1Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: q("1"), corev1.ResourceMemory: q("1Gi")},
	}
	burstable := ctr("b")
	burstable.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: q("100m")}
	storageOnly := ctr("s")
	storageOnly.Resources.Requests = corev1.ResourceList{corev1.ResourceEphemeralStorage: q("1Gi")}
	tests := []struct {
		name string
		pod  *corev1.Pod
		want corev1.PodQOSClass
	}{
		{"best effort", newPod("", nil, ctr("a")), corev1.PodQOSBestEffort},
		{"storage only is best effort", newPod("", nil, storageOnly), corev1.PodQOSBestEffort},
		{"guaranteed", newPod("", nil, guaranteed), corev1.PodQOSGuaranteed},
		{"burstable", newPod("", nil, burstable), corev1.PodQOSBurstable},
		{"guaranteed and best effort mix", newPod("", nil, guaranteed, ctr("a")), corev1.PodQOSBurstable},
		{"init container counts", newPod("", []corev1.Container{ctr("i")}, guaranteed), corev1.PodQOSBurstable},
	}
	for _, tc := range tests {
		if got := QOSClass(tc.pod); got != tc.want {
			t.Errorf("%s: QOSClass = %s, want %s", tc.name, got, tc.want)
		}
	}
	kept := newPod("", nil, ctr("a"))
	kept.Status.QOSClass = corev1.PodQOSGuaranteed
	if got := QOSClass(kept); got != corev1.PodQOSGuaranteed {
		t.Errorf("QOSClass did not keep the status's class: %s", got)
	}
}
