package printers

import (
	"strings"

	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func addCSIPrinters(r registry) {
	driverSpec := storagev1.CSIDriverSpec{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("AttachRequired", "boolean", driverSpec["attachRequired"]),
		column("PodInfoOnMount", "boolean", driverSpec["podInfoOnMount"]),
		column("StorageCapacity", "boolean", driverSpec["storageCapacity"]),
		column("TokenRequests", "string", driverSpec["tokenRequests"]),
		column("RequiresRepublish", "boolean", driverSpec["requiresRepublish"]),
		column("Modes", "string", driverSpec["volumeLifecycleModes"]),
		ageColumn(),
	}, csiDriverCells)

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"),
		ageColumn(),
	}, func(n *storagev1.CSINode, e env) []any {
		return []any{n.Name, int64(len(n.Spec.Drivers)), e.age(n.CreationTimestamp)}
	})

	vaSpec := storagev1.VolumeAttachmentSpec{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		{Name: "Attacher", Type: "string", Format: "name", Description: vaSpec["attacher"]},
		column("PV", "string", storagev1.VolumeAttachmentSource{}.SwaggerDoc()["persistentVolumeName"]),
		column("Node", "string", vaSpec["nodeName"]),
		column("Attached", "boolean", storagev1.VolumeAttachmentStatus{}.SwaggerDoc()["attached"]),
		ageColumn(),
	}, func(va *storagev1.VolumeAttachment, e env) []any {
		pv := ""
		if va.Spec.Source.PersistentVolumeName != nil {
			pv = *va.Spec.Source.PersistentVolumeName
		}
		return []any{va.Name, va.Spec.Attacher, pv, va.Spec.NodeName, va.Status.Attached, e.age(va.CreationTimestamp)}
	})
}

// csiDriverCells prints the defaults the internal type would carry for
// unset fields (attachRequired true, the others false).
func csiDriverCells(d *storagev1.CSIDriver, e env) []any {
	orDefault := func(b *bool, def bool) bool {
		if b == nil {
			return def
		}
		return *b
	}
	modes := make([]string, len(d.Spec.VolumeLifecycleModes))
	for i, m := range d.Spec.VolumeLifecycleModes {
		modes[i] = string(m)
	}
	tokens := "<unset>"
	if d.Spec.TokenRequests != nil {
		audiences := make([]string, len(d.Spec.TokenRequests))
		for i, t := range d.Spec.TokenRequests {
			audiences[i] = t.Audience
		}
		tokens = strings.Join(audiences, ",")
	}
	return []any{d.Name, orDefault(d.Spec.AttachRequired, true), orDefault(d.Spec.PodInfoOnMount, false),
		orDefault(d.Spec.StorageCapacity, false), tokens, orDefault(d.Spec.RequiresRepublish, false),
		orNone(strings.Join(modes, ",")), e.age(d.CreationTimestamp)}
}
