// Package admission holds kubesim's admission plugins: the checks and
// mutations kube-apiserver runs on every write, whoever writes, between
// decoding a request and storing its object. Each plugin implements
// k8s.io/apiserver's admission interfaces, so upstream's own plugins
// (webhooks, ValidatingAdmissionPolicy) can join the same chain.
//
// ServiceAccount (serviceaccount.go) gives pods their service account
// and its token volume; PodSecurity (podsecurity.go) wraps upstream's Pod
// Security Admission library.
//
// Start with Chain, which lists the built-in plugins in kube-apiserver's
// order, and NewChain, which adds the dynamic ones of package webhook
// (admission webhooks, ValidatingAdmissionPolicy) at their places.
package admission
