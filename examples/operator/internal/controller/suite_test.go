package controller

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	webappv1 "github.com/kubesim/kubesim/examples/operator/api/v1"
	webhookv1 "github.com/kubesim/kubesim/examples/operator/internal/webhook/v1"
	"github.com/kubesim/kubesim/testkit"
)

// The suite in kubebuilder's layout. The only change from an envtest
// suite is the import of testkit for envtest, and the Cluster field that
// turns on the simulated cluster, so pods really run.

var (
	ctx       context.Context
	cancel    context.CancelFunc
	testEnv   *testkit.Environment
	cfg       *rest.Config
	k8sClient client.Client
	// operator is the operator's own identity: its service account.
	operator = testkit.ServiceAccount("website-system", "website-controller-manager")
)

func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	// As kubebuilder's generated tests do, wait up to ten (wall) seconds:
	// ten minutes of cluster life at the Rate below.
	SetDefaultEventuallyTimeout(10 * time.Second)
	RunSpecs(t, "Website Controller Suite")
}

var _ = BeforeSuite(func() {
	ctx, cancel = context.WithCancel(context.Background())
	Expect(webappv1.AddToScheme(scheme.Scheme)).To(Succeed())

	testEnv = &testkit.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd")},
		ErrorIfCRDPathMissing: true,
		WebhookInstallOptions: testkit.WebhookInstallOptions{Paths: []string{filepath.Join("..", "..", "config", "webhook")}},
		// Two simulated nodes; a virtual minute passes every wall second,
		// so Eventually's wall-clock timeouts cover minutes of cluster life.
		Cluster: &testkit.ClusterOptions{Nodes: 2, Rate: 60},
	}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme.Scheme})
	Expect(err).NotTo(HaveOccurred())

	// Install the operator's RBAC and run its manager as its service
	// account, so the suite proves the generated role is enough.
	Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "website-system"}})).To(Succeed())
	Expect(testkit.Apply(ctx, cfg, filepath.Join("..", "..", "config", "rbac"))).To(Succeed())
	operatorUser, err := testEnv.AddUser(operator, cfg)
	Expect(err).NotTo(HaveOccurred())

	hooks := &testEnv.WebhookInstallOptions
	mgr, err := ctrl.NewManager(operatorUser.Config(), ctrl.Options{
		Scheme:  scheme.Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		// As deployed: only the leader reconciles, holding a Lease.
		LeaderElection:          true,
		LeaderElectionID:        "website-operator",
		LeaderElectionNamespace: "website-system",
		WebhookServer: webhook.NewServer(webhook.Options{
			Host: hooks.LocalServingHost, Port: hooks.LocalServingPort, CertDir: hooks.LocalServingCertDir,
		}),
	})
	Expect(err).NotTo(HaveOccurred())
	Expect((&WebsiteReconciler{Client: mgr.GetClient()}).SetupWithManager(mgr)).To(Succeed())
	Expect(webhookv1.SetupWebsiteWebhookWithManager(mgr)).To(Succeed())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	// The webhook server must be up before the first Website is created.
	Eventually(func() error { return mgr.GetWebhookServer().StartedChecker()(nil) }).Should(Succeed())
})

var _ = AfterSuite(func() {
	cancel()
	Expect(testEnv.Stop()).To(Succeed())
})
