package openapi

import (
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// renderV3 turns a path item into its OpenAPI v3 form.
func renderV3(p pathItem) *spec3.Path {
	out := &spec3.Path{}
	for _, name := range p.pathParams {
		out.Parameters = append(out.Parameters, &spec3.Parameter{ParameterProps: spec3.ParameterProps{
			Name: name, In: "path", Required: true, Description: pathParamDesc(name, p.kind),
			Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"string"}, UniqueItems: true}},
		}})
	}
	out.Parameters = append(out.Parameters, v3Query("pretty"))
	for _, op := range p.ops {
		o := &spec3.Operation{OperationProps: spec3.OperationProps{
			Description: op.desc,
			OperationId: op.id,
			Tags:        []string{op.tag},
			Responses:   &spec3.Responses{ResponsesProps: spec3.ResponsesProps{StatusCodeResponses: map[int]*spec3.Response{}}},
		}}
		o.AddExtension("x-kubernetes-action", op.action)
		o.AddExtension("x-kubernetes-group-version-kind", gvkMap(op.gvk))
		for _, q := range op.query {
			o.Parameters = append(o.Parameters, v3Query(q))
		}
		if op.body != "" {
			types := []string{"*/*"}
			if op.patch {
				types = patchContentTypes
			}
			o.RequestBody = &spec3.RequestBody{RequestBodyProps: spec3.RequestBodyProps{
				Content:  v3Content(types, op.body),
				Required: op.method != "delete",
			}}
		}
		for _, code := range op.codes {
			resp := &spec3.Response{ResponseProps: spec3.ResponseProps{Description: statusText[code]}}
			if op.response != "" {
				resp.Content = v3Content(responseContentTypes, op.response)
			}
			o.Responses.StatusCodeResponses[code] = resp
		}
		o.Responses.StatusCodeResponses[401] = &spec3.Response{ResponseProps: spec3.ResponseProps{Description: statusText[401]}}
		switch op.method {
		case "get":
			out.Get = o
		case "put":
			out.Put = o
		case "post":
			out.Post = o
		case "patch":
			out.Patch = o
		case "delete":
			out.Delete = o
		}
	}
	return out
}

func v3Query(name string) *spec3.Parameter {
	q := queryParams[name]
	return &spec3.Parameter{ParameterProps: spec3.ParameterProps{
		Name: name, In: "query", Description: q.desc,
		Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{q.typ}, UniqueItems: true}},
	}}
}

func v3Content(types []string, def string) map[string]*spec3.MediaType {
	out := make(map[string]*spec3.MediaType, len(types))
	for _, t := range types {
		out[t] = &spec3.MediaType{MediaTypeProps: spec3.MediaTypeProps{
			Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref3(def)}},
		}}
	}
	return out
}

// renderV2 turns a path item into its OpenAPI v2 (swagger) form.
func renderV2(p pathItem) spec.PathItem {
	var out spec.PathItem
	for _, name := range p.pathParams {
		out.Parameters = append(out.Parameters, v2Param(name, "path", "string", pathParamDesc(name, p.kind), true))
	}
	out.Parameters = append(out.Parameters, v2Query("pretty"))
	for _, op := range p.ops {
		o := &spec.Operation{OperationProps: spec.OperationProps{
			Description: op.desc,
			ID:          op.id,
			Tags:        []string{op.tag},
			Produces:    responseContentTypes,
			Consumes:    []string{"*/*"},
			Schemes:     []string{"https"},
			Responses:   &spec.Responses{ResponsesProps: spec.ResponsesProps{StatusCodeResponses: map[int]spec.Response{}}},
		}}
		if op.patch {
			o.Consumes = patchContentTypes
		}
		o.AddExtension("x-kubernetes-action", op.action)
		o.AddExtension("x-kubernetes-group-version-kind", gvkMap(op.gvk))
		if op.body != "" {
			o.Parameters = append(o.Parameters, spec.Parameter{ParamProps: spec.ParamProps{
				Name: "body", In: "body", Required: op.method != "delete",
				Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref2(op.body)}},
			}})
		}
		for _, q := range op.query {
			o.Parameters = append(o.Parameters, v2Query(q))
		}
		for _, code := range op.codes {
			resp := spec.Response{ResponseProps: spec.ResponseProps{Description: statusText[code]}}
			if op.response != "" {
				resp.Schema = &spec.Schema{SchemaProps: spec.SchemaProps{Ref: ref2(op.response)}}
			}
			o.Responses.StatusCodeResponses[code] = resp
		}
		o.Responses.StatusCodeResponses[401] = spec.Response{ResponseProps: spec.ResponseProps{Description: statusText[401]}}
		switch op.method {
		case "get":
			out.Get = o
		case "put":
			out.Put = o
		case "post":
			out.Post = o
		case "patch":
			out.Patch = o
		case "delete":
			out.Delete = o
		}
	}
	return out
}

func v2Query(name string) spec.Parameter {
	q := queryParams[name]
	return v2Param(name, "query", q.typ, q.desc, false)
}

func v2Param(name, in, typ, desc string, required bool) spec.Parameter {
	return spec.Parameter{
		ParamProps:        spec.ParamProps{Name: name, In: in, Description: desc, Required: required},
		SimpleSchema:      spec.SimpleSchema{Type: typ},
		CommonValidations: spec.CommonValidations{UniqueItems: true},
	}
}
