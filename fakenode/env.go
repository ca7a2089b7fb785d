package fakenode

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// containerEnv builds a container's environment as the kubelet's
// makeEnvironmentVariables does: service links first, then envFrom, then
// env, with $(VAR) references expanded. A missing ConfigMap, Secret or key
// that is not optional is an error: the container waits with
// CreateContainerConfigError until it appears.
func (w *podWorker) containerEnv(ctx context.Context, c *ctr) ([]corev1.EnvVar, error) {
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	for _, kv := range w.serviceEnv(ctx) {
		set(kv.Name, kv.Value)
	}
	for _, from := range c.spec.EnvFrom {
		data, err := w.envSource(ctx, from)
		if err != nil {
			return nil, err
		}
		// Every key becomes a variable, "1badkey" too: since relaxed
		// environment variable names, the kubelet no longer skips keys
		// that are not C identifiers (nor reports InvalidEnvironmentVariableNames).
		for _, k := range sortedKeys(data) {
			set(from.Prefix+k, data[k])
		}
	}
	for _, e := range c.spec.Env {
		v, skip, err := w.envValue(ctx, c, e, vars)
		if err != nil {
			return nil, err
		}
		if !skip {
			set(e.Name, v)
		}
	}
	out := make([]corev1.EnvVar, 0, len(order))
	for _, k := range order {
		out = append(out, corev1.EnvVar{Name: k, Value: vars[k]})
	}
	return out, nil
}

func (w *podWorker) envSource(ctx context.Context, from corev1.EnvFromSource) (map[string]string, error) {
	switch {
	case from.ConfigMapRef != nil:
		cm, err := w.configMap(ctx, from.ConfigMapRef.Name)
		if err != nil {
			if isNotFound(err) && ptr.Deref(from.ConfigMapRef.Optional, false) {
				return nil, nil
			}
			return nil, err
		}
		return cm.Data, nil
	case from.SecretRef != nil:
		s, err := w.secret(ctx, from.SecretRef.Name)
		if err != nil {
			if isNotFound(err) && ptr.Deref(from.SecretRef.Optional, false) {
				return nil, nil
			}
			return nil, err
		}
		out := map[string]string{}
		for k, v := range s.Data {
			out[k] = string(v)
		}
		return out, nil
	}
	return nil, nil
}

// envValue resolves one env entry; skip is true for an optional reference
// that resolves to nothing.
func (w *podWorker) envValue(ctx context.Context, c *ctr, e corev1.EnvVar, vars map[string]string) (string, bool, error) {
	if e.ValueFrom == nil {
		return expandVars(e.Value, vars), false, nil
	}
	src := e.ValueFrom
	switch {
	case src.FieldRef != nil:
		v, err := w.fieldValue(src.FieldRef.FieldPath)
		return v, false, err
	case src.ResourceFieldRef != nil:
		v, err := w.resourceValue(c, src.ResourceFieldRef)
		return v, false, err
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		optional := ptr.Deref(ref.Optional, false)
		cm, err := w.configMap(ctx, ref.Name)
		if err != nil {
			if isNotFound(err) && optional {
				return "", true, nil
			}
			return "", false, err
		}
		v, ok := cm.Data[ref.Key]
		if !ok {
			if b, ok := cm.BinaryData[ref.Key]; ok {
				return string(b), false, nil
			}
			if optional {
				return "", true, nil
			}
			return "", false, errors.New(kubeletstatus.ConfigMapKeyNotFoundMessage(ref.Key, w.pod.Namespace, ref.Name))
		}
		return v, false, nil
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		optional := ptr.Deref(ref.Optional, false)
		s, err := w.secret(ctx, ref.Name)
		if err != nil {
			if isNotFound(err) && optional {
				return "", true, nil
			}
			return "", false, err
		}
		v, ok := s.Data[ref.Key]
		if !ok {
			if optional {
				return "", true, nil
			}
			return "", false, errors.New(kubeletstatus.SecretKeyNotFoundMessage(ref.Key, w.pod.Namespace, ref.Name))
		}
		return string(v), false, nil
	}
	return "", true, nil
}

// fieldValue reads a downward API field of the pod.
func (w *podWorker) fieldValue(path string) (string, error) {
	pod := w.pod
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.hostIPs":
		return w.node.InternalIP(), nil
	case "status.podIP", "status.podIPs":
		return w.podIP, nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(w.annotations()), nil
	}
	if key, ok := subscript(path, "metadata.labels"); ok {
		return pod.Labels[key], nil
	}
	if key, ok := subscript(path, "metadata.annotations"); ok {
		return w.annotations()[key], nil
	}
	return "", fmt.Errorf("unsupported fieldPath: %s", path)
}

// annotations are the pod's as the kubelet's copy has them, which the
// downward API reads: with where the kubelet got the pod from and when it
// first saw it (pkg/kubelet/config).
func (w *podWorker) annotations() map[string]string {
	out := make(map[string]string, len(w.pod.Annotations)+2)
	maps.Copy(out, w.pod.Annotations)
	out["kubernetes.io/config.source"] = "api"
	out["kubernetes.io/config.seen"] = w.seen.Format(time.RFC3339Nano)
	return out
}

// subscript parses "metadata.labels['key']".
func subscript(path, field string) (string, bool) {
	rest, ok := strings.CutPrefix(path, field+"['")
	if !ok || !strings.HasSuffix(rest, "']") {
		return "", false
	}
	return strings.TrimSuffix(rest, "']"), true
}

// formatMap is the downward API's key="value" lines, sorted by key.
func formatMap(m map[string]string) string {
	var lines []string
	for _, k := range sortedKeys(m) {
		lines = append(lines, fmt.Sprintf("%s=%q", k, m[k]))
	}
	return strings.Join(lines, "\n")
}

// resourceValue reads a container's request or limit, falling back for
// limits to the node's allocatable, and divides it by the divisor,
// rounding up, as the kubelet's ExtractContainerResourceValue does.
func (w *podWorker) resourceValue(c *ctr, ref *corev1.ResourceFieldSelector) (string, error) {
	target := c.spec
	if ref.ContainerName != "" {
		target = nil
		for _, x := range w.all() {
			if x.spec.Name == ref.ContainerName {
				target = x.spec
			}
		}
		if target == nil {
			return "", fmt.Errorf("container %s not found in pod", ref.ContainerName)
		}
	}
	kind, name, _ := strings.Cut(ref.Resource, ".")
	var q resource.Quantity
	var ok bool
	switch kind {
	case "limits":
		q, ok = target.Resources.Limits[corev1.ResourceName(name)]
		if !ok {
			capacity, _ := w.node.spec.capacity()
			q = capacity[corev1.ResourceName(name)]
		}
	case "requests":
		q = target.Resources.Requests[corev1.ResourceName(name)]
	default:
		return "", fmt.Errorf("unsupported container resource: %s", ref.Resource)
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	if name == "cpu" {
		return fmt.Sprint(int64(math.Ceil(float64(q.MilliValue()) / float64(divisor.MilliValue())))), nil
	}
	return fmt.Sprint(int64(math.Ceil(float64(q.Value()) / float64(divisor.Value())))), nil
}

// expandVars expands $(VAR) references to earlier variables; $$ escapes,
// and unknown references stay as they are (k8s.io/kubernetes third_party
// forked/golang/expansion semantics).
func expandVars(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := vars[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += end + 2
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

func (w *podWorker) configMap(ctx context.Context, name string) (*corev1.ConfigMap, error) {
	return readNamed(w, "configmaps/"+name, kubeletstatus.ConfigMapNotFoundMessage(name), func() (*corev1.ConfigMap, error) {
		return w.node.fleet.client.CoreV1().ConfigMaps(w.pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	})
}

func (w *podWorker) secret(ctx context.Context, name string) (*corev1.Secret, error) {
	return readNamed(w, "secrets/"+name, kubeletstatus.SecretNotFoundMessage(name), func() (*corev1.Secret, error) {
		return w.node.fleet.client.CoreV1().Secrets(w.pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	})
}

// readNamed reads one object once per sync (see read); a missing one is
// the kubelet's notFound error with the given message.
func readNamed[T any](w *podWorker, key, notFoundMessage string, get func() (T, error)) (T, error) {
	obj, err := w.read(key, func() (any, error) {
		o, err := get()
		if apierrors.IsNotFound(err) {
			return nil, notFound(notFoundMessage)
		}
		return o, err
	})
	t, _ := obj.(T)
	return t, err
}

// readResult is what a sync read: one ConfigMap or Secret, or the services.
type readResult struct {
	obj any
	err error
}

// read gets an object once per sync: the volume check, the volume set-up
// and every container's environment look at the same state of it, as the
// kubelet's object managers give them.
func (w *podWorker) read(key string, get func() (any, error)) (any, error) {
	if r, ok := w.reads[key]; ok {
		return r.obj, r.err
	}
	obj, err := get()
	if w.reads != nil {
		w.reads[key] = readResult{obj, err}
	}
	return obj, err
}

type notFoundError struct{ msg string }

func (e notFoundError) Error() string { return e.msg }

func notFound(msg string) error { return notFoundError{msg} }

func isNotFound(err error) bool {
	var nf notFoundError
	return errors.As(err, &nf)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
