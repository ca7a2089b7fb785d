package fakenode_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// A container's environment has the variables of the services of its
// namespace that existed when it started, and always those of the API
// server's service; enableServiceLinks: false leaves only the latter.
func TestServiceEnvironmentVariables(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	svc := func(ns, name string, ports ...corev1.ServicePort) {
		t.Helper()
		s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.ServiceSpec{Ports: ports}}
		if _, err := env.Client().CoreV1().Services(ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "other"}}
	if _, err := env.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc("default", "web-api", corev1.ServicePort{Name: "http", Port: 80}, corev1.ServicePort{Name: "metrics", Port: 9090})
	svc("other", "db", corev1.ServicePort{Port: 5432})
	env.Settle()

	printEnv := func(ns, name string, links bool) string {
		t.Helper()
		p := shellPod(name, "env; sleep 3600")
		p.Namespace = ns
		p.Spec.EnableServiceLinks = ptr.To(links)
		if _, err := env.Client().CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		env.Advance(5 * time.Second)
		b, err := env.Client().CoreV1().Pods(ns).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
		if err != nil {
			t.Fatalf("logs of %s/%s: %v", ns, name, err)
		}
		return string(b)
	}
	web, err := env.Client().CoreV1().Services("default").Get(ctx, "web-api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ip := web.Spec.ClusterIP
	for _, tc := range []struct {
		ns, pod string
		links   bool
		want    []string
		not     []string
	}{
		{"default", "linked", true, []string{
			"WEB_API_SERVICE_HOST=" + ip, "WEB_API_SERVICE_PORT=80", "WEB_API_SERVICE_PORT_HTTP=80",
			"WEB_API_SERVICE_PORT_METRICS=9090", "WEB_API_PORT=tcp://" + ip + ":80",
			"WEB_API_PORT_9090_TCP_ADDR=" + ip, "KUBERNETES_SERVICE_HOST=", "KUBERNETES_PORT_443_TCP_PROTO=tcp",
		}, []string{"DB_SERVICE_HOST"}},
		{"other", "linked", true, []string{"DB_SERVICE_HOST=", "DB_SERVICE_PORT=5432", "KUBERNETES_SERVICE_HOST="},
			[]string{"WEB_API_SERVICE_HOST"}},
		{"default", "unlinked", false, []string{"KUBERNETES_SERVICE_HOST=", "KUBERNETES_SERVICE_PORT=443"},
			[]string{"WEB_API_SERVICE_HOST"}},
	} {
		out := printEnv(tc.ns, tc.pod, tc.links)
		for _, w := range tc.want {
			if !strings.Contains(out, "\n"+w) && !strings.HasPrefix(out, w) {
				t.Errorf("%s/%s: no %s in\n%s", tc.ns, tc.pod, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%s/%s: unexpected %s in\n%s", tc.ns, tc.pod, n, out)
			}
		}
	}
}
