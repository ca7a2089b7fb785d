package persistentvolume

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// provisionClaim is the binder's half of dynamic provisioning, for
// external provisioners (the only kind kubesim has): it names the class's
// provisioner in the claim's storage-provisioner annotations, which is
// what the provisioner watches for, and says it is waiting.
func (b *Binder) provisionClaim(ctx context.Context, pvc *corev1.PersistentVolumeClaim) error {
	name := ClaimClass(pvc)
	class := getClass(b.store.View(), name)
	if class == nil {
		// Upstream retries on its periodic resync; here the class's
		// creation queues the claim again.
		b.recorder.Event(pvc, corev1.EventTypeWarning, reasonProvisioningFailed, fmt.Sprintf("storageclass.storage.k8s.io %q not found", name))
		return nil
	}
	if strings.HasPrefix(class.Provisioner, "kubernetes.io/") {
		// In-tree plugins are gone; kubernetes.io/no-provisioner (static
		// local volumes) never provisions.
		b.recorder.Event(pvc, corev1.EventTypeWarning, reasonProvisioningFailed, "no volume plugin matched name: "+class.Provisioner)
		return nil
	}
	pvc, err := b.setClaimProvisioner(ctx, pvc, class.Provisioner)
	if err != nil {
		return err
	}
	b.recorder.Event(pvc, corev1.EventTypeNormal, reasonExternalProvisioning, fmt.Sprintf(
		"Waiting for a volume to be created either by the external provisioner '%s' or manually by the system administrator. "+
			"If volume creation is delayed, please verify that the provisioner is running and correctly registered.", class.Provisioner))
	return nil
}

// setClaimProvisioner sets both storage-provisioner annotations.
func (b *Binder) setClaimProvisioner(ctx context.Context, pvc *corev1.PersistentVolumeClaim, provisioner string) (*corev1.PersistentVolumeClaim, error) {
	if pvc.Annotations[AnnStorageProvisioner] == provisioner && pvc.Annotations[AnnBetaStorageProvisioner] == provisioner {
		return pvc, nil
	}
	clone := pvc.DeepCopy()
	metav1.SetMetaDataAnnotation(&clone.ObjectMeta, AnnStorageProvisioner, provisioner)
	metav1.SetMetaDataAnnotation(&clone.ObjectMeta, AnnBetaStorageProvisioner, provisioner)
	out, err := b.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Update(ctx, clone, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("set the provisioner of claim %s/%s: %w", pvc.Namespace, pvc.Name, err)
	}
	return out, nil
}
