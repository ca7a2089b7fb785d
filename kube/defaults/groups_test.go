package defaults

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestDefaultAutoscaling(t *testing.T) {
	ref := autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}
	cpu80 := []autoscalingv2.MetricSpec{{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{
			Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](80),
		}},
	}}
	memory := []autoscalingv2.MetricSpec{{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{
			Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(q("100Mi")),
		}},
	}}
	max := ptr.To(autoscalingv2.MaxChangePolicySelect)
	v1ref := autoscalingv1.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}
	runCases(t, []defaultCase{
		{
			name: "v2 minimal",
			in:   &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: ref, MaxReplicas: 5}},
			want: &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: ref, MaxReplicas: 5, MinReplicas: ptr.To[int32](1), Metrics: cpu80,
			}},
		},
		{
			name: "v2 keeps metrics; an empty behavior is filled in",
			in: &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: ref, MaxReplicas: 5, MinReplicas: ptr.To[int32](2), Metrics: memory,
				Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{},
			}},
			want: &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: ref, MaxReplicas: 5, MinReplicas: ptr.To[int32](2), Metrics: memory,
				Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
					ScaleUp: &autoscalingv2.HPAScalingRules{
						StabilizationWindowSeconds: ptr.To[int32](0),
						SelectPolicy:               max,
						Policies: []autoscalingv2.HPAScalingPolicy{
							{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
							{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
						},
					},
					ScaleDown: &autoscalingv2.HPAScalingRules{
						SelectPolicy: max,
						Policies:     []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15}},
					},
				},
			}},
		},
		{
			name: "v2 partial behavior keeps what is set",
			in: &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: ref, MaxReplicas: 5,
				Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{
					StabilizationWindowSeconds: ptr.To[int32](60), Tolerance: ptr.To(q("50m")),
				}},
			}},
			want: &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: ref, MaxReplicas: 5, MinReplicas: ptr.To[int32](1), Metrics: cpu80,
				Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
					ScaleUp: &autoscalingv2.HPAScalingRules{
						StabilizationWindowSeconds: ptr.To[int32](0),
						SelectPolicy:               max,
						Policies: []autoscalingv2.HPAScalingPolicy{
							{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
							{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
						},
					},
					ScaleDown: &autoscalingv2.HPAScalingRules{
						StabilizationWindowSeconds: ptr.To[int32](60),
						SelectPolicy:               max,
						Policies:                   []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15}},
						Tolerance:                  ptr.To(q("50m")),
					},
				},
			}},
		},
		{
			name: "v1 minimal reads back with the CPU target",
			in:   &autoscalingv1.HorizontalPodAutoscaler{Spec: autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: v1ref, MaxReplicas: 3}},
			want: &autoscalingv1.HorizontalPodAutoscaler{Spec: autoscalingv1.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: v1ref, MaxReplicas: 3, MinReplicas: ptr.To[int32](1), TargetCPUUtilizationPercentage: ptr.To[int32](80),
			}},
		},
		{
			name: "v1 with other metrics gets no CPU target",
			in: &autoscalingv1.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{metricSpecsAnnotation: `[{"type":"Pods"}]`}},
				Spec:       autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: v1ref, MaxReplicas: 3, MinReplicas: ptr.To[int32](2)},
			},
			want: &autoscalingv1.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{metricSpecsAnnotation: `[{"type":"Pods"}]`}},
				Spec:       autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: v1ref, MaxReplicas: 3, MinReplicas: ptr.To[int32](2)},
			},
		},
	})
}

func TestDefaultNetworkingRBACScheduling(t *testing.T) {
	tcp, udp := ptr.To(corev1.ProtocolTCP), ptr.To(corev1.ProtocolUDP)
	port := ptr.To(intstr.FromInt32(80))
	runCases(t, []defaultCase{
		{
			name: "NetworkPolicy without egress isolates ingress",
			in: &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{
				Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port}, {Protocol: udp}}}},
			}},
			want: &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{
				Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port, Protocol: tcp}, {Protocol: udp}}}},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			}},
		},
		{
			name: "NetworkPolicy with egress isolates both",
			in: &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{
				Egress: []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port}}}},
			}},
			want: &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{
				Egress:      []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port, Protocol: tcp}}}},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			}},
		},
		{
			name: "NetworkPolicy keeps its types",
			in:   &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}}},
			want: &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}}},
		},
		{
			name: "IngressClass parameters are cluster-scoped",
			in: &networkingv1.IngressClass{Spec: networkingv1.IngressClassSpec{Controller: "example.com/ingress",
				Parameters: &networkingv1.IngressClassParametersReference{Kind: "Params", Name: "p"}}},
			want: &networkingv1.IngressClass{Spec: networkingv1.IngressClassSpec{Controller: "example.com/ingress",
				Parameters: &networkingv1.IngressClassParametersReference{Kind: "Params", Name: "p", Scope: ptr.To("Cluster")}}},
		},
		{
			name: "Ingress has no defaults",
			in:   &networkingv1.Ingress{Spec: networkingv1.IngressSpec{IngressClassName: ptr.To("nginx")}},
			want: &networkingv1.Ingress{Spec: networkingv1.IngressSpec{IngressClassName: ptr.To("nginx")}},
		},
		{
			name: "RoleBinding",
			in: &rbacv1.RoleBinding{
				RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "r"},
				Subjects: []rbacv1.Subject{
					{Kind: rbacv1.UserKind, Name: "alice"}, {Kind: rbacv1.GroupKind, Name: "devs"},
					{Kind: rbacv1.ServiceAccountKind, Name: "sa", Namespace: "ns"},
				},
			},
			want: &rbacv1.RoleBinding{
				RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "r"},
				Subjects: []rbacv1.Subject{
					{Kind: rbacv1.UserKind, Name: "alice", APIGroup: "rbac.authorization.k8s.io"},
					{Kind: rbacv1.GroupKind, Name: "devs", APIGroup: "rbac.authorization.k8s.io"},
					{Kind: rbacv1.ServiceAccountKind, Name: "sa", Namespace: "ns"},
				},
			},
		},
		{
			name: "ClusterRoleBinding",
			in:   &rbacv1.ClusterRoleBinding{RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"}, Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: "bob"}}},
			want: &rbacv1.ClusterRoleBinding{
				RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"},
				Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: "bob", APIGroup: "rbac.authorization.k8s.io"}},
			},
		},
		{
			name: "PriorityClass",
			in:   &schedulingv1.PriorityClass{Value: 1000},
			want: &schedulingv1.PriorityClass{Value: 1000, PreemptionPolicy: ptr.To(corev1.PreemptLowerPriority)},
		},
		{
			name: "PriorityClass that never preempts",
			in:   &schedulingv1.PriorityClass{Value: 1000, PreemptionPolicy: ptr.To(corev1.PreemptNever)},
			want: &schedulingv1.PriorityClass{Value: 1000, PreemptionPolicy: ptr.To(corev1.PreemptNever)},
		},
		{
			name: "PodDisruptionBudget has no defaults",
			in:   &policyv1.PodDisruptionBudget{Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: port}},
			want: &policyv1.PodDisruptionBudget{Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: port}},
		},
		{
			name: "Lease has no defaults",
			in:   &coordinationv1.Lease{Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("n")}},
			want: &coordinationv1.Lease{Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("n")}},
		},
	})
}

func TestDefaultStorageDiscoveryCertificates(t *testing.T) {
	runCases(t, []defaultCase{
		{
			name: "StorageClass",
			in:   &storagev1.StorageClass{Provisioner: "example.com/disk"},
			want: &storagev1.StorageClass{
				Provisioner:       "example.com/disk",
				ReclaimPolicy:     ptr.To(corev1.PersistentVolumeReclaimDelete),
				VolumeBindingMode: ptr.To(storagev1.VolumeBindingImmediate),
			},
		},
		{
			name: "CSIDriver",
			in:   &storagev1.CSIDriver{Spec: storagev1.CSIDriverSpec{PodInfoOnMount: ptr.To(true)}},
			want: &storagev1.CSIDriver{Spec: storagev1.CSIDriverSpec{
				AttachRequired:       ptr.To(true),
				PodInfoOnMount:       ptr.To(true),
				StorageCapacity:      ptr.To(false),
				FSGroupPolicy:        ptr.To(storagev1.ReadWriteOnceWithFSTypeFSGroupPolicy),
				VolumeLifecycleModes: []storagev1.VolumeLifecycleMode{storagev1.VolumeLifecyclePersistent},
				RequiresRepublish:    ptr.To(false),
				SELinuxMount:         ptr.To(false),
			}},
		},
		{
			name: "VolumeAttachment inline volume",
			in: &storagev1.VolumeAttachment{Spec: storagev1.VolumeAttachmentSpec{Attacher: "a", NodeName: "n",
				Source: storagev1.VolumeAttachmentSource{InlineVolumeSpec: &corev1.PersistentVolumeSpec{
					Capacity:               corev1.ResourceList{corev1.ResourceStorage: q("1.0001")},
					PersistentVolumeSource: corev1.PersistentVolumeSource{ISCSI: &corev1.ISCSIPersistentVolumeSource{}},
				}}}},
			want: &storagev1.VolumeAttachment{Spec: storagev1.VolumeAttachmentSpec{Attacher: "a", NodeName: "n",
				Source: storagev1.VolumeAttachmentSource{InlineVolumeSpec: &corev1.PersistentVolumeSpec{
					Capacity:               corev1.ResourceList{corev1.ResourceStorage: q("1001m")},
					PersistentVolumeSource: corev1.PersistentVolumeSource{ISCSI: &corev1.ISCSIPersistentVolumeSource{ISCSIInterface: "default"}},
				}}}},
		},
		{
			name: "EndpointSlice ports",
			in: &discoveryv1.EndpointSlice{AddressType: discoveryv1.AddressTypeIPv4, Ports: []discoveryv1.EndpointPort{
				{Port: ptr.To[int32](80)}, {Name: ptr.To("dns"), Protocol: ptr.To(corev1.ProtocolUDP), Port: ptr.To[int32](53)},
			}},
			want: &discoveryv1.EndpointSlice{AddressType: discoveryv1.AddressTypeIPv4, Ports: []discoveryv1.EndpointPort{
				{Name: ptr.To(""), Protocol: ptr.To(corev1.ProtocolTCP), Port: ptr.To[int32](80)},
				{Name: ptr.To("dns"), Protocol: ptr.To(corev1.ProtocolUDP), Port: ptr.To[int32](53)},
			}},
		},
		{
			name: "PodCertificateRequest",
			in:   &certificatesv1.PodCertificateRequest{Spec: certificatesv1.PodCertificateRequestSpec{SignerName: "example.com/s"}},
			want: &certificatesv1.PodCertificateRequest{Spec: certificatesv1.PodCertificateRequestSpec{SignerName: "example.com/s", MaxExpirationSeconds: ptr.To[int32](86400)}},
		},
		{
			name: "CustomResourceDefinition",
			in: &apiextensionsv1.CustomResourceDefinition{Spec: apiextensionsv1.CustomResourceDefinitionSpec{
				Group: "example.com", Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Kind: "Widget"},
				Scope:    apiextensionsv1.NamespaceScoped,
				Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true}},
			}},
			want: &apiextensionsv1.CustomResourceDefinition{
				Spec: apiextensionsv1.CustomResourceDefinitionSpec{
					Group:      "example.com",
					Names:      apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Kind: "Widget", Singular: "widget", ListKind: "WidgetList"},
					Scope:      apiextensionsv1.NamespaceScoped,
					Versions:   []apiextensionsv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true}},
					Conversion: &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.NoneConverter},
				},
				Status: apiextensionsv1.CustomResourceDefinitionStatus{StoredVersions: []string{"v1"}},
			},
		},
	})
}

func TestDefaultAdmissionRegistration(t *testing.T) {
	rule := admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}
	ruleAll := rule
	ruleAll.Scope = ptr.To(admissionregistrationv1.AllScopes)
	ops := []admissionregistrationv1.OperationType{admissionregistrationv1.Create}
	none := ptr.To(admissionregistrationv1.SideEffectClassNone)
	svc := func(port *int32) admissionregistrationv1.WebhookClientConfig {
		return admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Namespace: "ns", Name: "hook", Port: port}}
	}
	everything := &metav1.LabelSelector{}
	runCases(t, []defaultCase{
		{
			name: "ValidatingWebhookConfiguration",
			in: &admissionregistrationv1.ValidatingWebhookConfiguration{Webhooks: []admissionregistrationv1.ValidatingWebhook{{
				Name: "v.example.com", ClientConfig: svc(nil), SideEffects: none, AdmissionReviewVersions: []string{"v1"},
				Rules: []admissionregistrationv1.RuleWithOperations{{Operations: ops, Rule: rule}},
			}}},
			want: &admissionregistrationv1.ValidatingWebhookConfiguration{Webhooks: []admissionregistrationv1.ValidatingWebhook{{
				Name: "v.example.com", ClientConfig: svc(ptr.To[int32](443)), SideEffects: none, AdmissionReviewVersions: []string{"v1"},
				Rules:             []admissionregistrationv1.RuleWithOperations{{Operations: ops, Rule: ruleAll}},
				FailurePolicy:     ptr.To(admissionregistrationv1.Fail),
				MatchPolicy:       ptr.To(admissionregistrationv1.Equivalent),
				NamespaceSelector: everything,
				ObjectSelector:    everything,
				TimeoutSeconds:    ptr.To[int32](10),
			}}},
		},
		{
			name: "MutatingWebhookConfiguration with a URL",
			in: &admissionregistrationv1.MutatingWebhookConfiguration{Webhooks: []admissionregistrationv1.MutatingWebhook{{
				Name: "m.example.com", ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: ptr.To("https://example.com")},
				FailurePolicy: ptr.To(admissionregistrationv1.Ignore), TimeoutSeconds: ptr.To[int32](3),
			}}},
			want: &admissionregistrationv1.MutatingWebhookConfiguration{Webhooks: []admissionregistrationv1.MutatingWebhook{{
				Name: "m.example.com", ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: ptr.To("https://example.com")},
				FailurePolicy:      ptr.To(admissionregistrationv1.Ignore),
				MatchPolicy:        ptr.To(admissionregistrationv1.Equivalent),
				NamespaceSelector:  everything,
				ObjectSelector:     everything,
				TimeoutSeconds:     ptr.To[int32](3),
				ReinvocationPolicy: ptr.To(admissionregistrationv1.NeverReinvocationPolicy),
			}}},
		},
		{
			name: "ValidatingAdmissionPolicy",
			in: &admissionregistrationv1.ValidatingAdmissionPolicy{Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
				MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
					{RuleWithOperations: admissionregistrationv1.RuleWithOperations{Operations: ops, Rule: rule}},
				}},
			}},
			want: &admissionregistrationv1.ValidatingAdmissionPolicy{Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
				FailurePolicy: ptr.To(admissionregistrationv1.Fail),
				MatchConstraints: &admissionregistrationv1.MatchResources{
					ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
						{RuleWithOperations: admissionregistrationv1.RuleWithOperations{Operations: ops, Rule: ruleAll}},
					},
					MatchPolicy:       ptr.To(admissionregistrationv1.Equivalent),
					NamespaceSelector: everything,
					ObjectSelector:    everything,
				},
			}},
		},
		{
			name: "ValidatingAdmissionPolicyBinding",
			in: &admissionregistrationv1.ValidatingAdmissionPolicyBinding{Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
				PolicyName: "p", MatchResources: &admissionregistrationv1.MatchResources{},
			}},
			want: &admissionregistrationv1.ValidatingAdmissionPolicyBinding{Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
				PolicyName: "p", MatchResources: &admissionregistrationv1.MatchResources{
					MatchPolicy: ptr.To(admissionregistrationv1.Equivalent), NamespaceSelector: everything, ObjectSelector: everything,
				},
			}},
		},
		{
			name: "MutatingAdmissionPolicy",
			in: &admissionregistrationv1.MutatingAdmissionPolicy{Spec: admissionregistrationv1.MutatingAdmissionPolicySpec{
				ReinvocationPolicy: admissionregistrationv1.NeverReinvocationPolicy,
			}},
			want: &admissionregistrationv1.MutatingAdmissionPolicy{Spec: admissionregistrationv1.MutatingAdmissionPolicySpec{
				ReinvocationPolicy: admissionregistrationv1.NeverReinvocationPolicy,
				FailurePolicy:      ptr.To(admissionregistrationv1.Fail),
			}},
		},
		{
			name: "MutatingAdmissionPolicyBinding",
			in: &admissionregistrationv1.MutatingAdmissionPolicyBinding{Spec: admissionregistrationv1.MutatingAdmissionPolicyBindingSpec{
				PolicyName: "p", MatchResources: &admissionregistrationv1.MatchResources{ExcludeResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
					{RuleWithOperations: admissionregistrationv1.RuleWithOperations{Operations: ops, Rule: rule}},
				}},
			}},
			want: &admissionregistrationv1.MutatingAdmissionPolicyBinding{Spec: admissionregistrationv1.MutatingAdmissionPolicyBindingSpec{
				PolicyName: "p", MatchResources: &admissionregistrationv1.MatchResources{
					ExcludeResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
						{RuleWithOperations: admissionregistrationv1.RuleWithOperations{Operations: ops, Rule: ruleAll}},
					},
					MatchPolicy: ptr.To(admissionregistrationv1.Equivalent), NamespaceSelector: everything, ObjectSelector: everything,
				},
			}},
		},
	})
}
