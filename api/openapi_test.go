package api_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"makerlink"
)

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestOpenAPIDescribesEveryRoute fails when a registered route is missing
// from GET /api/v1/openapi.json, or the document describes a route that
// does not exist. Add new routes to describeRoutes in openapi.go.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t, engines[0].open)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Responses   map[string]any
			Parameters  []map[string]string
		}
		Components struct {
			Schemas    map[string]any
			Parameters map[string]struct{ Name, In string }
			Responses  map[string]any
		}
	}
	e.want(e.do(req{method: "GET", path: "/api/v1/openapi.json"}), 200, "").JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}

	registered := map[string]bool{}
	for _, r := range e.srv.App().GetRoutes(true) {
		if r.Method == "HEAD" {
			continue // Fiber adds HEAD to every GET
		}
		path := fiberParam.ReplaceAllString(r.Path, "{$1}")
		key := strings.ToLower(r.Method) + " " + path
		registered[key] = true
		op, ok := doc.Paths[path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", r.Method, path)
			continue
		}
		if len(op.Responses) == 0 || op.OperationID == "" {
			t.Errorf("%s %s: no responses or operationId", r.Method, path)
		}
		// Every path parameter is declared.
		for _, m := range fiberParam.FindAllStringSubmatch(r.Path, -1) {
			found := false
			for _, p := range op.Parameters {
				name := strings.TrimPrefix(p["$ref"], "#/components/parameters/")
				if cp, ok := doc.Components.Parameters[name]; ok && cp.Name == m[1] && cp.In == "path" {
					found = true
				}
			}
			if !found {
				t.Errorf("%s %s: path parameter %s undeclared", r.Method, path, m[1])
			}
		}
	}
	var extra []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[method+" "+path] {
				extra = append(extra, method+" "+path)
			}
		}
	}
	sort.Strings(extra)
	for _, x := range extra {
		t.Errorf("the OpenAPI document describes %s, which is not a route", x)
	}
	for _, k := range makerlink.Kinds {
		name := strings.ToUpper(string(k[:1])) + string(k[1:])
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("no schema %s", name)
		}
	}
}

// TestOpenAPIReferencesResolve checks that every $ref in the document
// points at a component that exists.
func TestOpenAPIReferencesResolve(t *testing.T) {
	e := newEnv(t, engines[0].open)
	r := e.want(e.do(req{method: "GET", path: "/api/v1/openapi.json"}), 200, "")
	var doc map[string]any
	r.JSON(t, &doc)
	comps := doc["components"].(map[string]any)
	for _, m := range regexp.MustCompile(`"\$ref":"#/components/([^/"]+)/([^"]+)"`).FindAllStringSubmatch(string(r.Body), -1) {
		section, _ := comps[m[1]].(map[string]any)
		if _, ok := section[m[2]]; !ok {
			t.Errorf("dangling $ref #/components/%s/%s", m[1], m[2])
		}
	}
	// The startup schema lists the contract's fields with their codes.
	st := comps["schemas"].(map[string]any)["Startup"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"id", "owner_id", "version", "created_at", "updated_at", "name", "tagline", "description",
		"sectors", "stage", "city", "funding_ask_cny", "team_size", "founded_on", "space_id", "needs", "visibility"} {
		if _, ok := st[f]; !ok {
			t.Errorf("Startup schema lacks %s", f)
		}
	}
	if enum := st["sectors"].(map[string]any)["items"].(map[string]any)["enum"].([]any); len(enum) != 10 {
		t.Errorf("sector enum %v", enum)
	}
}
