package printers

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func addCorePrinters(r registry) {
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Status", "string", "The status of the namespace"),
		ageColumn(),
	}, func(ns *corev1.Namespace, e env) []any {
		return []any{ns.Name, string(ns.Status.Phase), e.age(ns.CreationTimestamp)}
	})

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Data", "string", corev1.ConfigMap{}.SwaggerDoc()["data"]),
		ageColumn(),
	}, func(cm *corev1.ConfigMap, e env) []any {
		return []any{cm.Name, int64(len(cm.Data) + len(cm.BinaryData)), e.age(cm.CreationTimestamp)}
	})

	secretDoc := corev1.Secret{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Type", "string", secretDoc["type"]),
		column("Data", "string", secretDoc["data"]),
		ageColumn(),
	}, func(s *corev1.Secret, e env) []any {
		return []any{s.Name, string(s.Type), int64(secretKeys(s)), e.age(s.CreationTimestamp)}
	})

	// Upstream dropped the SECRETS column once token secrets stopped
	// being generated.
	add(r, []metav1.TableColumnDefinition{nameColumn(), ageColumn()},
		func(sa *corev1.ServiceAccount, e env) []any {
			return []any{sa.Name, e.age(sa.CreationTimestamp)}
		})

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
		column("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
		ageColumn(),
	}, resourceQuotaCells)

	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Status", "string", "Status of the component conditions"),
		column("Message", "string", "Message of the component conditions"),
		column("Error", "string", "Error of the component conditions"),
	}, componentStatusCells)
}

// secretKeys counts the keys the internal Secret would hold: stringData is
// merged into data when converting from v1.
func secretKeys(s *corev1.Secret) int {
	n := len(s.Data)
	for k := range s.StringData {
		if _, ok := s.Data[k]; !ok {
			n++
		}
	}
	return n
}

// resourceQuotaCells prints "resource: used/hard" pairs sorted by resource
// name, limits.* in the LIMIT column and everything else in REQUEST.
func resourceQuotaCells(q *corev1.ResourceQuota, e env) []any {
	names := make([]string, 0, len(q.Status.Hard))
	for name := range q.Status.Hard {
		names = append(names, string(name))
	}
	sort.Strings(names)
	var requests, limits []string
	for _, name := range names {
		used := q.Status.Used[corev1.ResourceName(name)]
		hard := q.Status.Hard[corev1.ResourceName(name)]
		pair := fmt.Sprintf("%s: %s/%s", name, used.String(), hard.String())
		if pieces := strings.Split(name, "."); len(pieces) > 1 && pieces[0] == "limits" {
			limits = append(limits, pair)
		} else {
			requests = append(requests, pair)
		}
	}
	return []any{q.Name, strings.Join(requests, ", "), strings.Join(limits, ", "), e.age(q.CreationTimestamp)}
}

func componentStatusCells(cs *corev1.ComponentStatus, _ env) []any {
	status, message, errMsg := "Unknown", "", ""
	for _, c := range cs.Conditions {
		if c.Type == corev1.ComponentHealthy {
			status = "Unhealthy"
			if c.Status == corev1.ConditionTrue {
				status = "Healthy"
			}
			message, errMsg = c.Message, c.Error
			break
		}
	}
	return []any{cs.Name, status, message, errMsg}
}
