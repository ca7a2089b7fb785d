package endpoint

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func addr(ip string) corev1.EndpointAddress { return corev1.EndpointAddress{IP: ip} }

func TestRepackGroupsAddressesByPortsAndReadiness(t *testing.T) {
	a, b, c := addr("10.0.0.1"), addr("10.0.0.2"), addr("10.0.0.3")
	web := corev1.EndpointPort{Name: "web", Port: 80}
	adm := corev1.EndpointPort{Name: "admin", Port: 81}
	in := []corev1.EndpointSubset{
		subset(a, &web, true), subset(a, &adm, true),
		subset(b, &web, true), subset(b, &adm, true),
		subset(c, &web, false), // c not ready, and lacks admin
	}
	want := []corev1.EndpointSubset{
		{Addresses: []corev1.EndpointAddress{a, b}, Ports: []corev1.EndpointPort{adm}},
		{Addresses: []corev1.EndpointAddress{a, b}, NotReadyAddresses: []corev1.EndpointAddress{c}, Ports: []corev1.EndpointPort{web}},
	}
	if diff := cmp.Diff(want, repackSubsets(in)); diff != "" {
		t.Errorf("repacked (-want +got):\n%s", diff)
	}
}

func TestRepackKeepsAddressesWithoutPorts(t *testing.T) {
	in := []corev1.EndpointSubset{subset(addr("10.0.0.2"), nil, true), subset(addr("10.0.0.1"), nil, false)}
	want := []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{addr("10.0.0.2")}, NotReadyAddresses: []corev1.EndpointAddress{addr("10.0.0.1")}}}
	if diff := cmp.Diff(want, repackSubsets(in)); diff != "" {
		t.Errorf("repacked (-want +got):\n%s", diff)
	}
}

func TestCapSubsetsDropsNotReadyFirst(t *testing.T) {
	var ready, notReady []corev1.EndpointAddress
	for i := 0; i < 900; i++ {
		ready = append(ready, addr(fmt.Sprintf("10.0.%d.%d", i/200, i%200)))
	}
	for i := 0; i < 300; i++ {
		notReady = append(notReady, addr(fmt.Sprintf("10.1.%d.%d", i/200, i%200)))
	}
	out, truncated := capSubsets([]corev1.EndpointSubset{{Addresses: ready, NotReadyAddresses: notReady}})
	if !truncated || len(out[0].Addresses) != 900 || len(out[0].NotReadyAddresses) != 100 {
		t.Errorf("truncated %v: %d ready, %d not ready; want 900 and 100", truncated, len(out[0].Addresses), len(out[0].NotReadyAddresses))
	}
}
