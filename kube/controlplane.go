package kube

import (
	"context"
	"fmt"
	"net/http"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	tokenunion "k8s.io/apiserver/pkg/authentication/token/union"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/client-go/kubernetes"
	restclient "k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/clock"
	kubeadmission "github.com/kubesim/kubesim/kube/admission"
	"github.com/kubesim/kubesim/kube/admission/webhook"
	"github.com/kubesim/kubesim/kube/apiextensions"
	"github.com/kubesim/kubesim/kube/apiserver"
	"github.com/kubesim/kubesim/kube/auth"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/printers"
	"github.com/kubesim/kubesim/kube/registry"
	"github.com/kubesim/kubesim/kube/storage"
	"github.com/kubesim/kubesim/store"
)

// Options configure a ControlPlane. The zero value is usable.
type Options struct {
	// Clock is the virtual clock; nil starts one at the Unix epoch of
	// 2025-01-01T00:00:00Z.
	Clock *clock.Clock
	// Activity counts work in flight; nil makes a new one.
	Activity *clock.Activity
	// Admission runs on every write; nil uses kubesim's default chain:
	// Admission() followed by admission webhooks and
	// ValidatingAdmissionPolicy.
	Admission admission.Interface
	// Disable switches parts off by name: any of Controllers(). With all
	// of them off the control plane is a bare API server, as envtest's.
	Disable []string
	// Kubelets reaches the kubelets' HTTP API, by node name, for pods/log;
	// nil gives empty logs.
	Kubelets http.RoundTripper
	// SchedulerSeed seeds the scheduler's tie-breaking, so that a run is
	// repeatable; 0 means 1.
	SchedulerSeed uint64
	// CA is the cluster CA, which the root-ca-cert-publisher puts in
	// every namespace's kube-root-ca.crt; nil makes one.
	CA *auth.CA
}

// ControlPlane is one simulated cluster's control plane.
type ControlPlane struct {
	Clock    *clock.Clock
	Activity *clock.Activity
	Store    *store.Store
	Registry *registry.Registry
	Server   *apiserver.Server
	// Tokens holds the bearer tokens of the users and service accounts
	// handed out with UserConfig; their requests are authorized by RBAC.
	Tokens *auth.Tokens
	// ServiceAccountTokens issues and authenticates the tokens of the
	// TokenRequest API (serviceaccounts/token), which pods mount.
	ServiceAccountTokens *auth.ServiceAccountTokens
	// CA is the cluster CA (see Options.CA).
	CA *auth.CA

	customResources *apiextensions.Server
	// dynamicAdmission is the webhooks and policies of the default
	// admission chain; nil with Options.Admission.
	dynamicAdmission *webhook.Plugins
	// apiserverManager runs the API server's own controllers (those of
	// CustomResourceDefinitions), which no option switches off.
	apiserverManager *controller.Manager
	manager          *controller.Manager
	schedulerSeed    uint64
	// defaultAccounts turns the ServiceAccount admission plugin on once
	// the serviceaccount controller runs.
	defaultAccounts *kubeadmission.DefaultAccounts
}

// New starts a control plane with the namespaces every cluster has:
// default, kube-system, kube-public and kube-node-lease.
func New(opts Options) (*ControlPlane, error) {
	if opts.Clock == nil {
		opts.Clock = clock.New(DefaultStart)
	}
	if opts.Activity == nil {
		opts.Activity = &clock.Activity{}
	}
	st, err := store.New(opts.Clock)
	if err != nil {
		return nil, err
	}
	if opts.CA == nil {
		if opts.CA, err = auth.NewCA(); err != nil {
			return nil, err
		}
	}
	saTokens, err := auth.NewServiceAccountTokens(st, opts.Clock)
	if err != nil {
		return nil, err
	}
	reg, err := registry.New(registry.Config{
		Store: st, Clock: opts.Clock,
		Tables:   func(*registry.Resource) rest.TableConvertor { return printers.NewTableConvertor(opts.Clock) },
		Kubelets: opts.Kubelets, Authorizer: auth.RBAC{Store: st}, ServiceAccountTokens: saTokens,
		Leases: storage.NewLeases(st, opts.Clock),
	})
	if err != nil {
		return nil, err
	}
	admit := opts.Admission
	var dynamicAdmission *webhook.Plugins
	late := &lateHandler{}
	defaultAccounts := &kubeadmission.DefaultAccounts{}
	if admit == nil {
		if dynamicAdmission, admit, err = newAdmission(st, defaultAccounts, late); err != nil {
			return nil, err
		}
	}
	crs, err := apiextensions.New(apiextensions.Config{
		Store: st, Clock: opts.Clock, Admission: admit, Authorizer: apiserver.AllowAll{}, NotFound: apiserver.NotFound,
	})
	if err != nil {
		dynamicAdmission.Close()
		return nil, err
	}
	tokens := &auth.Tokens{}
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Admission: admit, Activity: opts.Activity, Custom: crs,
		Authenticator: bearertoken.New(tokenunion.New(tokens, saTokens)), Authorizer: auth.RBAC{Store: st}})
	if err != nil {
		dynamicAdmission.Close()
		return nil, err
	}
	late.set(srv)
	crs.PublishOpenAPI(srv.OpenAPI())
	cp := &ControlPlane{Clock: opts.Clock, Activity: opts.Activity, Store: st, Registry: reg, Server: srv, Tokens: tokens,
		ServiceAccountTokens: saTokens, CA: opts.CA,
		customResources: crs, dynamicAdmission: dynamicAdmission, schedulerSeed: opts.SchedulerSeed,
		defaultAccounts: defaultAccounts}
	if cp.schedulerSeed == 0 {
		cp.schedulerSeed = 1
	}
	if err := cp.startAPIServerControllers(); err != nil {
		cp.Close()
		return nil, err
	}
	if err := cp.createSystemObjects(); err != nil {
		cp.Close()
		return nil, err
	}
	disabled := map[string]bool{}
	for _, d := range opts.Disable {
		disabled[d] = true
	}
	if err := cp.startControllers(disabled); err != nil {
		cp.Close()
		return nil, err
	}
	return cp, nil
}

// Handler serves the Kubernetes API.
func (cp *ControlPlane) Handler() http.Handler { return cp.Server }

// RESTConfig returns a client configuration that reaches the API server
// in-process, with client-side rate limiting off (the clock is virtual;
// there is nothing to protect). Like a configuration loaded from a
// kubeconfig it leaves the content type to the client (JSON, unless the
// client asks for protobuf), since clients of custom resources, such as
// controller-runtime's, can only speak JSON; the control plane's own
// clients use protobuf.
func (cp *ControlPlane) RESTConfig() *restclient.Config {
	cfg := cp.ComponentConfig("")
	cfg.ContentConfig = restclient.ContentConfig{}
	return cfg
}

// ComponentConfig is the client configuration of a simulated component
// (a kubelet, a controller): in-process, speaking protobuf, with a user
// agent naming the component.
func (cp *ControlPlane) ComponentConfig(userAgent string) *restclient.Config {
	return &restclient.Config{
		UserAgent: userAgent,
		Host:      "http://kubesim.invalid",
		Transport: &apiserver.Transport{Handler: cp.Server},
		QPS:       -1,
		ContentConfig: restclient.ContentConfig{
			ContentType:        "application/vnd.kubernetes.protobuf",
			AcceptContentTypes: "application/vnd.kubernetes.protobuf,application/json",
		},
	}
}

func (cp *ControlPlane) createSystemObjects() error {
	client, err := kubernetes.NewForConfig(cp.RESTConfig())
	if err != nil {
		return err
	}
	for _, name := range []string{metav1.NamespaceDefault, metav1.NamespaceSystem, metav1.NamespacePublic, corev1.NamespaceNodeLease} {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		_, err := client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", name, err)
		}
	}
	if err := createBootstrapPolicy(client); err != nil {
		return err
	}
	if err := createKubernetesService(client); err != nil {
		return err
	}
	for _, pc := range kubeadmission.SystemPriorityClasses() {
		_, err := client.SchedulingV1().PriorityClasses().Create(context.Background(), pc, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create priority class %s: %w", pc.Name, err)
		}
	}
	return nil
}

// Close stops the controllers, ends every watch and stops the control
// plane's goroutines.
func (cp *ControlPlane) Close() {
	if cp.manager != nil {
		cp.manager.Stop()
	}
	if cp.apiserverManager != nil {
		cp.apiserverManager.Stop()
	}
	cp.customResources.Stop()
	cp.dynamicAdmission.Close()
	cp.Store.Close()
}

// startAPIServerControllers starts the controllers that are part of the
// API server: those that name, establish and finalize CRDs.
func (cp *ControlPlane) startAPIServerControllers() error {
	cfg := cp.ComponentConfig("kube-apiserver")
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := cp.customResources.Start(cfg); err != nil {
		return err
	}
	m := controller.NewManager("kube-apiserver", cp.Store, cp.Clock, cp.Activity, client)
	cp.customResources.Add(m)
	m.Start()
	cp.apiserverManager = m
	return nil
}

// createKubernetesService creates default/kubernetes, the service through
// which pods reach the API server, with the first address of the service
// range, as the API server's bootstrap controller does.
func createKubernetesService(client kubernetes.Interface) error {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: metav1.NamespaceDefault,
			Labels: map[string]string{"component": "apiserver", "provider": "kubernetes"}},
		Spec: corev1.ServiceSpec{
			ClusterIP: registry.KubernetesServiceIP.String(),
			Ports: []corev1.ServicePort{{Name: "https", Protocol: corev1.ProtocolTCP, Port: 443,
				TargetPort: intstr.FromInt32(6443)}},
			SessionAffinity: corev1.ServiceAffinityNone,
		},
	}
	_, err := client.CoreV1().Services(metav1.NamespaceDefault).Create(context.Background(), svc, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the kubernetes service: %w", err)
	}
	ep := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: metav1.NamespaceDefault,
			Labels: map[string]string{"endpointslice.kubernetes.io/skip-mirror": "true"}},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: "127.0.0.1"}},
			Ports:     []corev1.EndpointPort{{Name: "https", Port: 6443, Protocol: corev1.ProtocolTCP}},
		}},
	}
	_, err = client.CoreV1().Endpoints(metav1.NamespaceDefault).Create(context.Background(), ep, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the kubernetes endpoints: %w", err)
	}
	// The API server writes the slice too (upstream's EndpointsAdapter):
	// named after the Service, labelled only with its name, so that the
	// endpointslice controller leaves it alone.
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: metav1.NamespaceDefault,
			Labels: map[string]string{discoveryv1.LabelServiceName: "kubernetes"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"127.0.0.1"},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}}},
		Ports: []discoveryv1.EndpointPort{{Name: ptr.To("https"), Port: ptr.To[int32](6443), Protocol: ptr.To(corev1.ProtocolTCP)}},
	}
	_, err = client.DiscoveryV1().EndpointSlices(metav1.NamespaceDefault).Create(context.Background(), slice, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the kubernetes endpointslice: %w", err)
	}
	return nil
}
