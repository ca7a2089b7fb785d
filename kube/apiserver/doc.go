// Package apiserver serves kubesim's registry over the Kubernetes REST
// protocol, as an http.Handler.
//
// Start with New. Requests are routed by upstream's RequestInfoFactory and
// answered by upstream's endpoint handlers (k8s.io/apiserver/pkg/endpoints/
// handlers), so decoding, content negotiation (JSON, YAML, protobuf,
// tables, partial object metadata), patches of every type, server-side
// apply with managed fields, field validation, dry run and watch streams
// behave as kube-apiserver's do. What is kubesim's own is the routing, the
// discovery documents built from the registry, and the in-process transport
// (transport.go) that lets client-go talk to the handler without sockets.
package apiserver
