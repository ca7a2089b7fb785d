// Package controller reconciles Websites into a Deployment and a Service.
package controller

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	webappv1 "github.com/kubesim/kubesim/examples/operator/api/v1"
)

// WebsiteReconciler makes each Website's Deployment and Service, and
// reports how many replicas are available.
type WebsiteReconciler struct {
	client.Client
}

// Reconcile brings one Website's children in line with its spec.
func (r *WebsiteReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var site webappv1.Website
	if err := r.Get(ctx, req.NamespacedName, &site); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !site.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil // the garbage collector takes the children
	}
	deploy, err := r.ensureDeployment(ctx, &site)
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.ensureService(ctx, &site); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, r.updateStatus(ctx, &site, deploy)
}

func labels(site *webappv1.Website) map[string]string {
	return map[string]string{"app.kubernetes.io/name": "website", "app.kubernetes.io/instance": site.Name}
}

func (r *WebsiteReconciler) ensureDeployment(ctx context.Context, site *webappv1.Website) (*appsv1.Deployment, error) {
	deploy := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: site.Name, Namespace: site.Namespace}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.Client, deploy, func() error {
		deploy.Spec.Replicas = site.Spec.Replicas
		deploy.Spec.Selector = &metav1.LabelSelector{MatchLabels: labels(site)}
		deploy.Spec.Template.Labels = labels(site)
		c := corev1.Container{Name: "web", Image: site.Spec.Image, Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: site.Spec.Port}}}
		if len(deploy.Spec.Template.Spec.Containers) == 1 {
			deploy.Spec.Template.Spec.Containers[0].Image, deploy.Spec.Template.Spec.Containers[0].Ports = c.Image, c.Ports
		} else {
			deploy.Spec.Template.Spec.Containers = []corev1.Container{c}
		}
		return controllerutil.SetControllerReference(site, deploy, r.Scheme())
	})
	if err != nil {
		return nil, fmt.Errorf("deployment for website %s: %w", site.Name, err)
	}
	return deploy, nil
}

func (r *WebsiteReconciler) ensureService(ctx context.Context, site *webappv1.Website) error {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: site.Name, Namespace: site.Namespace}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.Client, svc, func() error {
		svc.Spec.Selector = labels(site)
		svc.Spec.Ports = []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}}
		return controllerutil.SetControllerReference(site, svc, r.Scheme())
	})
	if err != nil {
		return fmt.Errorf("service for website %s: %w", site.Name, err)
	}
	return nil
}

func (r *WebsiteReconciler) updateStatus(ctx context.Context, site *webappv1.Website, deploy *appsv1.Deployment) error {
	want := int32(1)
	if site.Spec.Replicas != nil {
		want = *site.Spec.Replicas
	}
	cond := metav1.Condition{Type: webappv1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: "DeploymentUnavailable",
		Message: fmt.Sprintf("%d of %d replicas available", deploy.Status.AvailableReplicas, want), ObservedGeneration: site.Generation}
	if deploy.Status.AvailableReplicas == want && deploy.Status.ObservedGeneration == deploy.Generation {
		cond.Status, cond.Reason = metav1.ConditionTrue, "DeploymentAvailable"
	}
	site.Status.ObservedGeneration = site.Generation
	site.Status.AvailableReplicas = deploy.Status.AvailableReplicas
	meta.SetStatusCondition(&site.Status.Conditions, cond)
	if err := r.Status().Update(ctx, site); err != nil && !apierrors.IsConflict(err) {
		return fmt.Errorf("status of website %s: %w", site.Name, err)
	} else if err != nil {
		return err // a newer version is on its way; reconcile it
	}
	return nil
}

// SetupWithManager registers the reconciler; changes to the Deployment
// and Service it owns bring a Website back to it.
func (r *WebsiteReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&webappv1.Website{}).
		Owns(&appsv1.Deployment{}).
		Owns(&corev1.Service{}).
		Named("website").
		Complete(r)
}
