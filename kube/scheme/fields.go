package scheme

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// selectable lists, per kind, the field labels beyond metadata.name and
// metadata.namespace that field selectors may use, with how to read them.
// Upstream registers these as field label conversion functions
// (pkg/apis/core/v1/conversion.go and its siblings) and reads them in each
// registry's GetAttrs.
var selectable = map[schema.GroupVersionKind]func(obj runtime.Object) fields.Set{
	corev1.SchemeGroupVersion.WithKind("Pod"): func(o runtime.Object) fields.Set {
		p := o.(*corev1.Pod)
		ips := make([]string, 0, len(p.Status.PodIPs))
		for _, ip := range p.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
		return fields.Set{
			"spec.nodeName":            p.Spec.NodeName,
			"spec.restartPolicy":       string(p.Spec.RestartPolicy),
			"spec.schedulerName":       p.Spec.SchedulerName,
			"spec.serviceAccountName":  p.Spec.ServiceAccountName,
			"spec.hostNetwork":         strconv.FormatBool(p.Spec.HostNetwork),
			"status.phase":             string(p.Status.Phase),
			"status.podIP":             p.Status.PodIP,
			"status.podIPs":            strings.Join(ips, ","),
			"status.nominatedNodeName": p.Status.NominatedNodeName,
		}
	},
	corev1.SchemeGroupVersion.WithKind("Node"): func(o runtime.Object) fields.Set {
		return fields.Set{"spec.unschedulable": strconv.FormatBool(o.(*corev1.Node).Spec.Unschedulable)}
	},
	corev1.SchemeGroupVersion.WithKind("ReplicationController"): func(o runtime.Object) fields.Set {
		return fields.Set{"status.replicas": strconv.Itoa(int(o.(*corev1.ReplicationController).Status.Replicas))}
	},
	corev1.SchemeGroupVersion.WithKind("Namespace"): func(o runtime.Object) fields.Set {
		return fields.Set{"status.phase": string(o.(*corev1.Namespace).Status.Phase)}
	},
	corev1.SchemeGroupVersion.WithKind("Secret"): func(o runtime.Object) fields.Set {
		return fields.Set{"type": string(o.(*corev1.Secret).Type)}
	},
	corev1.SchemeGroupVersion.WithKind("Service"): func(o runtime.Object) fields.Set {
		s := o.(*corev1.Service)
		return fields.Set{"spec.clusterIP": s.Spec.ClusterIP, "spec.type": string(s.Spec.Type)}
	},
	corev1.SchemeGroupVersion.WithKind("Event"): func(o runtime.Object) fields.Set {
		e := o.(*corev1.Event)
		return fields.Set{
			"involvedObject.kind":            e.InvolvedObject.Kind,
			"involvedObject.namespace":       e.InvolvedObject.Namespace,
			"involvedObject.name":            e.InvolvedObject.Name,
			"involvedObject.uid":             string(e.InvolvedObject.UID),
			"involvedObject.apiVersion":      e.InvolvedObject.APIVersion,
			"involvedObject.resourceVersion": e.InvolvedObject.ResourceVersion,
			"involvedObject.fieldPath":       e.InvolvedObject.FieldPath,
			"reason":                         e.Reason,
			"reportingComponent":             e.ReportingController,
			"source":                         e.Source.Component,
			"type":                           e.Type,
		}
	},
	eventsv1.SchemeGroupVersion.WithKind("Event"): func(o runtime.Object) fields.Set {
		e := o.(*eventsv1.Event)
		return fields.Set{
			"regarding.kind":       e.Regarding.Kind,
			"regarding.namespace":  e.Regarding.Namespace,
			"regarding.name":       e.Regarding.Name,
			"regarding.uid":        string(e.Regarding.UID),
			"regarding.apiVersion": e.Regarding.APIVersion,
			"reason":               e.Reason,
			"reportingController":  e.ReportingController,
			"type":                 e.Type,
		}
	},
	appsv1.SchemeGroupVersion.WithKind("ReplicaSet"): func(o runtime.Object) fields.Set {
		return fields.Set{"status.replicas": strconv.Itoa(int(o.(*appsv1.ReplicaSet).Status.Replicas))}
	},
	batchv1.SchemeGroupVersion.WithKind("Job"): func(o runtime.Object) fields.Set {
		return fields.Set{"status.successful": strconv.Itoa(int(o.(*batchv1.Job).Status.Succeeded))}
	},
	certificatesv1.SchemeGroupVersion.WithKind("CertificateSigningRequest"): func(o runtime.Object) fields.Set {
		return fields.Set{"spec.signerName": o.(*certificatesv1.CertificateSigningRequest).Spec.SignerName}
	},
}

// Fields returns the field set an object can be selected by: metadata.name,
// metadata.namespace for namespaced objects, and its kind's selectable
// fields.
func Fields(obj runtime.Object, namespaced bool) fields.Set {
	set := fields.Set{}
	if m, err := apimeta.Accessor(obj); err == nil {
		set["metadata.name"] = m.GetName()
		if namespaced {
			set["metadata.namespace"] = m.GetNamespace()
		}
	}
	gvks, _, err := Scheme.ObjectKinds(obj)
	if err != nil || len(gvks) == 0 {
		return set
	}
	if f, ok := selectable[gvks[0]]; ok {
		for k, v := range f(obj) {
			set[k] = v
		}
	}
	return set
}

// registerFieldLabels teaches the scheme which field labels each kind
// accepts, so that an unsupported one fails with upstream's 400
// "field label not supported".
func registerFieldLabels(s *runtime.Scheme) error {
	for gvk := range s.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		extra := selectable[gvk]
		allowed := map[string]bool{"metadata.name": true, "metadata.namespace": true}
		if extra != nil {
			obj, err := s.New(gvk)
			if err != nil {
				return err
			}
			for k := range extra(obj) {
				allowed[k] = true
			}
		}
		err := s.AddFieldLabelConversionFunc(gvk, func(label, value string) (string, string, error) {
			if allowed[label] {
				return label, value, nil
			}
			return "", "", fmt.Errorf("field label not supported: %s", label)
		})
		if err != nil {
			return fmt.Errorf("register field labels of %s: %w", gvk, err)
		}
	}
	return nil
}
