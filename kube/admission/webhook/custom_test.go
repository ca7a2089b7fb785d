package webhook_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"strconv"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var widgets = schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}

func installWidgets(t *testing.T, env *testkit.Env) {
	t.Helper()
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.com"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "example.com", Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object",
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						"spec": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
							"size":  {Type: "integer"},
							"color": {Type: "string"},
						}},
					},
				}},
			}},
		},
	}
	client := apiextensionsclient.NewForConfigOrDie(env.Config())
	if _, err := client.ApiextensionsV1().CustomResourceDefinitions().Create(context.Background(), crd, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create CRD: %v", err)
	}
	env.Settle()
}

func widget(name string, size int64) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": name},
		"spec":     map[string]any{"size": size},
	}}
}

func TestWebhooksOnCustomResource(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	installWidgets(t, env)
	painter := newHookServer(t, func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		patch, _ := json.Marshal([]map[string]any{{"op": "add", "path": "/spec/color", "value": "red"}})
		return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: ptr.To(admissionv1.PatchTypeJSONPatch)}
	})
	var sawColor string
	checker := newHookServer(t, func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		var w unstructured.Unstructured
		if err := json.Unmarshal(req.Object.Raw, &w.Object); err != nil {
			return &admissionv1.AdmissionResponse{Result: &metav1.Status{Message: err.Error()}}
		}
		sawColor, _, _ = unstructured.NestedString(w.Object, "spec", "color")
		// JSON numbers decode as float64.
		if size, _, _ := unstructured.NestedFloat64(w.Object, "spec", "size"); size > 10 {
			return &admissionv1.AdmissionResponse{Result: &metav1.Status{Message: "widgets larger than 10 are not made here"}}
		}
		return &admissionv1.AdmissionResponse{Allowed: true}
	})
	createMutating(t, env, admissionregistrationv1.MutatingWebhook{
		Name: "paint.example.com", ClientConfig: painter.clientConfig("/"), Rules: rulesFor("example.com", "widgets"),
		SideEffects: ptr.To(admissionregistrationv1.SideEffectClassNone), AdmissionReviewVersions: []string{"v1"},
	})
	check := validatingHook("size.example.com", checker.clientConfig("/"), "widgets")
	check.Rules = rulesFor("example.com", "widgets")
	createValidating(t, env, check)

	client := dynamic.NewForConfigOrDie(env.Config()).Resource(widgets).Namespace("default")
	got, err := client.Create(context.Background(), widget("small", 3), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create small widget: %v", err)
	}
	if color, _, _ := unstructured.NestedString(got.Object, "spec", "color"); color != "red" {
		t.Errorf("color = %q, want the mutating webhook's red", color)
	}
	if sawColor != "red" {
		t.Errorf("validating webhook saw color %q, want the mutated object (red)", sawColor)
	}
	_, err = client.Create(context.Background(), widget("big", 11), metav1.CreateOptions{})
	want := `admission webhook "size.example.com" denied the request: widgets larger than 10 are not made here`
	if err == nil || err.Error() != want {
		t.Errorf("create big widget: err = %v, want %q", err, want)
	}
}

func TestMutatingWebhookReinvocation(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	// "a" runs first (webhooks run in their configuration's order) and
	// records whether it saw label "b"; "b" then sets label "b". With
	// reinvocationPolicy IfNeeded, "a" runs again and sees b's label.
	a := newHookServer(t, func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		var cm corev1.ConfigMap
		_ = json.Unmarshal(req.Object.Raw, &cm)
		if cm.Labels["b"] == "" {
			return &admissionv1.AdmissionResponse{Allowed: true}
		}
		patch, _ := json.Marshal([]map[string]any{{"op": "add", "path": "/metadata/labels/a-saw-b", "value": "yes"}})
		return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: ptr.To(admissionv1.PatchTypeJSONPatch)}
	})
	b := newHookServer(t, func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
		patch, _ := json.Marshal([]map[string]any{{"op": "add", "path": "/metadata/labels", "value": map[string]string{"b": "set"}}})
		return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: ptr.To(admissionv1.PatchTypeJSONPatch)}
	})
	hook := func(name string, srv *hookServer, policy admissionregistrationv1.ReinvocationPolicyType) admissionregistrationv1.MutatingWebhook {
		return admissionregistrationv1.MutatingWebhook{
			Name: name, ClientConfig: srv.clientConfig("/"), Rules: rulesFor("", "configmaps"),
			SideEffects: ptr.To(admissionregistrationv1.SideEffectClassNone), AdmissionReviewVersions: []string{"v1"},
			ReinvocationPolicy: ptr.To(policy),
		}
	}
	createMutating(t, env, hook("a.example.com", a, admissionregistrationv1.IfNeededReinvocationPolicy),
		hook("b.example.com", b, admissionregistrationv1.NeverReinvocationPolicy))
	got, err := createConfigMap(env, "default", configMap("cm", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got.Labels["a-saw-b"] != "yes" || got.Labels["b"] != "set" {
		t.Errorf("labels = %v, want b=set and a-saw-b=yes (a reinvoked)", got.Labels)
	}
	if a.callCount() != 2 || b.callCount() != 1 {
		t.Errorf("a called %d times, b %d times; want 2 and 1", a.callCount(), b.callCount())
	}
}

// serviceCert returns a self-signed certificate for the DNS name of
// Service name in namespace, which is the TLS server name kube-apiserver
// expects of a webhook reached through a Service.
func serviceCert(t *testing.T, name, namespace string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dns := name + "." + namespace + ".svc"
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: dns}, DNSNames: []string{dns},
		// Certificate validity is checked against the wall clock by
		// crypto/tls, whatever the cluster's virtual time.
		NotBefore: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestWebhookThroughService(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	ctx := context.Background()
	cert, ca := serviceCert(t, "hooks", "default")
	srv := newUnstartedHookServer(deny("denied via service"))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// Upstream's EndpointSlice validation refuses loopback addresses:
	// serve on the host's own address when it has one.
	if ip := hostIP(); ip != "" {
		if l, err := net.Listen("tcp", net.JoinHostPort(ip, "0")); err == nil {
			srv.Listener.Close()
			srv.Listener = l
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	host, portText, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)

	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "hooks"}, Spec: corev1.ServiceSpec{
		Ports: []corev1.ServicePort{{Name: "https", Port: 443}},
	}}
	if _, err := env.Client().CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "hooks-1", Labels: map[string]string{discoveryv1.LabelServiceName: "hooks"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{host}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}}},
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("https"), Port: ptr.To(int32(port))}},
	}
	if _, err := env.Client().DiscoveryV1().EndpointSlices("default").Create(ctx, slice, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create EndpointSlice: %v", err)
	}
	cc := admissionregistrationv1.WebhookClientConfig{
		Service:  &admissionregistrationv1.ServiceReference{Namespace: "default", Name: "hooks", Path: ptr.To("/validate"), Port: ptr.To(int32(443))},
		CABundle: ca,
	}
	createValidating(t, env, validatingHook("svc.example.com", cc, "configmaps"))
	_, err := createConfigMap(env, "default", configMap("cm", nil))
	want := `admission webhook "svc.example.com" denied the request: denied via service`
	if err == nil || err.Error() != want {
		t.Errorf("create: err = %v, want %q", err, want)
	}

	// Without ready endpoints, the call fails as upstream's does.
	slice.Endpoints[0].Conditions.Ready = ptr.To(false)
	if _, err := env.Client().DiscoveryV1().EndpointSlices("default").Update(ctx, slice, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = createConfigMap(env, "default", configMap("cm2", nil))
	if err == nil || !containsAll(err.Error(), `failed calling webhook "svc.example.com"`, `no endpoints available for service "hooks"`) {
		t.Errorf("create without endpoints: err = %v, want failed calling webhook: no endpoints available", err)
	}
}

// hostIP returns an IPv4 address of this host other than loopback, or "".
func hostIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsGlobalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}
