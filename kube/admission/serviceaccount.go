package admission

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/storage/names"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/store"
)

// ServiceAccountName is the plugin's name in --enable-admission-plugins.
const ServiceAccountName = "ServiceAccount"

// What the plugin adds to pods (plugin/pkg/admission/serviceaccount).
const (
	DefaultServiceAccountName = "default"
	// TokenMountPath is where every container finds its token, CA and
	// namespace.
	TokenMountPath       = "/var/run/secrets/kubernetes.io/serviceaccount"
	tokenVolumePrefix    = "kube-api-access-"
	mirrorPodAnnotation  = corev1.MirrorPodAnnotationKey
	boundTokenExpiration = 3607 // see registry's warnOnlyBoundTokenExpirationSeconds
	rootCAConfigMap      = "kube-root-ca.crt"
)

// DefaultAccountMaker makes a namespace's default service account when it
// is missing: the serviceaccount controller.
type DefaultAccountMaker interface {
	EnsureDefault(ctx context.Context, namespace string) (*corev1.ServiceAccount, error)
}

// RootCAPublisher makes a namespace's kube-root-ca.crt when it is
// missing: the root-ca-cert-publisher controller.
type RootCAPublisher interface {
	EnsurePublished(ctx context.Context, namespace string) error
}

// DefaultAccounts holds the controllers that provide what the plugin
// hands to pods, once they run. The admission chain is built before the
// controllers start, hence the late binding.
type DefaultAccounts struct {
	maker     atomic.Pointer[DefaultAccountMaker]
	publisher atomic.Pointer[RootCAPublisher]
}

// Set installs the maker; from then on the ServiceAccount plugin is on.
func (d *DefaultAccounts) Set(m DefaultAccountMaker) { d.maker.Store(&m) }

// SetPublisher installs the root CA publisher.
func (d *DefaultAccounts) SetPublisher(p RootCAPublisher) { d.publisher.Store(&p) }

// ensureRootCA makes the namespace's kube-root-ca.crt now if it is
// missing, so that the kubelet finds it when it mounts the token volume:
// upstream's controller makes it within milliseconds of the namespace,
// long before a pod's volumes are set up.
func (d *DefaultAccounts) ensureRootCA(ctx context.Context, st *store.Store, namespace string) error {
	p := d.publisher.Load()
	if p == nil || st.View().Get("configmaps", namespace, rootCAConfigMap) != nil {
		return nil
	}
	return (*p).EnsurePublished(ctx, namespace)
}

func (d *DefaultAccounts) get() DefaultAccountMaker {
	if d == nil {
		return nil
	}
	if m := d.maker.Load(); m != nil {
		return *m
	}
	return nil
}

// ServiceAccount reproduces upstream's ServiceAccount admission plugin: a
// new pod runs as spec.serviceAccountName, "default" if unset, which must
// exist; unless automountServiceAccountToken is false on the pod or its
// account, every init and app container mounts a projected
// kube-api-access-xxxxx volume (a token, the cluster CA and the
// namespace) at TokenMountPath; the account's imagePullSecrets are copied
// to a pod that names none.
//
// The plugin is on only while the serviceaccount controller runs, since
// nothing else makes the default accounts: envtest runs kube-apiserver
// with --disable-admission-plugins=ServiceAccount for the same reason, so
// a bare kubesim behaves like envtest. Where upstream's plugin waits up
// to ten times 100-200ms for the controller to make a missing default
// account, kubesim's asks the controller to make it at once.
type ServiceAccount struct {
	Store    *store.Store
	Defaults *DefaultAccounts
}

var (
	_ admission.MutationInterface   = ServiceAccount{}
	_ admission.ValidationInterface = ServiceAccount{}
)

// Handles implements admission.Interface.
func (ServiceAccount) Handles(op admission.Operation) bool {
	return op == admission.Create
}

// ignores reports whether the plugin leaves a request alone: anything but
// the creation of a pod, or the plugin is off.
func (s ServiceAccount) ignores(a admission.Attributes) bool {
	return a.GetSubresource() != "" || a.GetResource().GroupResource() != podsResource || s.Defaults.get() == nil
}

// Admit sets the service account and mounts its token.
func (s ServiceAccount) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if s.ignores(a) {
		return nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return apierrors.NewBadRequest("Resource was marked with kind Pod but was unable to be converted")
	}
	// Mirror pods are the kubelet's copies of static pods: changing
	// their spec would make the kubelet delete them.
	if _, mirror := pod.Annotations[mirrorPodAnnotation]; mirror {
		return s.Validate(ctx, a, o)
	}
	// spec.serviceAccount is the deprecated alias of serviceAccountName;
	// upstream's v1 conversion fills each from the other.
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = pod.Spec.DeprecatedServiceAccount
	}
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = DefaultServiceAccountName
	}
	pod.Spec.DeprecatedServiceAccount = pod.Spec.ServiceAccountName
	sa, err := s.account(ctx, a.GetNamespace(), pod.Spec.ServiceAccountName)
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("error looking up service account %s/%s: %w", a.GetNamespace(), pod.Spec.ServiceAccountName, err))
	}
	if automount(sa, pod) {
		mountToken(pod)
		if err := s.Defaults.ensureRootCA(ctx, s.Store, a.GetNamespace()); err != nil {
			return apierrors.NewInternalError(err)
		}
	}
	if len(pod.Spec.ImagePullSecrets) == 0 && len(sa.ImagePullSecrets) > 0 {
		pod.Spec.ImagePullSecrets = append([]corev1.LocalObjectReference(nil), sa.ImagePullSecrets...)
	}
	return s.Validate(ctx, a, o)
}

// Validate checks that a pod names an existing account, and that a
// mirror pod references no accounts, secrets or tokens.
func (s ServiceAccount) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	if s.ignores(a) {
		return nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return apierrors.NewBadRequest("Resource was marked with kind Pod but was unable to be converted")
	}
	if _, mirror := pod.Annotations[mirrorPodAnnotation]; mirror {
		return validateMirrorPod(a, pod)
	}
	if pod.Spec.ServiceAccountName == "" {
		return admission.NewForbidden(a, fmt.Errorf("no service account specified for pod %s/%s", a.GetNamespace(), pod.Name))
	}
	if _, err := s.account(ctx, a.GetNamespace(), pod.Spec.ServiceAccountName); err != nil {
		return admission.NewForbidden(a, fmt.Errorf("error looking up service account %s/%s: %w", a.GetNamespace(), pod.Spec.ServiceAccountName, err))
	}
	return nil
}

func validateMirrorPod(a admission.Attributes, pod *corev1.Pod) error {
	if pod.Spec.ServiceAccountName != "" {
		return admission.NewForbidden(a, fmt.Errorf("a mirror pod may not reference service accounts"))
	}
	for _, v := range pod.Spec.Volumes {
		if v.Secret != nil {
			return admission.NewForbidden(a, fmt.Errorf("a mirror pod may not reference secrets"))
		}
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				return admission.NewForbidden(a, fmt.Errorf("a mirror pod may not use ServiceAccountToken volume projections"))
			}
			if src.Secret != nil {
				return admission.NewForbidden(a, fmt.Errorf("a mirror pod may not reference secrets"))
			}
		}
	}
	return nil
}

// account returns the named service account; a missing default one is
// made by the controller, as upstream's plugin waits for it to be.
func (s ServiceAccount) account(ctx context.Context, namespace, name string) (*corev1.ServiceAccount, error) {
	if sa, ok := s.Store.View().Get("serviceaccounts", namespace, name).(*corev1.ServiceAccount); ok {
		return sa, nil
	}
	if name == DefaultServiceAccountName {
		if m := s.Defaults.get(); m != nil {
			sa, err := m.EnsureDefault(ctx, namespace)
			if err != nil {
				return nil, err
			}
			if sa != nil {
				return sa, nil
			}
		}
	}
	return nil, apierrors.NewNotFound(corev1.Resource("serviceaccount"), name)
}

// automount reports whether the pod gets the token volume: the pod's
// automountServiceAccountToken wins over the account's.
func automount(sa *corev1.ServiceAccount, pod *corev1.Pod) bool {
	if pod.Spec.AutomountServiceAccountToken != nil {
		return *pod.Spec.AutomountServiceAccountToken
	}
	if sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

// mountToken mounts the token volume in every init and app container that
// has nothing mounted at TokenMountPath already, and adds the volume if
// one of them needs it and the pod has none.
func mountToken(pod *corev1.Pod) {
	volumeName := ""
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, tokenVolumePrefix) {
			volumeName = v.Name
			break
		}
	}
	hasVolume := volumeName != ""
	if !hasVolume {
		volumeName = names.SimpleNameGenerator.GenerateName(tokenVolumePrefix)
	}
	mount := corev1.VolumeMount{Name: volumeName, ReadOnly: true, MountPath: TokenMountPath}
	needed := false
	for _, cs := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range cs {
			if !mountsAt(cs[i].VolumeMounts, TokenMountPath) {
				cs[i].VolumeMounts = append(cs[i].VolumeMounts, mount)
				needed = true
			}
		}
	}
	if needed && !hasVolume {
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{
			Name:         volumeName,
			VolumeSource: corev1.VolumeSource{Projected: TokenVolumeSource()},
		})
	}
}

func mountsAt(mounts []corev1.VolumeMount, path string) bool {
	for _, m := range mounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}

// TokenVolumeSource is the projected volume of a pod's API access: a token
// the kubelet requests for the pod, the cluster CA, and the namespace.
func TokenVolumeSource() *corev1.ProjectedVolumeSource {
	return &corev1.ProjectedVolumeSource{
		DefaultMode: ptr.To(corev1.ProjectedVolumeSourceDefaultMode),
		Sources: []corev1.VolumeProjection{
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To[int64](boundTokenExpiration)}},
			{ConfigMap: &corev1.ConfigMapProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: rootCAConfigMap},
				Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
			}},
			{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
				Path:     "namespace",
				FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
			}}}},
		},
	}
}
