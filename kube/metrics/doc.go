// Package metrics serves the resource metrics API, metrics.k8s.io/v1beta1
// (NodeMetrics and PodMetrics), as metrics-server does in a real cluster:
// it scrapes each kubelet's GET /stats/summary and turns the CPU and
// memory working set it reports into the objects that `kubectl top` and
// the HorizontalPodAutoscaler read.
//
// Start with Scraper, which reaches the kubelets through the transport the
// control plane is given (kube.Options.Kubelets, the same way pods/log
// goes) and keeps each node's summary for Resolution of virtual time, as
// metrics-server serves its last scrape; then NodeREST and PodREST, the
// REST storage that kube/registry serves. The objects carry the scrape
// time as their timestamp and Resolution as their window.
package metrics
