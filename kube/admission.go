package kube

import (
	"net/http"
	"sync/atomic"

	"k8s.io/apiserver/pkg/admission"
	restclient "k8s.io/client-go/rest"

	kubeadmission "github.com/kubesim/kubesim/kube/admission"
	"github.com/kubesim/kubesim/kube/admission/webhook"
	"github.com/kubesim/kubesim/kube/apiserver"
	"github.com/kubesim/kubesim/kube/auth"
	"github.com/kubesim/kubesim/store"
)

// Admission returns kubesim's built-in admission plugins for a store,
// without the webhooks and policies, which need a running API server: a
// ControlPlane whose Options.Admission is nil has those too.
func Admission(st *store.Store) admission.Interface { return kubeadmission.Chain(st) }

// newAdmission returns the default admission chain: the built-in plugins,
// admission webhooks and ValidatingAdmissionPolicy. The dynamic plugins
// reach the API server through server, which is set once the server
// exists; they call it only while admitting requests to it.
// The ServiceAccount plugin is on once sa holds the serviceaccount
// controller.
func newAdmission(st *store.Store, sa *kubeadmission.DefaultAccounts, server *lateHandler) (*webhook.Plugins, admission.Interface, error) {
	config := &restclient.Config{
		UserAgent: "kube-apiserver-admission",
		Host:      "http://kubesim.invalid",
		Transport: &apiserver.Transport{Handler: server},
		QPS:       -1,
	}
	dynamic, err := webhook.New(webhook.Config{Store: st, RESTConfig: config, Authorizer: auth.RBAC{Store: st}})
	if err != nil {
		return nil, nil, err
	}
	chain, err := kubeadmission.NewChain(st, sa, dynamic)
	if err != nil {
		dynamic.Close()
		return nil, nil, err
	}
	return dynamic, chain, nil
}

// lateHandler serves with a handler set after it was handed out: the
// admission chain needs a client of the API server that it is part of.
type lateHandler struct{ h atomic.Pointer[http.Handler] }

func (l *lateHandler) set(h http.Handler) { l.h.Store(&h) }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := l.h.Load()
	if h == nil {
		http.Error(w, "the API server is starting", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}
