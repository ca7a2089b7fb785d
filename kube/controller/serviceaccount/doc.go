// Package serviceaccount holds two controllers of kube-controller-manager
// that give every namespace what its pods need to reach the API server:
//
//   - "serviceaccount" (serviceaccounts.go) makes the ServiceAccount
//     "default" in every active namespace, and makes it again when it is
//     deleted. The ServiceAccount admission plugin calls EnsureDefault
//     when a pod arrives before the controller has caught up, where
//     upstream's plugin waits and retries for it.
//   - "root-ca-cert-publisher" (rootca.go) keeps ConfigMap
//     kube-root-ca.crt, holding the cluster CA under ca.crt, in every
//     namespace; the token volume the admission plugin adds to pods
//     projects it.
package serviceaccount
