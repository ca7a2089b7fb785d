package framework

import (
	"errors"
	"strings"
)

// Code is the outcome of a plugin at one extension point, with the meanings
// of k8s.io/kube-scheduler/framework Code.
type Code int

const (
	// Success means the plugin let the pod through. A nil *Status is Success.
	Success Code = iota
	// Error is an internal failure (a bad selector, a missing lister entry
	// that should exist); the scheduling attempt is aborted.
	Error
	// Unschedulable means the node does not fit now, but preemption of
	// lower-priority pods might change that.
	Unschedulable
	// UnschedulableAndUnresolvable means the node does not fit and no
	// preemption on it can help, so preemption skips the node.
	UnschedulableAndUnresolvable
	// Skip, returned by a PreFilter or PreScore step, means the matching
	// Filter or Score step has nothing to do for this pod.
	Skip
)

var codeNames = [...]string{"Success", "Error", "Unschedulable", "UnschedulableAndUnresolvable", "Skip"}

func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "Unknown"
}

// Status is a plugin's verdict on one node (or, from PreFilter, on all
// nodes): a code, the reasons in kube-scheduler's words, and the plugin
// that gave it. Statuses are immutable once returned; the framework shares
// them between nodes.
type Status struct {
	code    Code
	reasons []string
	err     error
	plugin  string
}

// NewStatus returns a status with the given code and reasons.
func NewStatus(code Code, reasons ...string) *Status {
	return &Status{code: code, reasons: reasons}
}

// asStatus wraps an internal error in an Error status.
func asStatus(err error) *Status {
	if err == nil {
		return nil
	}
	return &Status{code: Error, reasons: []string{err.Error()}, err: err}
}

// withPlugin returns the status attributed to plugin. It copies when the
// status is already attributed, so shared statuses are never mutated.
func (s *Status) withPlugin(plugin string) *Status {
	if s == nil || s.plugin == plugin {
		return s
	}
	c := *s
	c.plugin = plugin
	return &c
}

// Code returns the status code; a nil status is Success.
func (s *Status) Code() Code {
	if s == nil {
		return Success
	}
	return s.code
}

// Reasons returns the reasons, in the order the plugin gave them.
func (s *Status) Reasons() []string {
	if s == nil {
		return nil
	}
	return s.reasons
}

// Message joins the reasons with ", " as upstream's Status.Message does.
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	return strings.Join(s.reasons, ", ")
}

// Plugin names the plugin that returned the status ("" for framework
// statuses such as preemption's).
func (s *Status) Plugin() string {
	if s == nil {
		return ""
	}
	return s.plugin
}

// IsSuccess reports whether the status is nil or Success.
func (s *Status) IsSuccess() bool { return s.Code() == Success }

// IsSkip reports whether the status is Skip.
func (s *Status) IsSkip() bool { return s.Code() == Skip }

// IsRejected reports whether the node was rejected (Unschedulable or
// UnschedulableAndUnresolvable), as opposed to an internal error.
func (s *Status) IsRejected() bool {
	c := s.Code()
	return c == Unschedulable || c == UnschedulableAndUnresolvable
}

// AsError returns the status as an error; nil for Success and Skip.
func (s *Status) AsError() error {
	if s.IsSuccess() || s.IsSkip() {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	return errors.New(s.Message())
}

// String renders the status for logs and test failures.
func (s *Status) String() string {
	if s == nil {
		return "Success"
	}
	msg := s.code.String()
	if s.plugin != "" {
		msg += " (" + s.plugin + ")"
	}
	if len(s.reasons) > 0 {
		msg += ": " + s.Message()
	}
	return msg
}
