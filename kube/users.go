package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/client-go/kubernetes"
	restclient "k8s.io/client-go/rest"

	"github.com/kubesim/kubesim/kube/auth"
)

// UserConfig returns a client configuration that authenticates as u, with
// a bearer token, so that RBAC decides what its requests may do. The
// configurations RESTConfig returns run as the cluster admin.
func (cp *ControlPlane) UserConfig(u user.Info) (*restclient.Config, error) {
	token, err := cp.Tokens.Add(u)
	if err != nil {
		return nil, err
	}
	cfg := cp.RESTConfig()
	cfg.BearerToken = token
	return cfg, nil
}

// ServiceAccountConfig returns a client configuration that authenticates
// as a service account, as a pod using its token would.
func (cp *ControlPlane) ServiceAccountConfig(namespace, name string) (*restclient.Config, error) {
	return cp.UserConfig(auth.ServiceAccount(namespace, name))
}

// createBootstrapPolicy creates the default ClusterRoles and bindings.
func createBootstrapPolicy(client kubernetes.Interface) error {
	ctx := context.Background()
	roles, bindings := auth.Bootstrap()
	for _, r := range roles {
		if _, err := client.RbacV1().ClusterRoles().Create(ctx, r, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create clusterrole %s: %w", r.Name, err)
		}
	}
	for _, b := range bindings {
		if _, err := client.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create clusterrolebinding %s: %w", b.Name, err)
		}
	}
	return nil
}
