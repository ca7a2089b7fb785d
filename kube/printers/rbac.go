package printers

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Roles and ClusterRoles have no printer upstream: they get the default
// NAME / CREATED AT table.
func addRBACPrinters(r registry) {
	add(r, bindingColumns("roleBinding", rbacv1.RoleBinding{}.SwaggerDoc()["roleRef"]),
		func(b *rbacv1.RoleBinding, e env) []any {
			return bindingCells(b.Name, b.RoleRef, b.Subjects, e.age(b.CreationTimestamp))
		})
	add(r, bindingColumns("clusterRoleBinding", rbacv1.ClusterRoleBinding{}.SwaggerDoc()["roleRef"]),
		func(b *rbacv1.ClusterRoleBinding, e env) []any {
			return bindingCells(b.Name, b.RoleRef, b.Subjects, e.age(b.CreationTimestamp))
		})
}

func bindingColumns(kind, roleRefDoc string) []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		column("Role", "string", roleRefDoc),
		ageColumn(),
		wide("Users", "string", "Users in the "+kind),
		wide("Groups", "string", "Groups in the "+kind),
		wide("ServiceAccounts", "string", "ServiceAccounts in the "+kind),
	}
}

// bindingCells prints the role as "Kind/name" and the subjects by kind,
// service accounts as "namespace/name" (upstream's rbac.SubjectsStrings).
func bindingCells(name string, ref rbacv1.RoleRef, subjects []rbacv1.Subject, age string) []any {
	var users, groups, sas []string
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			sas = append(sas, fmt.Sprintf("%s/%s", s.Namespace, s.Name))
		case rbacv1.UserKind:
			users = append(users, s.Name)
		case rbacv1.GroupKind:
			groups = append(groups, s.Name)
		}
	}
	return []any{name, fmt.Sprintf("%s/%s", ref.Kind, ref.Name), age,
		strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", ")}
}
