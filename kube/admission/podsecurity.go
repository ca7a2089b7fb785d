package admission

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/pkg/warning"
	psadmission "k8s.io/pod-security-admission/admission"
	psconfigapi "k8s.io/pod-security-admission/admission/api"
	psconfig "k8s.io/pod-security-admission/admission/api/load"
	psapi "k8s.io/pod-security-admission/api"
	psmetrics "k8s.io/pod-security-admission/metrics"
	pspolicy "k8s.io/pod-security-admission/policy"

	"github.com/kubesim/kubesim/store"
)

// PodSecurityName is the plugin's name in --enable-admission-plugins.
const PodSecurityName = "PodSecurity"

// PodSecurity is kube-apiserver's PodSecurity plugin
// (plugin/pkg/admission/security/podsecurity), around upstream's own
// library, k8s.io/pod-security-admission: the labels
// pod-security.kubernetes.io/enforce, warn and audit (each with a
// -version) on a namespace choose the Pod Security Standard its pods and
// pod templates are held to. Enforce refuses a violating pod with 403,
// warn returns the violations as warnings, audit annotates the audit
// event; changing a namespace's labels is validated, and tightening
// enforce warns about the existing pods that would be refused. Without
// configuration every level is privileged, so a namespace without labels
// costs one namespace lookup per pod.
type PodSecurity struct {
	st *store.Store

	once     sync.Once
	delegate *psadmission.Admission
	err      error
}

var _ admission.ValidationInterface = (*PodSecurity)(nil)

// NewPodSecurity returns the plugin with kube-apiserver's default
// configuration (privileged, no exemptions), reading namespaces and pods
// from st. It is set up at its first use, so that starting a control
// plane does not pay for it.
func NewPodSecurity(st *store.Store) *PodSecurity { return &PodSecurity{st: st} }

// The configuration and the evaluator of the Pod Security Standards are
// immutable; every control plane of the process shares them.
var (
	psOnce      sync.Once
	psConfig    *psconfigapi.PodSecurityConfiguration
	psEvaluator pspolicy.Evaluator
	psErr       error
)

func podSecurityDefaults() (*psconfigapi.PodSecurityConfiguration, pspolicy.Evaluator, error) {
	psOnce.Do(func() {
		if psConfig, psErr = psconfig.LoadFromData(nil); psErr != nil {
			psErr = fmt.Errorf("pod security configuration: %w", psErr)
			return
		}
		if psEvaluator, psErr = pspolicy.NewEvaluator(pspolicy.DefaultChecks(), nil); psErr != nil {
			psErr = fmt.Errorf("pod security evaluator: %w", psErr)
		}
	})
	return psConfig, psEvaluator, psErr
}

func (p *PodSecurity) setup() (*psadmission.Admission, error) {
	p.once.Do(func() {
		cfg, evaluator, err := podSecurityDefaults()
		if err != nil {
			p.err = err
			return
		}
		d := &psadmission.Admission{
			Configuration:    cfg,
			Evaluator:        evaluator,
			Metrics:          noMetrics{},
			PodSpecExtractor: psadmission.DefaultPodSpecExtractor{},
			NamespaceGetter:  storeNamespaces{p.st},
			PodLister:        storePods{p.st},
		}
		if err := d.CompleteConfiguration(); err != nil {
			p.err = fmt.Errorf("pod security: %w", err)
			return
		}
		if err := d.ValidateConfiguration(); err != nil {
			p.err = fmt.Errorf("pod security: %w", err)
			return
		}
		p.delegate = d
	})
	return p.delegate, p.err
}

// Handles implements admission.Interface.
func (*PodSecurity) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Validate implements admission.ValidationInterface.
func (p *PodSecurity) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	gr := a.GetResource().GroupResource()
	if gr != podsResource && gr != namespaceResource && !(psadmission.DefaultPodSpecExtractor{}).HasPodSpec(gr) {
		return nil
	}
	if ignoredSubresource(gr, a.GetSubresource()) || p.unlabelled(a, gr) {
		return nil
	}
	d, err := p.setup()
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	result := d.Validate(ctx, attributes{a})
	for _, w := range result.Warnings {
		warning.AddWarning(ctx, "", w)
	}
	for k, v := range result.AuditAnnotations {
		audit.AddAuditAnnotation(ctx, psapi.AuditAnnotationPrefix+k, v)
	}
	if result.Allowed {
		return nil
	}
	forbidden := admission.NewForbidden(a, errors.New("Not allowed by PodSecurity"))
	var se *apierrors.StatusError
	if !errors.As(forbidden, &se) || result.Result == nil {
		return forbidden
	}
	if result.Result.Message != "" {
		se.ErrStatus.Message = result.Result.Message
	}
	if result.Result.Reason != "" {
		se.ErrStatus.Reason = result.Result.Reason
	}
	if result.Result.Details != nil {
		se.ErrStatus.Details = result.Result.Details
	}
	if result.Result.Code != 0 {
		se.ErrStatus.Code = result.Result.Code
	}
	return se
}

var namespaceResource = corev1.Resource("namespaces")

// unlabelled reports whether no pod security label is involved: the
// namespace of a pod or workload has none, or a namespace has none before
// or after the change. With the default configuration (everything
// privileged, no exemptions) the library allows such a request without a
// warning, so it is skipped, which keeps pod creation as cheap as before
// for the many clusters that never label a namespace.
func (p *PodSecurity) unlabelled(a admission.Attributes, gr schema.GroupResource) bool {
	if gr != namespaceResource {
		ns, ok := p.st.View().Get("namespaces", "", a.GetNamespace()).(*corev1.Namespace)
		return ok && !hasPodSecurityLabels(ns.Labels)
	}
	if a.GetSubresource() != "" {
		return true
	}
	for _, obj := range []runtime.Object{a.GetObject(), a.GetOldObject()} {
		if ns, ok := obj.(*corev1.Namespace); ok && hasPodSecurityLabels(ns.Labels) {
			return false
		}
	}
	return true
}

// ignoredSubresource reports whether the library would allow a request
// for its subresource alone (its ignoredPodSubresources; every
// subresource of a workload), which spares the namespace lookup on the
// kubelet's many status writes.
func ignoredSubresource(gr schema.GroupResource, sub string) bool {
	if sub == "" {
		return false
	}
	if gr != podsResource {
		return true
	}
	switch sub {
	case "exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status":
		return true
	}
	return false
}

func hasPodSecurityLabels(labels map[string]string) bool {
	for k := range labels {
		if strings.HasPrefix(k, "pod-security.kubernetes.io/") {
			return true
		}
	}
	return false
}

// attributes adapts admission.Attributes to the library's; kubesim's
// objects are already the v1 types the library wants.
type attributes struct{ a admission.Attributes }

var _ psapi.Attributes = attributes{}

func (x attributes) GetName() string                          { return x.a.GetName() }
func (x attributes) GetNamespace() string                     { return x.a.GetNamespace() }
func (x attributes) GetResource() schema.GroupVersionResource { return x.a.GetResource() }
func (x attributes) GetKind() schema.GroupVersionKind         { return x.a.GetKind() }
func (x attributes) GetSubresource() string                   { return x.a.GetSubresource() }
func (x attributes) GetOperation() admissionv1.Operation {
	return admissionv1.Operation(x.a.GetOperation())
}
func (x attributes) GetObject() (runtime.Object, error)    { return x.a.GetObject(), nil }
func (x attributes) GetOldObject() (runtime.Object, error) { return x.a.GetOldObject(), nil }
func (x attributes) GetUserName() string {
	if u := x.a.GetUserInfo(); u != nil {
		return u.GetName()
	}
	return ""
}

type storeNamespaces struct{ st *store.Store }

func (n storeNamespaces) GetNamespace(_ context.Context, name string) (*corev1.Namespace, error) {
	if ns, ok := n.st.View().Get("namespaces", "", name).(*corev1.Namespace); ok {
		return ns, nil
	}
	return nil, apierrors.NewNotFound(namespaceResource, name)
}

type storePods struct{ st *store.Store }

func (p storePods) ListPods(_ context.Context, namespace string) ([]*corev1.Pod, error) {
	var out []*corev1.Pod
	p.st.View().List("pods", namespace, func(obj runtime.Object) bool {
		out = append(out, obj.(*corev1.Pod))
		return true
	})
	return out, nil
}

// noMetrics drops the library's metrics: kubesim exports none.
type noMetrics struct{}

func (noMetrics) RecordEvaluation(psmetrics.Decision, psapi.LevelVersion, psmetrics.Mode, psapi.Attributes) {
}
func (noMetrics) RecordExemption(psapi.Attributes)   {}
func (noMetrics) RecordError(bool, psapi.Attributes) {}
