package defaults

import (
	rbacv1 "k8s.io/api/rbac/v1"
)

// The rbac/v1 defaults follow pkg/apis/rbac/v1/defaults.go: a binding's
// role and its User and Group subjects belong to rbac.authorization.k8s.io;
// a ServiceAccount subject is in the core group.

func defaultRoleBinding(rb *rbacv1.RoleBinding) {
	defaultRoleRef(&rb.RoleRef)
	defaultSubjects(rb.Subjects)
}

func defaultClusterRoleBinding(crb *rbacv1.ClusterRoleBinding) {
	defaultRoleRef(&crb.RoleRef)
	defaultSubjects(crb.Subjects)
}

func defaultRoleRef(ref *rbacv1.RoleRef) {
	if ref.APIGroup == "" {
		ref.APIGroup = rbacv1.GroupName
	}
}

// defaultSubjects is SetDefaults_Subject on each subject.
func defaultSubjects(subjects []rbacv1.Subject) {
	for i := range subjects {
		s := &subjects[i]
		if s.APIGroup == "" && (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) {
			s.APIGroup = rbacv1.GroupName
		}
	}
}
