package validation

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestNamespace(t *testing.T) {
	ns := func(name string, finalizers ...corev1.FinalizerName) *corev1.Namespace {
		return &corev1.Namespace{ObjectMeta: om(name, ""), Spec: corev1.NamespaceSpec{Finalizers: finalizers}}
	}
	runCreate(t, []createCase{
		{"valid", ns("team-a", corev1.FinalizerKubernetes), nil},
		{"subdomain is not a label", ns("a.b"), []string{`metadata.name: Invalid value: "a.b": must not contain dots`}},
		{"upper case", ns("A"), []string{`metadata.name: Invalid value: "A": ` + dns1123LabelMsg}},
		{"namespaced", &corev1.Namespace{ObjectMeta: om("a", "b")}, []string{"metadata.namespace: Forbidden: not allowed on this type"}},
		{"bad spec finalizer", ns("a", "foo"), []string{
			`spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified`,
		}},
	})

	active := ns("a")
	active.Status.Phase = corev1.NamespaceActive
	terminating := active.DeepCopy()
	terminating.DeletionTimestamp = ptr.To(metav1.Unix(1, 0))
	terminating.Status.Phase = corev1.NamespaceTerminating
	runStatusUpdate(t, []updateCase{
		{"active", active, active, nil},
		{"terminating without deletion", func() *corev1.Namespace {
			n := active.DeepCopy()
			n.Status.Phase = corev1.NamespaceTerminating
			return n
		}(), active, []string{`status.Phase: Invalid value: "Terminating": may only be 'Active' if ` + "`deletionTimestamp`" + ` is empty`}},
		{"active while deleting", func() *corev1.Namespace {
			n := terminating.DeepCopy()
			n.Status.Phase = corev1.NamespaceActive
			return n
		}(), terminating, []string{`status.Phase: Invalid value: "Active": may only be 'Terminating' if ` + "`deletionTimestamp`" + ` is not empty`}},
	})

	finalized := active.DeepCopy()
	finalized.Spec.Finalizers = []corev1.FinalizerName{"kubernetes", "bad"}
	check(t, ValidateNamespaceFinalizeUpdate(finalized, active), []string{
		`spec.finalizers[1]: Invalid value: "bad": name is neither a standard finalizer name nor is it fully qualified`,
	})
}

func TestConfigMap(t *testing.T) {
	cm := func(data map[string]string, binary map[string][]byte) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: om("cm", "ns"), Data: data, BinaryData: binary}
	}
	runCreate(t, []createCase{
		{"valid", cm(map[string]string{"a.conf": "x", "B_2-c": "y"}, map[string][]byte{"bin": {1}}), nil},
		{"bad key", cm(map[string]string{"a b": "x"}, nil), []string{`data[a b]: Invalid value: "a b": ` + configKeyMsg}},
		{"dot dot key", cm(map[string]string{"..": "x"}, nil), []string{`data[..]: Invalid value: "..": must not be '..'`}},
		{"key in both", cm(map[string]string{"k": "x"}, map[string][]byte{"k": {1}}), []string{
			`data[k]: Invalid value: "k": duplicate of key present in binaryData`,
		}},
		{"bad binary key", cm(nil, map[string][]byte{"a/b": {1}}), []string{`binaryData[a/b]: Invalid value: "a/b": ` + configKeyMsg}},
		{"too large", cm(map[string]string{"a": strings.Repeat("x", 1024*1024), "b": "y"}, nil), []string{
			// upstream passes field.NewPath(""), which prints as "[]"
			"[]: Too long: may not be more than 1048576 bytes",
		}},
	})

	immutable := cm(map[string]string{"a": "1"}, nil)
	immutable.Immutable = ptr.To(true)
	changed := immutable.DeepCopy()
	changed.Data["a"] = "2"
	changed.BinaryData = map[string][]byte{"b": {1}}
	mutable := immutable.DeepCopy()
	mutable.Immutable = ptr.To(false)
	runUpdate(t, []updateCase{
		{"labels of an immutable map", func() *corev1.ConfigMap {
			c := immutable.DeepCopy()
			c.Labels = map[string]string{"x": "y"}
			return c
		}(), immutable, nil},
		{"data of an immutable map", changed, immutable, []string{
			"data: Forbidden: field is immutable when `immutable` is set",
			"binaryData: Forbidden: field is immutable when `immutable` is set",
		}},
		{"unset immutable", mutable, immutable, []string{"immutable: Forbidden: field is immutable when `immutable` is set"}},
		{"set immutable", immutable, cm(map[string]string{"a": "1"}, nil), nil},
	})
}

func TestSecret(t *testing.T) {
	secret := func(typ corev1.SecretType, data map[string]string) *corev1.Secret {
		s := &corev1.Secret{ObjectMeta: om("s", "ns"), Type: typ, Data: map[string][]byte{}}
		for k, v := range data {
			s.Data[k] = []byte(v)
		}
		return s
	}
	saToken := secret(corev1.SecretTypeServiceAccountToken, nil)
	saToken.Annotations = map[string]string{corev1.ServiceAccountNameKey: "default"}
	stringData := secret(corev1.SecretTypeTLS, map[string]string{"tls.crt": "c"})
	stringData.StringData = map[string]string{"tls.key": "k"}
	runCreate(t, []createCase{
		{"opaque", secret(corev1.SecretTypeOpaque, map[string]string{"a": "b"}), nil},
		{"custom type", secret("example.com/thing", nil), nil},
		{"bad key", secret(corev1.SecretTypeOpaque, map[string]string{"a b": "x"}), []string{`data[a b]: Invalid value: "a b": ` + configKeyMsg}},
		{"too large", secret(corev1.SecretTypeOpaque, map[string]string{"a": strings.Repeat("x", 1024*1024+1)}), []string{
			"data: Too long: may not be more than 1048576 bytes",
		}},
		{"service account token", saToken, nil},
		{"service account token without account", secret(corev1.SecretTypeServiceAccountToken, nil), []string{
			"metadata.annotations[kubernetes.io/service-account.name]: Required value",
		}},
		{"dockercfg missing", secret(corev1.SecretTypeDockercfg, nil), []string{"data[.dockercfg]: Required value"}},
		{"dockercfg not json", secret(corev1.SecretTypeDockercfg, map[string]string{".dockercfg": "{"}), []string{
			`data[.dockercfg]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`,
		}},
		{"dockerconfigjson", secret(corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{}}`}), nil},
		{"dockerconfigjson missing", secret(corev1.SecretTypeDockerConfigJson, nil), []string{"data[.dockerconfigjson]: Required value"}},
		{"basic auth with password only", secret(corev1.SecretTypeBasicAuth, map[string]string{"password": ""}), nil},
		{"basic auth empty", secret(corev1.SecretTypeBasicAuth, nil), []string{
			"data[username]: Required value", "data[password]: Required value",
		}},
		{"ssh auth empty key", secret(corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": ""}), []string{
			"data[ssh-privatekey]: Required value",
		}},
		{"tls missing key", secret(corev1.SecretTypeTLS, map[string]string{"tls.crt": "c"}), []string{"data[tls.key]: Required value"}},
		{"tls key from stringData", stringData, nil},
	})

	immutable := secret(corev1.SecretTypeOpaque, map[string]string{"a": "1"})
	immutable.Immutable = ptr.To(true)
	runUpdate(t, []updateCase{
		{"type", secret(corev1.SecretTypeTLS, map[string]string{"tls.crt": "", "tls.key": ""}), secret(corev1.SecretTypeOpaque, nil), []string{
			`type: Invalid value: "kubernetes.io/tls": field is immutable`,
		}},
		{"data of an immutable secret", func() *corev1.Secret {
			s := immutable.DeepCopy()
			s.StringData = map[string]string{"a": "2"}
			return s
		}(), immutable, []string{"data: Forbidden: field is immutable when `immutable` is set"}},
		{"same data through stringData", func() *corev1.Secret {
			s := immutable.DeepCopy()
			s.StringData = map[string]string{"a": "1"}
			return s
		}(), immutable, nil},
	})
}

func TestServiceAccount(t *testing.T) {
	runCreate(t, []createCase{
		{"valid", &corev1.ServiceAccount{ObjectMeta: om("builder.ci", "ns")}, nil},
		{"bad name", &corev1.ServiceAccount{ObjectMeta: om("Builder", "ns")}, []string{
			`metadata.name: Invalid value: "Builder": ` + dns1123SubdomainMsg,
		}},
	})
	sa := &corev1.ServiceAccount{ObjectMeta: om("sa", "ns")}
	renamed := sa.DeepCopy()
	renamed.Name = "other"
	runUpdate(t, []updateCase{
		{"secrets may change", &corev1.ServiceAccount{ObjectMeta: om("sa", "ns"), Secrets: []corev1.ObjectReference{{Name: "x"}}}, sa, nil},
		{"rename", renamed, sa, []string{`metadata.name: Invalid value: "other": field is immutable`}},
	})
}
