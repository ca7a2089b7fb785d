package printers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestPolicyColumns(t *testing.T) {
	tests := []struct {
		obj  runtime.Object
		want []string
	}{
		{&policyv1.PodDisruptionBudget{}, []string{"Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"}},
		{&schedulingv1.PriorityClass{}, []string{"Name", "Value", "Global-Default", "Age", "PreemptionPolicy"}},
		{&coordinationv1.Lease{}, []string{"Name", "Holder", "Age"}},
		{&rbacv1.RoleBinding{}, []string{"Name", "Role", "Age", "Users (wide)", "Groups (wide)", "ServiceAccounts (wide)"}},
		{&rbacv1.ClusterRoleBinding{}, []string{"Name", "Role", "Age", "Users (wide)", "Groups (wide)", "ServiceAccounts (wide)"}},
		{&rbacv1.Role{}, []string{"Name", "Created At"}},
		{&rbacv1.ClusterRole{}, []string{"Name", "Created At"}},
		{&admissionregistrationv1.ValidatingWebhookConfiguration{}, []string{"Name", "Webhooks", "Age"}},
		{&admissionregistrationv1.ValidatingAdmissionPolicyBinding{}, []string{"Name", "PolicyName", "ParamRef", "Age"}},
		{&certificatesv1.CertificateSigningRequest{}, []string{"Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, columnNames(tt.obj)); diff != "" {
			t.Errorf("%T columns (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestPolicyCells(t *testing.T) {
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: objectMeta("web")}
	pdb.Spec.MinAvailable = ptr(intstr.FromString("50%"))
	pdb.Status.DisruptionsAllowed = 1
	pdbMax := &policyv1.PodDisruptionBudget{ObjectMeta: objectMeta("db")}
	pdbMax.Spec.MaxUnavailable = ptr(intstr.FromInt32(1))

	never := corev1.PreemptNever
	pc := &schedulingv1.PriorityClass{ObjectMeta: objectMeta("batch"), Value: 1000, GlobalDefault: true, PreemptionPolicy: &never}
	lease := &coordinationv1.Lease{ObjectMeta: objectMeta("node-1"), Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr("node-1")}}

	rb := &rbacv1.RoleBinding{ObjectMeta: objectMeta("readers"), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"},
		Subjects: []rbacv1.Subject{
			{Kind: rbacv1.UserKind, Name: "alice"}, {Kind: rbacv1.UserKind, Name: "bob"},
			{Kind: rbacv1.GroupKind, Name: "devs"}, {Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "runner"},
			{Kind: "Robot", Name: "r2"},
		}}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: objectMeta("admins"), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cluster-admin"}}

	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: objectMeta("hooks"),
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "a"}, {Name: "b"}}}
	mwc := &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: objectMeta("inject")}
	vap := &admissionregistrationv1.ValidatingAdmissionPolicy{ObjectMeta: objectMeta("replicas")}
	vap.Spec.Validations = []admissionregistrationv1.Validation{{Expression: "true"}}
	vap.Spec.ParamKind = &admissionregistrationv1.ParamKind{APIVersion: "v1", Kind: "ConfigMap"}
	binding := func(ref *admissionregistrationv1.ParamRef) *admissionregistrationv1.ValidatingAdmissionPolicyBinding {
		b := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{ObjectMeta: objectMeta("bind")}
		b.Spec.PolicyName = "replicas"
		b.Spec.ParamRef = ref
		return b
	}

	csr := &certificatesv1.CertificateSigningRequest{ObjectMeta: objectMeta("csr-1")}
	csr.Spec = certificatesv1.CertificateSigningRequestSpec{SignerName: "kubernetes.io/kubelet-serving", Username: "system:node:node-1", ExpirationSeconds: ptr(int32(3600))}
	csr.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{Type: certificatesv1.CertificateApproved}, {Type: certificatesv1.CertificateFailed}}
	csr.Status.Certificate = []byte("pem")

	tests := []struct {
		obj  runtime.Object
		want []any
	}{
		{pdb, []any{"web", "50%", "N/A", int64(1), "60m"}},
		{pdbMax, []any{"db", "N/A", "1", int64(0), "60m"}},
		{pc, []any{"batch", int64(1000), true, "60m", "Never"}},
		{&schedulingv1.PriorityClass{ObjectMeta: objectMeta("low")}, []any{"low", int64(0), false, "60m", ""}},
		{lease, []any{"node-1", "node-1", "60m"}},
		{&coordinationv1.Lease{ObjectMeta: objectMeta("free")}, []any{"free", "", "60m"}},
		{rb, []any{"readers", "ClusterRole/view", "60m", "alice, bob", "devs", "ci/runner"}},
		{crb, []any{"admins", "ClusterRole/cluster-admin", "60m", "", "", ""}},
		{vwc, []any{"hooks", int64(2), "60m"}},
		{mwc, []any{"inject", int64(0), "60m"}},
		{vap, []any{"replicas", int64(1), "v1/ConfigMap", "60m"}},
		{binding(nil), []any{"bind", "replicas", "<unset>", "60m"}},
		{binding(&admissionregistrationv1.ParamRef{Namespace: "ns", Name: "p"}), []any{"bind", "replicas", "ns/p", "60m"}},
		{binding(&admissionregistrationv1.ParamRef{Name: "p"}), []any{"bind", "replicas", "*/p", "60m"}},
		{binding(&admissionregistrationv1.ParamRef{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}}),
			[]any{"bind", "replicas", `&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},}`, "60m"}},
		{csr, []any{"csr-1", "60m", "kubernetes.io/kubelet-serving", "system:node:node-1", "60m", "Approved,Failed,Issued"}},
		{&certificatesv1.CertificateSigningRequest{ObjectMeta: objectMeta("csr-2")}, []any{"csr-2", "60m", "<none>", "", "<none>", "Pending"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cells(t, tt.obj)); diff != "" {
			t.Errorf("%T cells (-want +got):\n%s", tt.obj, diff)
		}
	}
}
