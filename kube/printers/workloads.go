package printers

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func addWorkloadPrinters(r registry) {
	addReplicaPrinters(r)
	addStatefulPrinters(r)
}

// addReplicaPrinters covers the controllers of interchangeable replicas.
func addReplicaPrinters(r registry) {
	rsSpec, rsStatus := appsv1.ReplicaSetSpec{}.SwaggerDoc(), appsv1.ReplicaSetStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Desired", "integer", rsSpec["replicas"]),
		column("Current", "integer", rsStatus["replicas"]),
		column("Ready", "integer", rsStatus["readyReplicas"]),
		ageColumn(), containersColumn(), imagesColumn(),
		wide("Selector", "string", rsSpec["selector"]),
	}, func(rs *appsv1.ReplicaSet, e env) []any {
		names, images := containerCells(rs.Spec.Template.Spec.Containers)
		return []any{rs.Name, int64(deref(rs.Spec.Replicas)), int64(rs.Status.Replicas), int64(rs.Status.ReadyReplicas),
			e.age(rs.CreationTimestamp), names, images, metav1.FormatLabelSelector(rs.Spec.Selector)}
	})

	rcSpec, rcStatus := corev1.ReplicationControllerSpec{}.SwaggerDoc(), corev1.ReplicationControllerStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Desired", "integer", rcSpec["replicas"]),
		column("Current", "integer", rcStatus["replicas"]),
		column("Ready", "integer", rcStatus["readyReplicas"]),
		ageColumn(), containersColumn(), imagesColumn(),
		wide("Selector", "string", rcSpec["selector"]),
	}, func(rc *corev1.ReplicationController, e env) []any {
		var containers []corev1.Container
		if rc.Spec.Template != nil {
			containers = rc.Spec.Template.Spec.Containers
		}
		names, images := containerCells(containers)
		return []any{rc.Name, int64(deref(rc.Spec.Replicas)), int64(rc.Status.Replicas), int64(rc.Status.ReadyReplicas),
			e.age(rc.CreationTimestamp), names, images, labels.FormatLabels(rc.Spec.Selector)}
	})

	deployStatus := appsv1.DeploymentStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Ready", "string", "Number of the pod with ready state"),
		column("Up-to-date", "string", deployStatus["updatedReplicas"]),
		column("Available", "string", deployStatus["availableReplicas"]),
		ageColumn(), containersColumn(), imagesColumn(),
		wide("Selector", "string", appsv1.DeploymentSpec{}.SwaggerDoc()["selector"]),
	}, deploymentCells)
}

// addStatefulPrinters covers StatefulSets, DaemonSets, their revisions and
// the scale subresource.
func addStatefulPrinters(r registry) {
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Ready", "string", "Number of the pod with ready state"),
		ageColumn(), containersColumn(), imagesColumn(),
	}, func(ss *appsv1.StatefulSet, e env) []any {
		names, images := containerCells(ss.Spec.Template.Spec.Containers)
		return []any{ss.Name, fmt.Sprintf("%d/%d", ss.Status.ReadyReplicas, deref(ss.Spec.Replicas)),
			e.age(ss.CreationTimestamp), names, images}
	})

	dsStatus := appsv1.DaemonSetStatus{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Desired", "integer", dsStatus["desiredNumberScheduled"]),
		column("Current", "integer", dsStatus["currentNumberScheduled"]),
		column("Ready", "integer", dsStatus["numberReady"]),
		column("Up-to-date", "integer", dsStatus["updatedNumberScheduled"]),
		column("Available", "integer", dsStatus["numberAvailable"]),
		column("Node Selector", "string", corev1.PodSpec{}.SwaggerDoc()["nodeSelector"]),
		ageColumn(), containersColumn(), imagesColumn(),
		wide("Selector", "string", appsv1.DaemonSetSpec{}.SwaggerDoc()["selector"]),
	}, daemonSetCells)

	addRow(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Controller", "string", "Controller of the object"),
		column("Revision", "string", appsv1.ControllerRevision{}.SwaggerDoc()["revision"]),
		ageColumn(),
	}, controllerRevisionRow)

	// The scale subresource (upstream's printScale): its NAME column has
	// no "name" format.
	add(r, []metav1.TableColumnDefinition{
		column("Name", "string", nameDoc),
		column("Desired", "integer", autoscalingv1.ScaleSpec{}.SwaggerDoc()["replicas"]),
		column("Available", "integer", autoscalingv1.ScaleStatus{}.SwaggerDoc()["replicas"]),
		ageColumn(),
	}, func(s *autoscalingv1.Scale, e env) []any {
		return []any{s.Name, int64(s.Spec.Replicas), int64(s.Status.Replicas), e.age(s.CreationTimestamp)}
	})
}

func deploymentCells(d *appsv1.Deployment, e env) []any {
	selector := "<invalid>"
	if s, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
		selector = s.String()
	}
	names, images := containerCells(d.Spec.Template.Spec.Containers)
	return []any{d.Name, fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, deref(d.Spec.Replicas)),
		int64(d.Status.UpdatedReplicas), int64(d.Status.AvailableReplicas), e.age(d.CreationTimestamp),
		names, images, selector}
}

func daemonSetCells(ds *appsv1.DaemonSet, e env) []any {
	st := ds.Status
	names, images := containerCells(ds.Spec.Template.Spec.Containers)
	return []any{ds.Name, int64(st.DesiredNumberScheduled), int64(st.CurrentNumberScheduled), int64(st.NumberReady),
		int64(st.UpdatedNumberScheduled), int64(st.NumberAvailable), labels.FormatLabels(ds.Spec.Template.Spec.NodeSelector),
		e.age(ds.CreationTimestamp), names, images, metav1.FormatLabelSelector(ds.Spec.Selector)}
}

// controllerRevisionRow names the owning controller as "kind.group/name",
// lower-cased, e.g. "daemonset.apps/fluentd".
func controllerRevisionRow(cr *appsv1.ControllerRevision, e env) (metav1.TableRow, error) {
	controller := "<none>"
	if ref := metav1.GetControllerOf(cr); ref != nil {
		gv, err := schema.ParseGroupVersion(ref.APIVersion)
		if err != nil {
			return metav1.TableRow{}, fmt.Errorf("controllerrevision %s/%s: owner apiVersion: %w", cr.Namespace, cr.Name, err)
		}
		controller = ref.Name
		if gk := gv.WithKind(ref.Kind).GroupKind(); !gk.Empty() {
			controller = strings.ToLower(gk.String()) + "/" + ref.Name
		}
	}
	return metav1.TableRow{Cells: []any{cr.Name, controller, cr.Revision, e.age(cr.CreationTimestamp)}}, nil
}
