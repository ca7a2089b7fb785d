package webhook

import (
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions"
	"k8s.io/apiserver/pkg/cel/environment"
)

// celEnv is the base CEL environment of admission policies, that of the
// compatibility version kube-apiserver 1.37 runs at. Building it takes a
// while, so it is built once, on first use.
var celEnv = sync.OnceValue(func() *environment.EnvSet {
	return environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
})

// compilePolicy turns a ValidatingAdmissionPolicy into upstream's
// evaluator, the way kube-apiserver's ValidatingAdmissionPolicy plugin
// does (k8s.io/apiserver/pkg/admission/plugin/policy/validating): the
// variables are compiled first, so that validations, matchConditions,
// audit annotations and message expressions may refer to them; params
// are declared only when the policy has a paramKind; only validations and
// matchConditions may use the authorizer. Errors do not fail compilation:
// the evaluator carries them and reports them per request, under the
// policy's failurePolicy.
func compilePolicy(p *admissionregistrationv1.ValidatingAdmissionPolicy) validating.Validator {
	withParams := p.Spec.ParamKind != nil
	vars := cel.OptionalVariableDeclarations{HasParams: withParams, HasAuthorizer: true}
	messageVars := cel.OptionalVariableDeclarations{HasParams: withParams, HasAuthorizer: false}
	compiler, err := cel.NewCompositedCompiler(celEnv())
	if err != nil {
		return validating.NewValidator(nil, nil, nil, nil, p.Spec.FailurePolicy, err)
	}
	mode := environment.StoredExpressions
	compiler.CompileAndStoreVariables(variables(p.Spec.Variables), vars, mode)

	var matcher matchconditions.Matcher
	if len(p.Spec.MatchConditions) > 0 {
		conditions := make([]cel.ExpressionAccessor, len(p.Spec.MatchConditions))
		for i := range p.Spec.MatchConditions {
			conditions[i] = (*matchconditions.MatchCondition)(&p.Spec.MatchConditions[i])
		}
		matcher = matchconditions.NewMatcher(compiler.CompileCondition(conditions, vars, mode),
			p.Spec.FailurePolicy, "policy", "validate", p.Name)
	}
	validations, messages := validationExpressions(p.Spec.Validations)
	return validating.NewValidator(
		compiler.CompileCondition(validations, vars, mode),
		matcher,
		compiler.CompileCondition(auditAnnotations(p.Spec.AuditAnnotations), vars, mode),
		compiler.CompileCondition(messages, messageVars, mode),
		p.Spec.FailurePolicy,
		nil,
	)
}

// validationExpressions returns the validations' expressions and their
// messageExpressions. The two lists are index-aligned, as the evaluator
// expects: a validation without a messageExpression leaves a nil entry.
func validationExpressions(vs []admissionregistrationv1.Validation) (conditions, messages []cel.ExpressionAccessor) {
	conditions = make([]cel.ExpressionAccessor, len(vs))
	messages = make([]cel.ExpressionAccessor, len(vs))
	for i, v := range vs {
		conditions[i] = &validating.ValidationCondition{Expression: v.Expression, Message: v.Message, Reason: v.Reason}
		if v.MessageExpression != "" {
			messages[i] = &validating.MessageExpressionCondition{MessageExpression: v.MessageExpression}
		}
	}
	return conditions, messages
}

func auditAnnotations(as []admissionregistrationv1.AuditAnnotation) []cel.ExpressionAccessor {
	out := make([]cel.ExpressionAccessor, len(as))
	for i, a := range as {
		out[i] = &validating.AuditAnnotationCondition{Key: a.Key, ValueExpression: a.ValueExpression}
	}
	return out
}

func variables(vs []admissionregistrationv1.Variable) []cel.NamedExpressionAccessor {
	out := make([]cel.NamedExpressionAccessor, len(vs))
	for i, v := range vs {
		out[i] = &validating.Variable{Name: v.Name, Expression: v.Expression}
	}
	return out
}
