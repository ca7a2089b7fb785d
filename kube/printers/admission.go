package printers

import (
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

func addAdmissionPrinters(r registry) {
	webhooks := []metav1.TableColumnDefinition{
		nameColumn(),
		column("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"),
		ageColumn(),
	}
	add(r, webhooks, func(c *admissionregistrationv1.MutatingWebhookConfiguration, e env) []any {
		return []any{c.Name, int64(len(c.Webhooks)), e.age(c.CreationTimestamp)}
	})
	add(r, webhooks, func(c *admissionregistrationv1.ValidatingWebhookConfiguration, e env) []any {
		return []any{c.Name, int64(len(c.Webhooks)), e.age(c.CreationTimestamp)}
	})

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Validations", "integer", "Validations indicates the number of validation rules defined in this configuration"),
		column("ParamKind", "string", "ParamKind specifies the kind of resources used to parameterize this policy"),
		ageColumn(),
	}, func(p *admissionregistrationv1.ValidatingAdmissionPolicy, e env) []any {
		paramKind := "<unset>"
		if k := p.Spec.ParamKind; k != nil {
			paramKind = k.APIVersion + "/" + k.Kind
		}
		return []any{p.Name, int64(len(p.Spec.Validations)), paramKind, e.age(p.CreationTimestamp)}
	})

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("PolicyName", "string", "PolicyName indicates the policy definition which the policy binding binded to"),
		column("ParamRef", "string", "ParamRef indicates the param resource which sets the configration param"),
		ageColumn(),
	}, func(b *admissionregistrationv1.ValidatingAdmissionPolicyBinding, e env) []any {
		return []any{b.Name, b.Spec.PolicyName, paramRefName(b.Spec.ParamRef), e.age(b.CreationTimestamp)}
	})

	csrSpec := certificatesv1.CertificateSigningRequestSpec{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		ageColumn(),
		column("SignerName", "string", csrSpec["signerName"]),
		column("Requestor", "string", csrSpec["request"]),
		column("RequestedDuration", "string", csrSpec["expirationSeconds"]),
		column("Condition", "string", certificatesv1.CertificateSigningRequestStatus{}.SwaggerDoc()["conditions"]),
	}, func(csr *certificatesv1.CertificateSigningRequest, e env) []any {
		requested := "<none>"
		if s := csr.Spec.ExpirationSeconds; s != nil {
			requested = duration.HumanDuration(time.Duration(*s) * time.Second)
		}
		return []any{csr.Name, e.age(csr.CreationTimestamp), orNone(csr.Spec.SignerName), csr.Spec.Username,
			requested, csrCondition(csr)}
	})
}

// paramRefName prints "namespace/name", "*/name" when the namespace is
// unknown, the selector, or "<unset>".
func paramRefName(ref *admissionregistrationv1.ParamRef) string {
	switch {
	case ref == nil:
		return "<unset>"
	case ref.Name != "" && ref.Namespace != "":
		return ref.Namespace + "/" + ref.Name
	case ref.Name != "":
		return "*/" + ref.Name
	case ref.Selector != nil:
		return ref.Selector.String()
	}
	return "<unset>"
}

// csrCondition is Denied, Approved or Pending, then ",Failed" and
// ",Issued" when they apply.
func csrCondition(csr *certificatesv1.CertificateSigningRequest) string {
	var approved, denied, failed bool
	for _, c := range csr.Status.Conditions {
		switch c.Type {
		case certificatesv1.CertificateApproved:
			approved = true
		case certificatesv1.CertificateDenied:
			denied = true
		case certificatesv1.CertificateFailed:
			failed = true
		}
	}
	status := "Pending"
	switch {
	case denied:
		status = "Denied"
	case approved:
		status = "Approved"
	}
	if failed {
		status += ",Failed"
	}
	if len(csr.Status.Certificate) > 0 {
		status += ",Issued"
	}
	return status
}
