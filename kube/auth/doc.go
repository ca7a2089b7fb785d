// Package auth decides who a request comes from and what it may do, as
// kube-apiserver's token authentication and RBAC authorizer do.
//
// Start with Tokens, which maps bearer tokens to identities (it is how an
// environment hands out a client configuration for a user or a service
// account), and RBAC, the authorizer that evaluates Roles, ClusterRoles
// and their bindings straight from the store. Bootstrap lists the
// ClusterRoles and bindings every cluster starts with (cluster-admin,
// admin/edit/view, discovery). Requests without credentials run as the
// cluster admin, so in-process clients need no set-up.
//
// ServiceAccountTokens (serviceaccounts.go) issues the signed tokens of
// the TokenRequest API, which the kubelet mounts into pods and
// `kubectl create token` prints, and authenticates them on the virtual
// clock; CA is the cluster CA published in every namespace's
// kube-root-ca.crt.
package auth
