package testkit

import (
	"errors"
	"fmt"

	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// UserConfig returns a client configuration that acts as the named user in
// groups, subject to RBAC: test what an identity may do by binding roles
// to it. Config's configurations act as the cluster admin.
func (e *Env) UserConfig(name string, groups ...string) *rest.Config {
	e.t.Helper()
	cfg, err := e.cluster.ControlPlane.UserConfig(&user.DefaultInfo{Name: name, Groups: groups})
	if err != nil {
		e.t.Fatalf("testkit: %v", err)
	}
	return cfg
}

// ServiceAccountConfig returns a client configuration that acts as a
// service account (system:serviceaccount:namespace:name), as an operator
// deployed with that account would.
func (e *Env) ServiceAccountConfig(namespace, name string) *rest.Config {
	e.t.Helper()
	cfg, err := e.cluster.ControlPlane.ServiceAccountConfig(namespace, name)
	if err != nil {
		e.t.Fatalf("testkit: %v", err)
	}
	return cfg
}

// User is an identity to add to an Environment, as envtest's.
type User struct {
	Name   string
	Groups []string
}

// AuthenticatedUser is a user added with Environment.AddUser.
type AuthenticatedUser struct {
	User
	cfg      *rest.Config
	loopback func() (*rest.Config, error)
}

// Config returns a client configuration that acts as the user.
func (u *AuthenticatedUser) Config() *rest.Config { return rest.CopyConfig(u.cfg) }

// KubeConfig returns a kubeconfig that acts as the user, for kubectl; it
// points at the Environment's loopback listener.
func (u *AuthenticatedUser) KubeConfig() ([]byte, error) {
	server, err := u.loopback()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig for %s: %w", u.Name, err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubesim"] = &clientcmdapi.Cluster{Server: server.Host, CertificateAuthorityData: server.CAData}
	cfg.AuthInfos[u.Name] = &clientcmdapi.AuthInfo{Token: u.cfg.BearerToken}
	cfg.Contexts["kubesim"] = &clientcmdapi.Context{Cluster: "kubesim", AuthInfo: u.Name, Namespace: "default"}
	cfg.CurrentContext = "kubesim"
	return clientcmd.Write(*cfg)
}

// AddUser gives the simulated cluster a user, as envtest's AddUser: the
// returned user's Config carries a bearer token for it and is otherwise a
// copy of baseConfig (nil: the Environment's Config). RBAC decides what
// the user may do. Against an existing cluster kubesim cannot mint
// credentials, and AddUser fails.
func (e *Environment) AddUser(u User, baseConfig *rest.Config) (*AuthenticatedUser, error) {
	if e.cluster == nil {
		return nil, errors.New("add user: only a simulated cluster can add users")
	}
	minted, err := e.cluster.ControlPlane.UserConfig(&user.DefaultInfo{Name: u.Name, Groups: u.Groups})
	if err != nil {
		return nil, fmt.Errorf("add user %s: %w", u.Name, err)
	}
	if baseConfig == nil {
		baseConfig = e.Config
	}
	cfg := rest.CopyConfig(baseConfig)
	cfg.BearerToken, cfg.BearerTokenFile = minted.BearerToken, ""
	cfg.Username, cfg.Password = "", ""
	cfg.CertData, cfg.KeyData, cfg.CertFile, cfg.KeyFile = nil, nil, "", ""
	cfg.Impersonate = rest.ImpersonationConfig{}
	return &AuthenticatedUser{User: u, cfg: cfg, loopback: e.cluster.LoopbackConfig}, nil
}
