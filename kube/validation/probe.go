package validation

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Probes and lifecycle hooks, as validation.go's validateProbe,
// validateLifecycle and validateHandler: exactly one handler each, and
// thresholds that are not negative.

// handler is the union of the probe and lifecycle handler types.
type handler struct {
	exec      *corev1.ExecAction
	httpGet   *corev1.HTTPGetAction
	tcpSocket *corev1.TCPSocketAction
	grpc      *corev1.GRPCAction
	sleep     *corev1.SleepAction
}

func validateLifecycle(lc *corev1.Lifecycle, pc *podCtx, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if h := lc.PostStart; h != nil {
		allErrs = append(allErrs, validateHandler(handler{h.Exec, h.HTTPGet, h.TCPSocket, nil, h.Sleep}, pc, fldPath.Child("postStart"))...)
	}
	if h := lc.PreStop; h != nil {
		allErrs = append(allErrs, validateHandler(handler{h.Exec, h.HTTPGet, h.TCPSocket, nil, h.Sleep}, pc, fldPath.Child("preStop"))...)
	}
	if lc.StopSignal != nil && (pc.podOS == nil || pc.podOS.Name == "") {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("stopSignal"), "may not be set for containers with empty `spec.os.name`"))
	}
	return allErrs
}

func validateProbe(p *corev1.Probe, pc *podCtx, fldPath *field.Path) field.ErrorList {
	h := p.ProbeHandler
	allErrs := validateHandler(handler{h.Exec, h.HTTPGet, h.TCPSocket, h.GRPC, nil}, pc, fldPath)
	allErrs = append(allErrs, validateNonnegativeField(int64(p.InitialDelaySeconds), fldPath.Child("initialDelaySeconds"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(p.TimeoutSeconds), fldPath.Child("timeoutSeconds"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(p.PeriodSeconds), fldPath.Child("periodSeconds"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(p.SuccessThreshold), fldPath.Child("successThreshold"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(p.FailureThreshold), fldPath.Child("failureThreshold"))...)
	if p.TerminationGracePeriodSeconds != nil && *p.TerminationGracePeriodSeconds <= 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), *p.TerminationGracePeriodSeconds, "must be greater than 0"))
	}
	return allErrs
}

// validateLivenessProbe and validateStartupProbe: success means one
// success.
func validateLivenessProbe(p *corev1.Probe, pc *podCtx, fldPath *field.Path) field.ErrorList {
	if p == nil {
		return nil
	}
	allErrs := validateProbe(p, pc, fldPath)
	if p.SuccessThreshold != 1 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("successThreshold"), p.SuccessThreshold, "must be 1"))
	}
	return allErrs
}

func validateStartupProbe(p *corev1.Probe, pc *podCtx, fldPath *field.Path) field.ErrorList {
	return validateLivenessProbe(p, pc, fldPath)
}

// validateReadinessProbe: a failing readiness probe does not kill.
func validateReadinessProbe(p *corev1.Probe, pc *podCtx, fldPath *field.Path) field.ErrorList {
	if p == nil {
		return nil
	}
	allErrs := validateProbe(p, pc, fldPath)
	if p.TerminationGracePeriodSeconds != nil {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), *p.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
	}
	return allErrs
}

// validateHandler checks the one handler set and forbids any further one.
func validateHandler(h handler, pc *podCtx, fldPath *field.Path) field.ErrorList {
	types := []struct {
		set   bool
		name  string
		check func(*field.Path) field.ErrorList
	}{
		{h.exec != nil, "exec", func(p *field.Path) field.ErrorList {
			if len(h.exec.Command) == 0 {
				return field.ErrorList{field.Required(p.Child("command"), "")}
			}
			return nil
		}},
		{h.httpGet != nil, "httpGet", func(p *field.Path) field.ErrorList { return validateHTTPGetAction(h.httpGet, p) }},
		{h.tcpSocket != nil, "tcpSocket", func(p *field.Path) field.ErrorList { return validatePortNumOrName(h.tcpSocket.Port, p.Child("port")) }},
		{h.grpc != nil, "grpc", func(p *field.Path) field.ErrorList {
			var errs field.ErrorList
			for _, msg := range validation.IsValidPortNum(int(h.grpc.Port)) {
				errs = append(errs, field.Invalid(p.Child("port"), h.grpc.Port, msg))
			}
			return errs
		}},
		{h.sleep != nil, "sleep", func(p *field.Path) field.ErrorList { return validateSleepAction(h.sleep, pc.gracePeriod, p) }},
	}
	var allErrs field.ErrorList
	n := 0
	for _, t := range types {
		if !t.set {
			continue
		}
		if n > 0 {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(t.name), "may not specify more than 1 handler type"))
			continue
		}
		n++
		allErrs = append(allErrs, t.check(fldPath.Child(t.name))...)
	}
	if n == 0 {
		allErrs = append(allErrs, field.Required(fldPath, "must specify a handler type"))
	}
	return allErrs
}

var supportedHTTPSchemes = sets.New(corev1.URISchemeHTTP, corev1.URISchemeHTTPS)

func validateHTTPGetAction(http *corev1.HTTPGetAction, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(http.Path) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	allErrs = append(allErrs, validatePortNumOrName(http.Port, fldPath.Child("port"))...)
	if !supportedHTTPSchemes.Has(http.Scheme) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("scheme"), http.Scheme, sets.List(supportedHTTPSchemes)))
	}
	for _, header := range http.HTTPHeaders {
		for _, msg := range validation.IsHTTPHeaderName(header.Name) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("httpHeaders"), header.Name, msg))
		}
	}
	return allErrs
}

// validateSleepAction: a sleep fits in the termination grace period.
func validateSleepAction(sleep *corev1.SleepAction, gracePeriod *int64, fldPath *field.Path) field.ErrorList {
	if gracePeriod != nil && (sleep.Seconds < 0 || sleep.Seconds > *gracePeriod) {
		msg := fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", *gracePeriod)
		return field.ErrorList{field.Invalid(fldPath, sleep.Seconds, msg)}
	}
	return nil
}
