package endpointslice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestDeploymentBehindServiceGetsOneSliceOfReadyEndpoints(t *testing.T) {
	env, c := start(t)
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 3), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc, err := c.CoreV1().Services(ns).Create(ctx, service("web", "web", intstr.FromInt32(8080)), metav1.CreateOptions{})
	check(t, err)
	settle(env)

	s := oneSlice(t, c, "web")
	if !strings.HasPrefix(s.Name, "web-") || s.GenerateName != "web-" {
		t.Errorf("slice name %q generateName %q, want web-xxxxx", s.Name, s.GenerateName)
	}
	wantLabels := map[string]string{"tier": "front", discoveryv1.LabelServiceName: "web",
		discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io"}
	if diff := cmp.Diff(wantLabels, s.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	wantRef := []metav1.OwnerReference{{APIVersion: "v1", Kind: "Service", Name: "web", UID: svc.UID,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
	if diff := cmp.Diff(wantRef, s.OwnerReferences); diff != "" {
		t.Errorf("ownerReferences (-want +got):\n%s", diff)
	}
	if s.AddressType != discoveryv1.AddressTypeIPv4 {
		t.Errorf("addressType %s", s.AddressType)
	}
	wantPorts := []discoveryv1.EndpointPort{{Name: ptr.To("web"), Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To[int32](8080)}}
	if diff := cmp.Diff(wantPorts, s.Ports); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
	if _, err := time.Parse(time.RFC3339Nano, s.Annotations[corev1.EndpointsLastChangeTriggerTime]); err != nil {
		t.Errorf("annotations %v: no last-change-trigger-time", s.Annotations)
	}
	pods := podsOf(t, c, "web")
	eps := byPod(s)
	if len(eps) != 3 || len(s.Endpoints) != 3 {
		t.Fatalf("endpoints %+v, want one for each of the 3 pods", s.Endpoints)
	}
	zones := map[string]string{"node-1": "zone-a", "node-2": "zone-b"}
	for name, pod := range pods {
		ep, ok := eps[name]
		if !ok {
			t.Errorf("no endpoint for pod %s", name)
			continue
		}
		want := discoveryv1.Endpoint{
			Addresses:  []string{pod.Status.PodIP},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true), Serving: ptr.To(true), Terminating: ptr.To(false)},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: name, UID: pod.UID},
			NodeName:   ptr.To(pod.Spec.NodeName),
			Zone:       ptr.To(zones[pod.Spec.NodeName]),
		}
		if diff := cmp.Diff(want, ep); diff != "" {
			t.Errorf("endpoint of %s (-want +got):\n%s", name, diff)
		}
	}
	// Nothing changes, so nothing is written.
	env.Advance(time.Minute)
	if again := oneSlice(t, c, "web"); again.ResourceVersion != s.ResourceVersion {
		t.Errorf("slice rewritten while nothing changed: resourceVersion %s -> %s", s.ResourceVersion, again.ResourceVersion)
	}
}

func TestReadinessLossTerminationAndScaleToZero(t *testing.T) {
	env, c := start(t)
	d := deployment("web", 2)
	// A preStop hook keeps deleted pods terminating for 10 s.
	d.Spec.Template.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 10}}}
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(ns).Create(ctx, service("web", "web", intstr.FromString("http")), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A third pod behind the Service passes its readiness probe for 20 s,
	// then fails it.
	flaky := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "flaky", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "app", Image: "busybox",
			Command: []string{"sh", "-c", "touch /tmp/healthy; sleep 20; rm /tmp/healthy; sleep 3600"},
			Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 9090}},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
				PeriodSeconds: 5, FailureThreshold: 1,
			},
		}}},
	}
	if _, err := c.CoreV1().Pods(ns).Create(ctx, flaky, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second) // two probe periods

	// flaky resolves "http" to another port: it gets a slice of its own.
	got := slices(t, c, "web")
	if len(got) != 2 {
		t.Fatalf("%d slices, want 2 (one per resolved port): %+v", len(got), got)
	}
	portsSeen := map[int32]int{}
	for _, s := range got {
		portsSeen[*s.Ports[0].Port] = len(s.Endpoints)
	}
	if diff := cmp.Diff(map[int32]int{8080: 2, 9090: 1}, portsSeen); diff != "" {
		t.Errorf("endpoints by port (-want +got):\n%s", diff)
	}
	flakySlice := func() discoveryv1.EndpointSlice {
		for _, s := range slices(t, c, "web") {
			if _, ok := byPod(s)["flaky"]; ok {
				return s
			}
		}
		t.Fatal("no slice holds flaky")
		return discoveryv1.EndpointSlice{}
	}
	if got := conds(byPod(flakySlice())["flaky"]); got != "R S -" {
		t.Errorf("flaky while healthy: %s, want ready and serving", got)
	}

	env.Advance(20 * time.Second)
	if got := conds(byPod(flakySlice())["flaky"]); got != "- - -" {
		t.Errorf("flaky after failing readiness: %s, want neither ready nor serving", got)
	}

	// Scaling to zero: the Deployment's pods terminate (ready false,
	// serving true, terminating true), then go.
	scale, err := c.AppsV1().Deployments(ns).GetScale(ctx, "web", metav1.GetOptions{})
	check(t, err)
	scale.Spec.Replicas = 0
	if _, err := c.AppsV1().Deployments(ns).UpdateScale(ctx, "web", scale, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Second)
	terminating := 0
	for _, s := range slices(t, c, "web") {
		for name, ep := range byPod(s) {
			if name == "flaky" {
				continue
			}
			terminating++
			if conds(ep) != "- S T" {
				t.Errorf("terminating pod %s: %s, want serving and terminating", name, conds(ep))
			}
		}
	}
	if terminating != 2 {
		t.Errorf("%d terminating endpoints during the preStop hooks, want 2", terminating)
	}
	env.Advance(20 * time.Second)
	s := oneSlice(t, c, "web")
	if len(s.Endpoints) != 1 || s.Endpoints[0].TargetRef.Name != "flaky" {
		t.Errorf("after scaling to 0: endpoints %+v, want flaky's only", s.Endpoints)
	}
	if err := c.CoreV1().Pods(ns).Delete(ctx, "flaky", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Second)
	// No endpoints: one empty placeholder slice remains.
	s = oneSlice(t, c, "web")
	if len(s.Endpoints) != 0 || len(s.Ports) != 0 {
		t.Errorf("placeholder slice: endpoints %+v ports %+v, want none", s.Endpoints, s.Ports)
	}
}

func TestPublishNotReadyAddresses(t *testing.T) {
	env, c := start(t)
	d := deployment("web", 1)
	// The pod's readiness probe never passes.
	d.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/ready": "false"}
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(8080)}}, PeriodSeconds: 5}
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(ns).Create(ctx, service("plain", "web", intstr.FromInt32(8080)), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	published := service("published", "web", intstr.FromInt32(8080))
	published.Spec.PublishNotReadyAddresses = true
	if _, err := c.CoreV1().Services(ns).Create(ctx, published, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(20 * time.Second)

	for svc, want := range map[string]string{"plain": "- - -", "published": "R S -"} {
		s := oneSlice(t, c, svc)
		if len(s.Endpoints) != 1 {
			t.Errorf("%s: endpoints %+v, want 1", svc, s.Endpoints)
			continue
		}
		if got := conds(s.Endpoints[0]); got != want {
			t.Errorf("%s: unready pod's conditions %s, want %s", svc, got, want)
		}
	}
}

func TestLabelChangesMovePodsInAndOut(t *testing.T) {
	env, c := start(t)
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 2), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(ns).Create(ctx, service("canary", "canary", intstr.FromInt32(8080)), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	if s := oneSlice(t, c, "canary"); len(s.Endpoints) != 0 {
		t.Fatalf("canary has endpoints before any pod matches: %+v", s.Endpoints)
	}
	var name string
	for n := range podsOf(t, c, "web") {
		name = n
		break
	}
	// Relabelling the pod orphans it from the Deployment (which makes a
	// new one) and puts it behind the canary Service.
	patch := []byte(`{"metadata":{"labels":{"app":"canary"}}}`)
	if _, err := c.CoreV1().Pods(ns).Patch(ctx, name, "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	if s := oneSlice(t, c, "canary"); len(s.Endpoints) != 1 || s.Endpoints[0].TargetRef.Name != name {
		t.Errorf("canary endpoints %+v, want %s", s.Endpoints, name)
	}
}

func TestDeletingServiceRemovesItsSlices(t *testing.T) {
	env, c := start(t)
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 2), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(ns).Create(ctx, service("web", "web", intstr.FromInt32(8080)), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	oneSlice(t, c, "web")
	if err := c.CoreV1().Services(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Second)
	if got := slices(t, c, "web"); len(got) != 0 {
		t.Errorf("slices left after the Service was deleted: %+v", got)
	}
}

func TestSliceDeletedByHandIsRecreated(t *testing.T) {
	env, c := start(t)
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 2), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services(ns).Create(ctx, service("web", "web", intstr.FromInt32(8080)), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	settle(env)
	old := oneSlice(t, c, "web")
	if err := c.DiscoveryV1().EndpointSlices(ns).Delete(ctx, old.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if s := oneSlice(t, c, "web"); s.Name == old.Name || len(s.Endpoints) != 2 {
		t.Errorf("after deleting %s: slice %s with %d endpoints, want a new one with 2", old.Name, s.Name, len(s.Endpoints))
	}
}

func TestServiceWithoutSelectorIsLeftAlone(t *testing.T) {
	env, c := start(t)
	svc := service("external", "", intstr.FromInt32(8080))
	svc.Spec.Selector = nil
	if _, err := c.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	mine := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "external-1", Labels: map[string]string{discoveryv1.LabelServiceName: "external"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"192.0.2.10"}}},
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("web"), Port: ptr.To[int32](8080)}},
	}
	created, err := c.DiscoveryV1().EndpointSlices(ns).Create(ctx, mine, metav1.CreateOptions{})
	check(t, err)
	settle(env)
	got := oneSlice(t, c, "external")
	if got.ResourceVersion != created.ResourceVersion {
		t.Errorf("the user's slice was rewritten: %+v", got)
	}
	if _, err := c.CoreV1().Endpoints(ns).Get(ctx, "external", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Endpoints for a Service without selector: err %v, want NotFound", err)
	}
}

func TestKubernetesServiceHasTheAPIServersSlice(t *testing.T) {
	_, c := start(t)
	s, err := c.DiscoveryV1().EndpointSlices(ns).Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []discoveryv1.Endpoint{{Addresses: []string{"127.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}}}
	if diff := cmp.Diff(want, s.Endpoints); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	if len(s.Ports) != 1 || *s.Ports[0].Port != 6443 || *s.Ports[0].Name != "https" {
		t.Errorf("ports %+v, want https 6443", s.Ports)
	}
	if got := slices(t, c, "kubernetes"); len(got) != 1 {
		t.Errorf("%d slices for the kubernetes Service, want the API server's only", len(got))
	}
}

func TestTrafficDistributionHintsZoneAndNode(t *testing.T) {
	env, c := start(t)
	_, err := c.AppsV1().Deployments(ns).Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	check(t, err)
	svc := service("web", "web", intstr.FromInt32(8080))
	svc.Spec.TrafficDistribution = ptr.To(corev1.ServiceTrafficDistributionPreferSameNode)
	_, err = c.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
	check(t, err)
	settle(env)
	s := oneSlice(t, c, "web")
	if len(s.Endpoints) != 2 {
		t.Fatalf("endpoints %+v, want 2", s.Endpoints)
	}
	for _, ep := range s.Endpoints {
		want := &discoveryv1.EndpointHints{ForZones: []discoveryv1.ForZone{{Name: *ep.Zone}}, ForNodes: []discoveryv1.ForNode{{Name: *ep.NodeName}}}
		if diff := cmp.Diff(want, ep.Hints); diff != "" {
			t.Errorf("hints of %s (-want +got):\n%s", ep.TargetRef.Name, diff)
		}
	}
}
