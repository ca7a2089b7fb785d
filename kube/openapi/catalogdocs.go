package openapi

import (
	"encoding/json"
	"fmt"
)

// buildV3 assembles the v3 document of a group-version path from the
// built-in kinds of that group-version (if any) and the given custom kinds.
func (c *catalog) buildV3(path string, custom []*customKind) (*servedDoc, error) {
	defJSON, err := c.defJSON3()
	if err != nil {
		return nil, err
	}
	in := docInput{defs: map[string][]byte{}, paths: map[string][]byte{}}
	var roots []string
	if gr, ok := c.groups[path]; ok {
		roots = append(roots, gr.roots...)
		paths, err := gr.pathJSON3()
		if err != nil {
			return nil, err
		}
		for p, b := range paths {
			in.paths[p] = b
		}
	}
	customDefs, err := addCustom(&in, &roots, custom, true)
	if err != nil {
		return nil, err
	}
	names, err := closure(roots, c.lookup(customDefs))
	if err != nil {
		return nil, fmt.Errorf("openapi: /openapi/v3/%s: %w", path, err)
	}
	for _, n := range names {
		if _, ok := in.defs[n]; !ok {
			in.defs[n] = defJSON[n]
		}
	}
	b, err := assembleV3(c.info, in)
	if err != nil {
		return nil, err
	}
	return newServedDoc(b, toV3Proto), nil
}

// buildV2 assembles the swagger document: every definition and path.
func (c *catalog) buildV2(custom []*customKind) (*servedDoc, error) {
	defJSON, err := c.defJSON2()
	if err != nil {
		return nil, err
	}
	in := docInput{defs: make(map[string][]byte, len(defJSON)), paths: map[string][]byte{}}
	for n, b := range defJSON {
		in.defs[n] = b
	}
	for _, gr := range c.groups {
		paths, err := gr.pathJSON2()
		if err != nil {
			return nil, err
		}
		for p, b := range paths {
			in.paths[p] = b
		}
	}
	if _, err := addCustom(&in, nil, custom, false); err != nil {
		return nil, err
	}
	b, err := assembleV2(c.info, in)
	if err != nil {
		return nil, err
	}
	return newServedDoc(b, toV2Proto), nil
}

// addCustom renders custom kinds into a document's input and, when roots
// is not nil, adds what they refer to to the roots of the document.
func addCustom(in *docInput, roots *[]string, custom []*customKind, v3 bool) (map[string]*definition, error) {
	defs := map[string]*definition{}
	for _, ck := range custom {
		for _, d := range ck.defs {
			s := d.v2
			if v3 {
				s = d.v3
			}
			b, err := json.Marshal(s)
			if err != nil {
				return nil, fmt.Errorf("openapi: rendering %s: %w", d.name, err)
			}
			in.defs[d.name] = b
			defs[d.name] = d
			if roots != nil {
				*roots = append(*roots, d.name)
			}
		}
		paths, err := renderPaths(ck.paths, v3)
		if err != nil {
			return nil, err
		}
		for p, b := range paths {
			in.paths[p] = b
		}
		if roots != nil {
			*roots = append(*roots, pathRefs(ck.paths)...)
		}
	}
	return defs, nil
}

// lookup finds definitions among custom ones first, then built-in ones.
func (c *catalog) lookup(custom map[string]*definition) func(string) *definition {
	return func(name string) *definition {
		if d, ok := custom[name]; ok {
			return d
		}
		return c.defs[name]
	}
}
