package fakenode

import (
	"context"
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// mountRetry paces the kubelet's volume manager: it waits for volumes
// with exponential back-off, and reports a FailedMount event when a pod
// has waited two minutes (its WaitForAttachAndMount timeout).
const (
	mountRetryInitial = 500 * time.Millisecond
	mountRetryMax     = 2*time.Minute + 2*time.Second
	mountWaitTimeout  = 2 * time.Minute
)

// volumesReady reports whether every volume of the pod can be set up:
// ConfigMaps and Secrets exist (unless optional) and claims are bound. A
// pod with a missing volume waits in ContainerCreating, with FailedMount
// events, as on a real node.
func (w *podWorker) volumesReady(ctx context.Context, now time.Time) bool {
	var missing []string
	for _, v := range w.pod.Spec.Volumes {
		if err := w.checkVolume(ctx, v); err != nil {
			missing = append(missing, v.Name)
			if last, ok := w.mountWarned[v.Name]; !ok || now.Sub(last) >= mountRetryMax {
				w.mountWarned[v.Name] = now
				w.event(nil, kubeletstatus.EventFailedMount(v.Name, err.Error()))
			}
		}
	}
	if len(missing) == 0 {
		w.mountWarned = map[string]time.Time{}
		return true
	}
	sort.Strings(missing)
	w.resyncAfter(w.mountBackoff(now))
	return false
}

// mountBackoff doubles from 500 ms to 2m2s while volumes stay missing.
func (w *podWorker) mountBackoff(now time.Time) time.Duration {
	waited := now.Sub(w.startTime)
	d := mountRetryInitial
	for d < mountRetryMax && d < waited {
		d *= 2
	}
	return min(d, mountRetryMax)
}

// checkVolume reports why a volume cannot be set up yet.
func (w *podWorker) checkVolume(ctx context.Context, v corev1.Volume) error {
	switch {
	case v.ConfigMap != nil:
		return w.checkConfigMap(ctx, v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional)
	case v.Secret != nil:
		return w.checkSecret(ctx, v.Secret.SecretName, v.Secret.Items, v.Secret.Optional)
	case v.Projected != nil:
		for _, src := range v.Projected.Sources {
			if src.ConfigMap != nil {
				if err := w.checkConfigMap(ctx, src.ConfigMap.Name, src.ConfigMap.Items, src.ConfigMap.Optional); err != nil {
					return err
				}
			}
			if src.Secret != nil {
				if err := w.checkSecret(ctx, src.Secret.Name, src.Secret.Items, src.Secret.Optional); err != nil {
					return err
				}
			}
		}
	case v.PersistentVolumeClaim != nil:
		return w.checkClaim(ctx, v.PersistentVolumeClaim.ClaimName)
	}
	return nil
}

// checkConfigMap requires the ConfigMap and every key its items name,
// unless the source is optional, as the configMap volume plugin does.
func (w *podWorker) checkConfigMap(ctx context.Context, name string, items []corev1.KeyToPath, optional *bool) error {
	cm, err := w.configMap(ctx, name)
	return checkKeys(err, items, optional, "configmap references non-existent config key", func(k string) bool {
		_, inData := cm.Data[k]
		_, inBinary := cm.BinaryData[k]
		return inData || inBinary
	})
}

// checkSecret is checkConfigMap for a Secret, with the secret volume
// plugin's message.
func (w *podWorker) checkSecret(ctx context.Context, name string, items []corev1.KeyToPath, optional *bool) error {
	s, err := w.secret(ctx, name)
	return checkKeys(err, items, optional, "references non-existent secret key", func(k string) bool {
		_, ok := s.Data[k]
		return ok
	})
}

// checkKeys reports the error of reading a volume's object, unless it is
// missing and optional, or else the first key of items it lacks (has
// tells), unless optional.
func checkKeys(readErr error, items []corev1.KeyToPath, optional *bool, missing string, has func(string) bool) error {
	switch {
	case readErr != nil && isNotFound(readErr) && ptr.Deref(optional, false):
		return nil
	case readErr != nil:
		return readErr
	case ptr.Deref(optional, false):
		return nil
	}
	for _, it := range items {
		if !has(it.Key) {
			return fmt.Errorf("%s: %s", missing, it.Key)
		}
	}
	return nil
}

// checkClaim requires a bound claim, as the volume manager does.
func (w *podWorker) checkClaim(ctx context.Context, name string) error {
	pvc, err := w.node.fleet.client.CoreV1().PersistentVolumeClaims(w.pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("persistentvolumeclaim %q not found", name)
	}
	if err != nil {
		return err
	}
	if pvc.Status.Phase != corev1.ClaimBound {
		return fmt.Errorf("PVC %s/%s is not bound", w.pod.Namespace, name)
	}
	return nil
}
