package testkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apiextensionshelpers "k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/fakenode"
)

// Environment has the shape of controller-runtime's envtest.Environment, so
// that a kubebuilder suite moves to kubesim by changing one import:
//
//	testEnv = &testkit.Environment{CRDDirectoryPaths: []string{"../config/crd/bases"}}
//	cfg, err := testEnv.Start()
//	...
//	err = testEnv.Stop()
//
// By default it is what envtest gives: an API server and nothing else, so
// suites that create Jobs and set their status themselves pass unchanged.
// Set Cluster to run the whole simulated cluster: controllers, scheduler
// and nodes whose pods actually run.
type Environment struct {
	// Scheme is the scheme CRDs are decoded with; nil is client-go's.
	Scheme *runtime.Scheme
	// Config is set by Start: the *rest.Config to reach the API server.
	Config *rest.Config
	// KubeConfig is set by Start: a kubeconfig for kubectl, pointing at a
	// loopback HTTPS listener.
	KubeConfig []byte

	// CRDInstallOptions, CRDs and CRDDirectoryPaths say which
	// CustomResourceDefinitions to install at start, as in envtest.
	CRDInstallOptions CRDInstallOptions
	CRDs              []*apiextensionsv1.CustomResourceDefinition
	CRDDirectoryPaths []string
	// ErrorIfCRDPathMissing makes Start fail when a CRD path does not
	// exist.
	ErrorIfCRDPathMissing bool
	// WebhookInstallOptions installs admission webhooks served by the
	// test process, as in envtest.
	WebhookInstallOptions WebhookInstallOptions

	// UseExistingCluster runs against the cluster of $KUBECONFIG (or
	// in-cluster config) instead of a simulation: how a suite graduates
	// to a real cluster.
	UseExistingCluster *bool

	// Cluster, when set, runs the simulated cluster, not only the API
	// server.
	Cluster *ClusterOptions

	// Accepted for compatibility with envtest, and ignored: kubesim
	// starts no binaries and needs no assets.
	BinaryAssetsDirectory        string
	DownloadBinaryAssets         bool
	DownloadBinaryAssetsVersion  string
	DownloadBinaryAssetsIndexURL string
	ControlPlaneStartTimeout     time.Duration
	ControlPlaneStopTimeout      time.Duration
	AttachControlPlaneOutput     bool

	cluster   *cluster.Cluster
	stopClock func() error
	dir       string
}

// CRDInstallOptions are envtest's options for installing CRDs.
type CRDInstallOptions struct {
	Scheme             *runtime.Scheme
	Paths              []string
	CRDs               []*apiextensionsv1.CustomResourceDefinition
	ErrorIfPathMissing bool
	// MaxTime and PollInterval bound the wait for the CRDs to be served
	// by an existing cluster (defaults 10 s and 100 ms, as envtest's). A
	// simulated cluster settles instead: no wall time passes.
	MaxTime         time.Duration
	PollInterval    time.Duration
	CleanUpAfterUse bool
}

// ClusterOptions turn on the simulated cluster in an Environment.
type ClusterOptions struct {
	// Nodes is how many default-sized nodes to start; NodeSpecs adds
	// nodes as described.
	Nodes     int
	NodeSpecs []fakenode.NodeSpec
	Behaviors []fakenode.Behavior
	// Disable switches controllers off by name.
	Disable []string
	// Start is where virtual time starts.
	Start time.Time
	// Rate, when positive, makes virtual time pass on its own at Rate
	// times wall time (60: a minute per second), for suites that wait
	// with Gomega's Eventually in wall time while their own manager runs.
	// Zero leaves the clock to the suite (SimulatedCluster().Advance).
	Rate float64
}

// Start starts the API server (or connects to an existing cluster),
// installs the CRDs and returns a client configuration.
func (e *Environment) Start() (*rest.Config, error) {
	if e.UseExistingCluster != nil && *e.UseExistingCluster {
		cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			clientcmd.NewDefaultClientConfigLoadingRules(), &clientcmd.ConfigOverrides{}).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("use existing cluster: %w", err)
		}
		e.Config = cfg
	} else if err := e.startSimulation(); err != nil {
		return nil, err
	}
	if err := e.installCRDs(); err != nil {
		_ = e.Stop()
		return nil, err
	}
	if err := e.WebhookInstallOptions.install(e.Config); err != nil {
		_ = e.Stop()
		return nil, err
	}
	return e.Config, nil
}

func (e *Environment) startSimulation() error {
	cfg := cluster.Config{Bare: e.Cluster == nil}
	if o := e.Cluster; o != nil {
		for i := 0; i < o.Nodes; i++ {
			cfg.Nodes = append(cfg.Nodes, fakenode.NodeSpec{Name: fmt.Sprintf("node-%d", i+1)})
		}
		cfg.Nodes = append(cfg.Nodes, o.NodeSpecs...)
		cfg.Behaviors, cfg.Disable, cfg.Start = o.Behaviors, o.Disable, o.Start
	}
	c, err := cluster.New(cfg)
	if err != nil {
		return err
	}
	e.cluster = c
	if o := e.Cluster; o != nil && o.Rate > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx, o.Rate) }()
		e.stopClock = func() error { cancel(); return <-done }
	}
	e.Config = c.RESTConfig()
	dir, err := os.MkdirTemp("", "kubesim-env-")
	if err != nil {
		return err
	}
	e.dir = dir
	path := filepath.Join(dir, "kubeconfig")
	if err := c.WriteKubeconfig(path); err != nil {
		return err
	}
	e.KubeConfig, err = os.ReadFile(path)
	return err
}

// SimulatedCluster returns the simulated cluster, or nil against an
// existing one.
func (e *Environment) SimulatedCluster() *cluster.Cluster { return e.cluster }

// Stop stops the simulated cluster; against an existing cluster it only
// removes the CRDs installed with CleanUpAfterUse.
func (e *Environment) Stop() error {
	var errs []error
	if e.CRDInstallOptions.CleanUpAfterUse && e.Config != nil {
		errs = append(errs, e.uninstallCRDs())
	}
	if e.stopClock != nil {
		errs = append(errs, e.stopClock())
		e.stopClock = nil
	}
	if e.cluster != nil {
		errs = append(errs, e.cluster.Close())
		e.cluster = nil
	}
	errs = append(errs, e.WebhookInstallOptions.cleanup())
	if e.dir != "" {
		errs = append(errs, os.RemoveAll(e.dir))
		e.dir = ""
	}
	return errors.Join(errs...)
}

// crds gathers the CRDs from the options, the fields and the files.
func (e *Environment) crds() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	out := append(append([]*apiextensionsv1.CustomResourceDefinition{}, e.CRDs...), e.CRDInstallOptions.CRDs...)
	paths := append(append([]string{}, e.CRDDirectoryPaths...), e.CRDInstallOptions.Paths...)
	missingIsError := e.ErrorIfCRDPathMissing || e.CRDInstallOptions.ErrorIfPathMissing
	for _, p := range paths {
		found, err := readCRDs(p, missingIsError)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

func (e *Environment) installCRDs() error {
	crds, err := e.crds()
	if err != nil || len(crds) == 0 {
		return err
	}
	client, err := apiextensionsclient.NewForConfig(e.Config)
	if err != nil {
		return err
	}
	ctx := context.Background()
	for _, crd := range crds {
		crd = crd.DeepCopy()
		crd.ResourceVersion = ""
		_, err := client.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, crd, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			var existing *apiextensionsv1.CustomResourceDefinition
			existing, err = client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.Name, metav1.GetOptions{})
			if err == nil {
				crd.ResourceVersion = existing.ResourceVersion
				_, err = client.ApiextensionsV1().CustomResourceDefinitions().Update(ctx, crd, metav1.UpdateOptions{})
			}
		}
		if err != nil {
			return fmt.Errorf("install CRD %s: %w", crd.Name, err)
		}
	}
	return e.waitForCRDs(ctx, client, crds)
}

// waitForCRDs returns once every CRD is Established, so that the suite's
// first request for a custom resource is served, as envtest does.
func (e *Environment) waitForCRDs(ctx context.Context, client apiextensionsclient.Interface, crds []*apiextensionsv1.CustomResourceDefinition) error {
	established := func(ctx context.Context) (bool, error) {
		for _, crd := range crds {
			got, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.Name, metav1.GetOptions{})
			if err != nil {
				return false, fmt.Errorf("wait for CRD %s: %w", crd.Name, err)
			}
			if !apiextensionshelpers.IsCRDConditionTrue(got, apiextensionsv1.Established) {
				return false, nil
			}
		}
		return true, nil
	}
	if e.cluster != nil {
		if err := e.cluster.Settle(ctx); err != nil {
			return fmt.Errorf("wait for CRDs: %w", err)
		}
		ok, err := established(ctx)
		if err == nil && !ok {
			err = errors.New("wait for CRDs: not established after the cluster settled")
		}
		return err
	}
	maxTime, interval := e.CRDInstallOptions.MaxTime, e.CRDInstallOptions.PollInterval
	if maxTime == 0 {
		maxTime = 10 * time.Second
	}
	if interval == 0 {
		interval = 100 * time.Millisecond
	}
	// A real cluster: its time is wall time.
	return wait.PollUntilContextTimeout(ctx, interval, maxTime, true, established)
}

func (e *Environment) uninstallCRDs() error {
	crds, err := e.crds()
	if err != nil || len(crds) == 0 {
		return err
	}
	client, err := apiextensionsclient.NewForConfig(e.Config)
	if err != nil {
		return err
	}
	for _, crd := range crds {
		err := client.ApiextensionsV1().CustomResourceDefinitions().Delete(context.Background(), crd.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// installCodecs decode what an Environment installs from files.
var installCodecs = func() serializer.CodecFactory {
	s := runtime.NewScheme()
	_ = apiextensionsv1.AddToScheme(s)
	_ = admissionregistrationv1.AddToScheme(s)
	return serializer.NewCodecFactory(s)
}()

// readCRDs reads the CRDs in a file or in the YAML and JSON files of a
// directory, skipping other kinds as envtest does.
func readCRDs(path string, missingIsError bool) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	objs, err := readManifests(path, missingIsError)
	if err != nil {
		return nil, fmt.Errorf("read CRDs: %w", err)
	}
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, obj := range objs {
		if crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition); ok {
			out = append(out, crd)
		}
	}
	return out, nil
}

// readManifests decodes the CRDs and webhook configurations in a file or
// in the YAML and JSON files of a directory. Other documents are skipped,
// as envtest skips them.
func readManifests(path string, missingIsError bool) ([]runtime.Object, error) {
	if _, err := os.Stat(path); os.IsNotExist(err) && !missingIsError {
		return nil, nil
	}
	docs, err := cluster.Documents(path)
	if err != nil {
		return nil, err
	}
	var out []runtime.Object
	for _, doc := range docs {
		if obj, _, err := installCodecs.UniversalDeserializer().Decode(doc, nil, nil); err == nil {
			out = append(out, obj)
		}
	}
	return out, nil
}
