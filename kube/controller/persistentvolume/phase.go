package persistentvolume

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// updateVolumePhase writes a volume's phase and message if they changed;
// a phase change stamps lastPhaseTransitionTime (to the second, as
// metav1.Time serializes).
func updateVolumePhase(ctx context.Context, client kubernetes.Interface, now time.Time, pv *corev1.PersistentVolume, phase corev1.PersistentVolumePhase, message string) (*corev1.PersistentVolume, error) {
	if pv.Status.Phase == phase && pv.Status.Message == message {
		return pv, nil
	}
	clone := pv.DeepCopy()
	if pv.Status.Phase != phase {
		t := metav1.NewTime(now.Truncate(time.Second))
		clone.Status.LastPhaseTransitionTime = &t
	}
	clone.Status.Phase, clone.Status.Message = phase, message
	out, err := client.CoreV1().PersistentVolumes().UpdateStatus(ctx, clone, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("set phase of volume %q to %s: %w", pv.Name, phase, err)
	}
	return out, nil
}
