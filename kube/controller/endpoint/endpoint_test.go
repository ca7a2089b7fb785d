package endpoint_test

import (
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestEndpointsListReadyPodsWithPorts(t *testing.T) {
	env, c := start(t)
	_, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 3), metav1.CreateOptions{})
	check(t, err)
	_, err = c.CoreV1().Services(ns).Create(ctx, service("web", "web"), metav1.CreateOptions{})
	check(t, err)
	settle(env)

	ep := getEndpoints(t, c, "web")
	if len(ep.Subsets) != 1 {
		t.Fatalf("subsets %+v, want 1", ep.Subsets)
	}
	s := ep.Subsets[0]
	wantPorts := []corev1.EndpointPort{{Name: "metrics", Port: 9100, Protocol: corev1.ProtocolTCP}, {Name: "web", Port: 8080, Protocol: corev1.ProtocolTCP}}
	if diff := cmp.Diff(wantPorts, s.Ports); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
	pods := podIPs(t, c, "web")
	if len(s.Addresses) != 3 || len(s.NotReadyAddresses) != 0 {
		t.Fatalf("addresses %v notReady %v, want the 3 pods ready", ips(s.Addresses), ips(s.NotReadyAddresses))
	}
	if !sort.StringsAreSorted(ips(s.Addresses)) {
		t.Errorf("addresses not sorted: %v", ips(s.Addresses))
	}
	for _, a := range s.Addresses {
		pod, ok := pods[a.IP]
		if !ok {
			t.Errorf("address %s is no pod's", a.IP)
			continue
		}
		want := corev1.EndpointAddress{IP: a.IP, NodeName: ptr.To(pod.Spec.NodeName),
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: pod.Name, UID: pod.UID}}
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("address (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff(map[string]string{"tier": "front"}, ep.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if _, err := time.Parse(time.RFC3339Nano, ep.Annotations[corev1.EndpointsLastChangeTriggerTime]); err != nil {
		t.Errorf("annotations %v: no last-change-trigger-time", ep.Annotations)
	}
	// Nothing changes, so nothing is written.
	env.Advance(time.Minute)
	if again := getEndpoints(t, c, "web"); again.ResourceVersion != ep.ResourceVersion {
		t.Errorf("Endpoints rewritten while nothing changed: resourceVersion %s -> %s", ep.ResourceVersion, again.ResourceVersion)
	}
}

func TestUnreadyPodMovesToNotReadyAddressesAndScaleToZeroEmpties(t *testing.T) {
	env, c := start(t)
	_, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	check(t, err)
	_, err = c.CoreV1().Services(ns).Create(ctx, service("web", "web"), metav1.CreateOptions{})
	check(t, err)
	flaky := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "flaky", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "app", Image: "busybox",
			Command: []string{"sh", "-c", "touch /tmp/healthy; sleep 20; rm /tmp/healthy; sleep 3600"},
			Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9100}},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
				PeriodSeconds: 5, FailureThreshold: 1,
			},
		}}},
	}
	flaky, err = c.CoreV1().Pods(ns).Create(ctx, flaky, metav1.CreateOptions{})
	check(t, err)
	env.Advance(10 * time.Second)
	if s := getEndpoints(t, c, "web").Subsets; len(s) != 1 || len(s[0].Addresses) != 3 {
		t.Fatalf("while flaky is healthy: %+v, want 3 ready addresses", s)
	}
	before := getEndpoints(t, c, "web").Annotations[corev1.EndpointsLastChangeTriggerTime]

	env.Advance(20 * time.Second)
	flaky, err = c.CoreV1().Pods(ns).Get(ctx, "flaky", metav1.GetOptions{})
	check(t, err)
	ep := getEndpoints(t, c, "web")
	if len(ep.Subsets) != 1 || len(ep.Subsets[0].Addresses) != 2 || len(ep.Subsets[0].NotReadyAddresses) != 1 ||
		ep.Subsets[0].NotReadyAddresses[0].IP != flaky.Status.PodIP {
		t.Fatalf("after flaky failed readiness: %+v, want it under notReadyAddresses", ep.Subsets)
	}
	// The trigger time is when flaky turned unready.
	after := ep.Annotations[corev1.EndpointsLastChangeTriggerTime]
	for _, c := range flaky.Status.Conditions {
		if c.Type == corev1.PodReady && c.LastTransitionTime.UTC().Format(time.RFC3339Nano) != after {
			t.Errorf("last-change-trigger-time %s (was %s), want flaky's Ready transition %s", after, before, c.LastTransitionTime)
		}
	}

	scale, err := c.AppsV1().Deployments(ns).GetScale(ctx, "web", metav1.GetOptions{})
	check(t, err)
	scale.Spec.Replicas = 0
	_, err = c.AppsV1().Deployments(ns).UpdateScale(ctx, "web", scale, metav1.UpdateOptions{})
	check(t, err)
	check(t, c.CoreV1().Pods(ns).Delete(ctx, "flaky", metav1.DeleteOptions{}))
	env.Advance(time.Second)
	// Terminating pods leave the Endpoints at once.
	if ep := getEndpoints(t, c, "web"); len(ep.Subsets) != 0 {
		t.Errorf("after scaling to 0: subsets %+v, want none", ep.Subsets)
	}
}

func TestPublishNotReadyAddressesAndHeadless(t *testing.T) {
	env, c := start(t)
	d := deployment("web", 2)
	d.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/ready": "false"}
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8080)}}, PeriodSeconds: 5}
	_, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	check(t, err)
	published := service("published", "web")
	published.Spec.PublishNotReadyAddresses = true
	headless := service("headless", "web")
	headless.Spec.ClusterIP = corev1.ClusterIPNone
	headless.Spec.Ports = nil
	for _, svc := range []*corev1.Service{service("plain", "web"), published, headless} {
		_, err = c.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
		check(t, err)
	}
	env.Advance(20 * time.Second)

	count := func(name string) (ready, notReady, ports int) {
		for _, s := range getEndpoints(t, c, name).Subsets {
			ready += len(s.Addresses)
			notReady += len(s.NotReadyAddresses)
			ports += len(s.Ports)
		}
		return
	}
	for name, want := range map[string][3]int{"plain": {0, 2, 2}, "published": {2, 0, 2}, "headless": {0, 2, 0}} {
		r, n, p := count(name)
		if got := [3]int{r, n, p}; got != want {
			t.Errorf("%s: ready, notReady, ports = %v, want %v", name, got, want)
		}
	}
	if ep := getEndpoints(t, c, "headless"); ep.Labels[corev1.IsHeadlessService] != "" || len(ep.Labels) != 2 {
		t.Errorf("headless labels %v, want tier and %s", ep.Labels, corev1.IsHeadlessService)
	}
}

func TestEndpointsGoWithTheServiceAndSelectorlessServicesAreLeftAlone(t *testing.T) {
	env, c := start(t)
	_, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 1), metav1.CreateOptions{})
	check(t, err)
	_, err = c.CoreV1().Services(ns).Create(ctx, service("web", "web"), metav1.CreateOptions{})
	check(t, err)
	manual := service("manual", "")
	manual.Spec.Selector = nil
	_, err = c.CoreV1().Services(ns).Create(ctx, manual, metav1.CreateOptions{})
	check(t, err)
	mine := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "manual"},
		Subsets: []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{{IP: "192.0.2.1"}},
			Ports: []corev1.EndpointPort{{Name: "web", Port: 80, Protocol: corev1.ProtocolTCP}}}}}
	created, err := c.CoreV1().Endpoints(ns).Create(ctx, mine, metav1.CreateOptions{})
	check(t, err)
	settle(env)

	if got := getEndpoints(t, c, "manual"); got.ResourceVersion != created.ResourceVersion {
		t.Errorf("the user's Endpoints were rewritten: %+v", got)
	}
	getEndpoints(t, c, "web")
	check(t, c.CoreV1().Services(ns).Delete(ctx, "web", metav1.DeleteOptions{}))
	env.Settle()
	if _, err := c.CoreV1().Endpoints(ns).Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Endpoints after the Service was deleted: err %v, want NotFound", err)
	}
	// The API server's own Endpoints stay as it wrote them.
	k := getEndpoints(t, c, "kubernetes")
	if len(k.Subsets) != 1 || ips(k.Subsets[0].Addresses)[0] != "127.0.0.1" || k.Subsets[0].Ports[0].Port != 6443 {
		t.Errorf("kubernetes Endpoints %+v, want 127.0.0.1:6443", k.Subsets)
	}
}
