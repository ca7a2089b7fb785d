package defaults

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestDefaultService(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "s", Namespace: "default"}
	cluster := ptr.To(corev1.ServiceInternalTrafficPolicyCluster)
	runCases(t, []defaultCase{
		{
			name: "ClusterIP by default, target port from port",
			in: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				Selector: map[string]string{"app": "web"},
				Ports:    []corev1.ServicePort{{Port: 80}, {Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromString("dns")}},
			}},
			want: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				Selector: map[string]string{"app": "web"},
				Ports: []corev1.ServicePort{
					{Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(80)},
					{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromString("dns")},
				},
				Type:                  corev1.ServiceTypeClusterIP,
				SessionAffinity:       corev1.ServiceAffinityNone,
				InternalTrafficPolicy: cluster,
			}},
		},
		{
			name: "LoadBalancer",
			in: &corev1.Service{ObjectMeta: meta,
				Spec:   corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 443, TargetPort: intstr.FromInt32(8443)}}},
				Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "203.0.113.7"}, {Hostname: "lb.example.com"}}}},
			},
			want: &corev1.Service{ObjectMeta: meta,
				Spec: corev1.ServiceSpec{
					Type:                          corev1.ServiceTypeLoadBalancer,
					Ports:                         []corev1.ServicePort{{Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(8443)}},
					SessionAffinity:               corev1.ServiceAffinityNone,
					ExternalTrafficPolicy:         corev1.ServiceExternalTrafficPolicyCluster,
					InternalTrafficPolicy:         cluster,
					AllocateLoadBalancerNodePorts: ptr.To(true),
				},
				Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{
					{IP: "203.0.113.7", IPMode: ptr.To(corev1.LoadBalancerIPModeVIP)}, {Hostname: "lb.example.com"},
				}}},
			},
		},
		{
			name: "ClusterIP with external IPs is externally accessible",
			in:   &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{ExternalIPs: []string{"198.51.100.1"}}},
			want: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				ExternalIPs: []string{"198.51.100.1"}, Type: corev1.ServiceTypeClusterIP,
				SessionAffinity: corev1.ServiceAffinityNone, ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyCluster,
				InternalTrafficPolicy: cluster,
			}},
		},
		{
			name: "ExternalName gets no traffic policies",
			in:   &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}},
			want: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeExternalName, ExternalName: "example.com", SessionAffinity: corev1.ServiceAffinityNone,
			}},
		},
		{
			name: "ClientIP affinity gets a timeout; None drops the config",
			in: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, SessionAffinity: corev1.ServiceAffinityClientIP,
				SessionAffinityConfig: &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{}},
			}},
			want: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, SessionAffinity: corev1.ServiceAffinityClientIP,
				SessionAffinityConfig: &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr.To[int32](10800)}},
				ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyCluster, InternalTrafficPolicy: cluster,
			}},
		},
		{
			name: "affinity None",
			in: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				SessionAffinityConfig: &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr.To[int32](5)}},
			}},
			want: &corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeClusterIP, SessionAffinity: corev1.ServiceAffinityNone, InternalTrafficPolicy: cluster,
			}},
		},
	})
}

func TestDefaultCoreObjects(t *testing.T) {
	runCases(t, []defaultCase{
		{
			name: "Namespace gets its name label and phase Active",
			in:   &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", Labels: map[string]string{"env": "dev"}}},
			want: &corev1.Namespace{
				ObjectMeta: metav1.ObjectMeta{Name: "team-a", Labels: map[string]string{"env": "dev", "kubernetes.io/metadata.name": "team-a"}},
				Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
			},
		},
		{
			name: "Namespace label follows the name",
			in:   &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "b", Labels: map[string]string{"kubernetes.io/metadata.name": "a"}}},
			want: &corev1.Namespace{
				ObjectMeta: metav1.ObjectMeta{Name: "b", Labels: map[string]string{"kubernetes.io/metadata.name": "b"}},
				Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
			},
		},
		{
			name: "Namespace without a name yet",
			in:   &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "ns-"}},
			want: &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "ns-"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}},
		},
		{
			name: "Node allocatable from capacity",
			in: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}, Status: corev1.NodeStatus{
				Capacity: corev1.ResourceList{corev1.ResourceCPU: q("4"), corev1.ResourceMemory: q("8Gi"), corev1.ResourcePods: q("110")},
			}},
			want: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}, Status: corev1.NodeStatus{
				Capacity:    corev1.ResourceList{corev1.ResourceCPU: q("4"), corev1.ResourceMemory: q("8Gi"), corev1.ResourcePods: q("110")},
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: q("4"), corev1.ResourceMemory: q("8Gi"), corev1.ResourcePods: q("110")},
			}},
		},
		{
			name: "Node with its own allocatable",
			in: &corev1.Node{Status: corev1.NodeStatus{
				Capacity:    corev1.ResourceList{corev1.ResourceCPU: q("4")},
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: q("3.9999")},
			}},
			want: &corev1.Node{Status: corev1.NodeStatus{
				Capacity:    corev1.ResourceList{corev1.ResourceCPU: q("4")},
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: q("4")},
			}},
		},
		{
			name: "PersistentVolume",
			in: &corev1.PersistentVolume{Spec: corev1.PersistentVolumeSpec{
				Capacity:               corev1.ResourceList{corev1.ResourceStorage: q("10Gi")},
				PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/data"}},
			}},
			want: &corev1.PersistentVolume{
				Spec: corev1.PersistentVolumeSpec{
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: q("10Gi")},
					PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/data", Type: ptr.To(corev1.HostPathUnset)}},
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
					VolumeMode:                    ptr.To(corev1.PersistentVolumeFilesystem),
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
		},
		{
			name: "PersistentVolume in-tree sources",
			in: &corev1.PersistentVolume{Spec: corev1.PersistentVolumeSpec{
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
				PersistentVolumeSource: corev1.PersistentVolumeSource{
					RBD:       &corev1.RBDPersistentVolumeSource{RBDPool: "mine"},
					ISCSI:     &corev1.ISCSIPersistentVolumeSource{},
					AzureDisk: &corev1.AzureDiskVolumeSource{ReadOnly: ptr.To(true)},
					ScaleIO:   &corev1.ScaleIOPersistentVolumeSource{FSType: "ext4"},
				},
			}},
			want: &corev1.PersistentVolume{
				Spec: corev1.PersistentVolumeSpec{
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
					VolumeMode:                    ptr.To(corev1.PersistentVolumeFilesystem),
					PersistentVolumeSource: corev1.PersistentVolumeSource{
						RBD:   &corev1.RBDPersistentVolumeSource{RBDPool: "mine", RadosUser: "admin", Keyring: "/etc/ceph/keyring"},
						ISCSI: &corev1.ISCSIPersistentVolumeSource{ISCSIInterface: "default"},
						AzureDisk: &corev1.AzureDiskVolumeSource{
							ReadOnly: ptr.To(true), CachingMode: ptr.To(corev1.AzureDataDiskCachingReadWrite),
							FSType: ptr.To("ext4"), Kind: ptr.To(corev1.AzureSharedBlobDisk),
						},
						ScaleIO: &corev1.ScaleIOPersistentVolumeSource{FSType: "ext4", StorageMode: "ThinProvisioned"},
					},
				},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumePending},
			},
		},
		{
			name: "PersistentVolumeClaim",
			in: &corev1.PersistentVolumeClaim{Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}},
			}},
			want: &corev1.PersistentVolumeClaim{
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}},
					VolumeMode:  ptr.To(corev1.PersistentVolumeFilesystem),
				},
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
			},
		},
		{
			name: "Secret is Opaque",
			in:   &corev1.Secret{Data: map[string][]byte{"k": []byte("v")}},
			want: &corev1.Secret{Data: map[string][]byte{"k": []byte("v")}, Type: corev1.SecretTypeOpaque},
		},
		{
			name: "Secret stringData goes into data, over it",
			in: &corev1.Secret{
				Data:       map[string][]byte{"user": []byte("old"), "keep": []byte("k")},
				StringData: map[string]string{"user": "admin", "password": "t0p-Secret"},
			},
			want: &corev1.Secret{
				Data: map[string][]byte{"user": []byte("admin"), "keep": []byte("k"), "password": []byte("t0p-Secret")},
				Type: corev1.SecretTypeOpaque,
			},
		},
		{
			name: "Secret stringData alone",
			in:   &corev1.Secret{StringData: map[string]string{"k": "v"}},
			want: &corev1.Secret{Data: map[string][]byte{"k": []byte("v")}, Type: corev1.SecretTypeOpaque},
		},
		{
			name: "Secret keeps its type",
			in:   &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson},
			want: &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson},
		},
		{
			name: "ConfigMap gets an empty data map",
			in:   &corev1.ConfigMap{BinaryData: map[string][]byte{"b": {1}}},
			want: &corev1.ConfigMap{Data: map[string]string{}, BinaryData: map[string][]byte{"b": {1}}},
		},
		{
			name: "Endpoints ports are TCP",
			in: &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
				Addresses: []corev1.EndpointAddress{{IP: "10.0.0.1"}},
				Ports:     []corev1.EndpointPort{{Port: 80}, {Port: 53, Protocol: corev1.ProtocolUDP}},
			}}},
			want: &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
				Addresses: []corev1.EndpointAddress{{IP: "10.0.0.1"}},
				Ports:     []corev1.EndpointPort{{Port: 80, Protocol: corev1.ProtocolTCP}, {Port: 53, Protocol: corev1.ProtocolUDP}},
			}}},
		},
		{
			name: "LimitRange container item",
			in: &corev1.LimitRange{Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{
				{
					Type: corev1.LimitTypeContainer,
					Max:  corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("1Gi")},
					Min:  corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceEphemeralStorage: q("1Mi")},
					// A default limit without a default request.
					Default: corev1.ResourceList{corev1.ResourceMemory: q("512Mi")},
				},
				{Type: corev1.LimitTypePod, Max: corev1.ResourceList{corev1.ResourceCPU: q("4")}},
			}}},
			want: &corev1.LimitRange{Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{
				{
					Type:           corev1.LimitTypeContainer,
					Max:            corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("1Gi")},
					Min:            corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceEphemeralStorage: q("1Mi")},
					Default:        corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("512Mi")},
					DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: q("2"), corev1.ResourceMemory: q("512Mi"), corev1.ResourceEphemeralStorage: q("1Mi")},
				},
				{Type: corev1.LimitTypePod, Max: corev1.ResourceList{corev1.ResourceCPU: q("4")}},
			}}},
		},
		{
			name: "ResourceQuota rounds",
			in: &corev1.ResourceQuota{
				Spec:   corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourceRequestsCPU: q("0.5005")}},
				Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{corev1.ResourceRequestsCPU: q("0.0001")}},
			},
			want: &corev1.ResourceQuota{
				Spec:   corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourceRequestsCPU: q("501m")}},
				Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{corev1.ResourceRequestsCPU: q("1m")}},
			},
		},
		{
			name: "ServiceAccount has no defaults",
			in:   &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "sa"}},
			want: &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "sa"}},
		},
		{
			name: "Event has no defaults",
			in:   &corev1.Event{Reason: "Started"},
			want: &corev1.Event{Reason: "Started"},
		},
	})
}

// templateCase returns a pod template whose spec triggers every Pod-only
// default, and the template as it must look after defaulting: PodSpec
// defaults applied, Pod-only ones not.
func templateCase() (in, want corev1.PodTemplateSpec) {
	in = corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			HostNetwork: true,
			Containers: []corev1.Container{{
				Name: "web", Image: "nginx",
				Ports:     []corev1.ContainerPort{{ContainerPort: 80}},
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("0.0001")}},
				LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
					HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(80)},
				}},
			}},
			Volumes: []corev1.Volume{{Name: "tmp"}},
		},
	}
	c := defaultedContainer("web", "nginx", corev1.PullAlways)
	// TCP, but no host port: that default is Pod-only.
	c.Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}}
	// Rounded, but no requests copied from limits: Pod-only too.
	c.Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("1m")}}
	c.LivenessProbe = &corev1.Probe{
		ProbeHandler:   corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(80), Scheme: corev1.URISchemeHTTP}},
		TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3,
	}
	spec := defaultedPodSpec(c)
	spec.HostNetwork = true
	spec.Volumes = []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	// enableServiceLinks stays unset.
	want = corev1.PodTemplateSpec{ObjectMeta: in.ObjectMeta, Spec: spec}
	return in, want
}

func TestDefaultCoreTemplates(t *testing.T) {
	tmplIn, tmplWant := templateCase()
	rcMeta := metav1.ObjectMeta{Name: "rc", Namespace: "default"}
	runCases(t, []defaultCase{
		{
			name: "PodTemplate",
			in:   &corev1.PodTemplate{ObjectMeta: metav1.ObjectMeta{Name: "t"}, Template: tmplIn},
			want: &corev1.PodTemplate{ObjectMeta: metav1.ObjectMeta{Name: "t"}, Template: tmplWant},
		},
		{
			name: "ReplicationController takes selector and labels from its template",
			in:   &corev1.ReplicationController{ObjectMeta: rcMeta, Spec: corev1.ReplicationControllerSpec{Template: tmplIn.DeepCopy()}},
			want: &corev1.ReplicationController{
				ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: "default", Labels: map[string]string{"app": "web"}},
				Spec: corev1.ReplicationControllerSpec{
					Replicas: ptr.To[int32](1),
					Selector: map[string]string{"app": "web"},
					Template: tmplWant.DeepCopy(),
				},
			},
		},
		{
			name: "ReplicationController keeps its own selector and labels",
			in: &corev1.ReplicationController{
				ObjectMeta: metav1.ObjectMeta{Name: "rc", Labels: map[string]string{"own": "1"}},
				Spec:       corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](0), Selector: map[string]string{"app": "web"}, Template: tmplIn.DeepCopy()},
			},
			want: &corev1.ReplicationController{
				ObjectMeta: metav1.ObjectMeta{Name: "rc", Labels: map[string]string{"own": "1"}},
				Spec:       corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](0), Selector: map[string]string{"app": "web"}, Template: tmplWant.DeepCopy()},
			},
		},
		{
			name: "ReplicationController without a template",
			in:   &corev1.ReplicationController{ObjectMeta: rcMeta},
			want: &corev1.ReplicationController{ObjectMeta: rcMeta, Spec: corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](1)}},
		},
	})
}
