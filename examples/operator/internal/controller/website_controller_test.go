package controller

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	webappv1 "github.com/kubesim/kubesim/examples/operator/api/v1"
	webhookv1 "github.com/kubesim/kubesim/examples/operator/internal/webhook/v1"
)

var _ = Describe("Website", func() {
	var ns string

	BeforeEach(func() {
		n := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "site-"}}
		Expect(k8sClient.Create(ctx, n)).To(Succeed())
		ns = n.Name
	})

	It("runs the site's pods and reports it Available", func() {
		site := &webappv1.Website{ObjectMeta: metav1.ObjectMeta{Name: "blog", Namespace: ns},
			Spec: webappv1.WebsiteSpec{Replicas: ptrTo(int32(3))}}
		Expect(k8sClient.Create(ctx, site)).To(Succeed())
		// The mutating webhook chose the image; the CRD defaulted the port.
		Expect(site.Spec.Image).To(Equal(webhookv1.DefaultImage))
		Expect(site.Spec.Port).To(Equal(int32(80)))

		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(site), site)).To(Succeed())
			g.Expect(meta.IsStatusConditionTrue(site.Status.Conditions, webappv1.ConditionAvailable)).To(BeTrue())
			g.Expect(site.Status.AvailableReplicas).To(Equal(int32(3)))
		}).Should(Succeed())

		var pods corev1.PodList
		Expect(k8sClient.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabels{"app.kubernetes.io/instance": "blog"})).To(Succeed())
		Expect(pods.Items).To(HaveLen(3))
		for _, p := range pods.Items {
			Expect(p.Status.Phase).To(Equal(corev1.PodRunning))
			Expect(p.Spec.NodeName).NotTo(BeEmpty())
		}
		var svc corev1.Service
		Expect(k8sClient.Get(ctx, types.NamespacedName{Namespace: ns, Name: "blog"}, &svc)).To(Succeed())
		Expect(svc.Spec.ClusterIP).NotTo(BeEmpty())
	})

	It("leaves nothing behind when the Website is deleted", func() {
		site := &webappv1.Website{ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns}, Spec: webappv1.WebsiteSpec{Image: "nginx:1.27"}}
		Expect(k8sClient.Create(ctx, site)).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(ctx, types.NamespacedName{Namespace: ns, Name: "shop"}, &appsv1.Deployment{})
		}).Should(Succeed())

		Expect(k8sClient.Delete(ctx, site)).To(Succeed())
		Eventually(func(g Gomega) {
			err := k8sClient.Get(ctx, types.NamespacedName{Namespace: ns, Name: "shop"}, &appsv1.Deployment{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
			err = k8sClient.Get(ctx, types.NamespacedName{Namespace: ns, Name: "shop"}, &corev1.Service{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
			var pods corev1.PodList
			g.Expect(k8sClient.List(ctx, &pods, client.InNamespace(ns))).To(Succeed())
			g.Expect(pods.Items).To(BeEmpty())
		}).Should(Succeed())
	})

	It("rejects an image without a tag", func() {
		site := &webappv1.Website{ObjectMeta: metav1.ObjectMeta{Name: "bad", Namespace: ns}, Spec: webappv1.WebsiteSpec{Image: "nginx"}}
		err := k8sClient.Create(ctx, site)
		Expect(apierrors.IsInvalid(err) || apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring(`admission webhook "vwebsite.webapp.example.com" denied the request`))
		Expect(err.Error()).To(ContainSubstring("spec.image: Invalid value: \"nginx\": must name a tag or digest"))
	})

	It("holds its leader election Lease", func() {
		Eventually(func(g Gomega) {
			var lease coordinationv1.Lease
			g.Expect(k8sClient.Get(ctx, types.NamespacedName{Namespace: "website-system", Name: "website-operator"}, &lease)).To(Succeed())
			g.Expect(lease.Spec.HolderIdentity).NotTo(BeNil())
			g.Expect(*lease.Spec.HolderIdentity).NotTo(BeEmpty())
		}).Should(Succeed())
	})

	It("gives the operator's service account what it needs and nothing more", func() {
		user, err := testEnv.AddUser(operator, cfg)
		Expect(err).NotTo(HaveOccurred())
		cs, err := kubernetes.NewForConfig(user.Config())
		Expect(err).NotTo(HaveOccurred())
		_, err = cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "list secrets: %v", err)
		err = cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "delete namespace: %v", err)
	})
})

func ptrTo[T any](v T) *T { return &v }
