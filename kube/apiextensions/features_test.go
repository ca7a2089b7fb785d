package apiextensions_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

// TestCELValidationRules: x-kubernetes-validations run, transition rules
// included, with upstream's messages.
func TestCELValidationRules(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	crd := widgetCRD()
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	spec.XValidations = apiextensionsv1.ValidationRules{
		{Rule: "self.replicas <= 5 || self.color == 'blue'", Message: "more than 5 replicas must be blue"},
		{Rule: "!has(oldSelf.color) || self.color == oldSelf.color", Message: "color is immutable"},
	}
	crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"] = spec
	installCRD(t, env, crd)
	dyn := dynamic.NewForConfigOrDie(env.Config()).Resource(widgets).Namespace("default")
	ctx := context.Background()

	_, err := dyn.Create(ctx, widget("big", map[string]any{"replicas": int64(6), "color": "red"}), metav1.CreateOptions{})
	want := `Widget.example.com "big" is invalid: spec: Invalid value: more than 5 replicas must be blue`
	if err == nil || err.Error() != want {
		t.Errorf("create:\n got: %v\nwant: %s", err, want)
	}
	w, err := dyn.Create(ctx, widget("w", map[string]any{"color": "red"}), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedField(w.Object, "blue", "spec", "color")
	_, err = dyn.Update(ctx, w, metav1.UpdateOptions{})
	want = `Widget.example.com "w" is invalid: spec: Invalid value: color is immutable`
	if err == nil || err.Error() != want {
		t.Errorf("update:\n got: %v\nwant: %s", err, want)
	}
}

// TestPrinterColumns: kubectl get's table has the CRD's columns.
func TestPrinterColumns(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	crd := widgetCRD()
	crd.Spec.Versions[0].AdditionalPrinterColumns = []apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "Color", Type: "string", JSONPath: ".spec.color"},
		{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas"},
	}
	installCRD(t, env, crd)
	ctx := context.Background()
	if _, err := dynamic.NewForConfigOrDie(env.Config()).Resource(widgets).Namespace("default").
		Create(ctx, widget("w", map[string]any{"color": "red", "replicas": int64(2)}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://kubesim.invalid/apis/example.com/v1/namespaces/default/widgets", nil)
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := env.Config().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var table metav1.Table
	if err := json.NewDecoder(resp.Body).Decode(&table); err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range table.ColumnDefinitions {
		cols = append(cols, c.Name)
	}
	if diff := cmp.Diff([]string{"Name", "Color", "Replicas"}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if len(table.Rows) != 1 || len(table.Rows[0].Cells) != 3 || table.Rows[0].Cells[1] != "red" {
		t.Errorf("rows %+v", table.Rows)
	}
}

// TestConversionWebhook: a CRD with two versions and Webhook conversion
// calls the user's conversion webhook over HTTPS with its CA bundle.
func TestConversionWebhook(t *testing.T) {
	calls := 0
	hook := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		body, _ := io.ReadAll(r.Body)
		var review apiextensionsv1.ConversionReview
		if err := json.Unmarshal(body, &review); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp := &apiextensionsv1.ConversionResponse{UID: review.Request.UID, Result: metav1.Status{Status: metav1.StatusSuccess}}
		for _, raw := range review.Request.Objects {
			var obj map[string]any
			_ = json.Unmarshal(raw.Raw, &obj)
			spec, _ := obj["spec"].(map[string]any)
			// v1 says color, v2 says colour.
			if review.Request.DesiredAPIVersion == "example.com/v2" {
				if c, ok := spec["color"]; ok {
					spec["colour"] = c
					delete(spec, "color")
				}
			} else if c, ok := spec["colour"]; ok {
				spec["color"] = c
				delete(spec, "colour")
			}
			obj["apiVersion"] = review.Request.DesiredAPIVersion
			out, _ := json.Marshal(obj)
			resp.ConvertedObjects = append(resp.ConvertedObjects, runtime.RawExtension{Raw: out})
		}
		review.Response, review.Request = resp, nil
		_ = json.NewEncoder(w).Encode(review)
	}))
	defer hook.Close()

	env := testkit.Start(t, testkit.Bare())
	crd := widgetCRD()
	v2 := *crd.Spec.Versions[0].DeepCopy()
	v2.Name, v2.Storage = "v2", false
	v2.Schema.OpenAPIV3Schema.Properties["spec"].Properties["colour"] = apiextensionsv1.JSONSchemaProps{Type: "string"}
	crd.Spec.Versions = append(crd.Spec.Versions, v2)
	crd.Spec.Conversion = &apiextensionsv1.CustomResourceConversion{
		Strategy: apiextensionsv1.WebhookConverter,
		Webhook: &apiextensionsv1.WebhookConversion{
			ConversionReviewVersions: []string{"v1"},
			ClientConfig:             &apiextensionsv1.WebhookClientConfig{URL: ptr.To(hook.URL + "/convert"), CABundle: caPEM(hook)},
		},
	}
	installCRD(t, env, crd)
	dyn := dynamic.NewForConfigOrDie(env.Config())
	ctx := context.Background()
	if _, err := dyn.Resource(widgets).Namespace("default").Create(ctx, widget("w", map[string]any{"color": "red"}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	v2gvr := widgets
	v2gvr.Version = "v2"
	got, err := dyn.Resource(v2gvr).Namespace("default").Get(ctx, "w", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c, _, _ := unstructured.NestedString(got.Object, "spec", "colour"); c != "red" || got.GetAPIVersion() != "example.com/v2" || calls == 0 {
		t.Errorf("v2 object %v after %d webhook calls", got.Object, calls)
	}
}

func caPEM(s *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

// TestServerSideApplyListMap: two field managers own different entries of
// an x-kubernetes-list-type=map list, and a conflict names its manager.
func TestServerSideApplyListMap(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	crd := widgetCRD()
	crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["ports"] = apiextensionsv1.JSONSchemaProps{
		Type: "array", XListType: ptr.To("map"), XListMapKeys: []string{"name"},
		Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
			Type: "object", Required: []string{"name"},
			Properties: map[string]apiextensionsv1.JSONSchemaProps{"name": {Type: "string"}, "port": {Type: "integer"}},
		}},
	}
	// A second served version with conversion None: the same object is
	// readable at both.
	v2 := *crd.Spec.Versions[0].DeepCopy()
	v2.Name, v2.Storage = "v2", false
	crd.Spec.Versions = append(crd.Spec.Versions, v2)
	installCRD(t, env, crd)
	res := dynamic.NewForConfigOrDie(env.Config()).Resource(widgets).Namespace("default")
	ctx := context.Background()
	apply := func(manager, port string, number int64, force bool) error {
		body := `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"ports":[{"name":"` + port + `","port":` + fmt.Sprint(number) + `}]}}`
		_, err := res.Patch(ctx, "w", types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: manager, Force: &force})
		return err
	}
	if err := apply("alice", "http", 80, false); err != nil {
		t.Fatal(err)
	}
	if err := apply("bob", "https", 443, false); err != nil {
		t.Fatal(err)
	}
	v2gvr := widgets
	v2gvr.Version = "v2"
	got, err := dynamic.NewForConfigOrDie(env.Config()).Resource(v2gvr).Namespace("default").Get(ctx, "w", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ports, _, _ := unstructured.NestedSlice(got.Object, "spec", "ports")
	if len(ports) != 2 || got.GetAPIVersion() != "example.com/v2" {
		t.Errorf("ports %v at %s, want both managers' entries", ports, got.GetAPIVersion())
	}
	err = apply("bob", "http", 8080, false)
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "alice"`) {
		t.Errorf("bob changing alice's port: %v, want a conflict naming alice", err)
	}
}
