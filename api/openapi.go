package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"makerlink"
)

// This file builds the OpenAPI 3.0 document served at
// GET /api/v1/openapi.json. Every route registered in routes.go must be
// described in describeRoutes (a test checks both directions). Profile
// schemas are derived from the domain structs by reflection, so a new
// field shows up without editing this file.

// obj is a JSON object of the document.
type obj = map[string]any

// Who may call an operation.
const (
	authNone     = iota // no token looked at (operations endpoints)
	authOptional        // anonymous or signed in; a bad token is still 401
	authRequired        // signed in
)

// op describes one operation.
type op struct {
	summary  string
	tag      string
	auth     int
	params   []string // names in #/components/parameters
	body     string   // schema name of the JSON request body, if any
	status   int      // success status
	reply    any      // success schema (obj), nil for no body
	mime     string   // success media type; default application/json
	headers  []string // names in #/components/headers on success
	problems []int    // error statuses besides the ones auth implies
}

// openAPIDoc accumulates the document.
type openAPIDoc struct {
	paths obj
}

func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }
func schemaRef(name string) obj { return ref("schemas", name) }
func arrayOf(items any) obj     { return obj{"type": "array", "items": items} }

// add describes method on path; path uses OpenAPI {param} syntax.
func (d *openAPIDoc) add(method, path string, o op) {
	item, _ := d.paths[path].(obj)
	if item == nil {
		item = obj{}
		d.paths[path] = item
	}
	operation := obj{
		"summary":     o.summary,
		"operationId": operationID(method, path),
		"tags":        []string{o.tag},
	}
	var params []any
	for _, p := range o.params {
		params = append(params, ref("parameters", p))
	}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && !slices.Contains(o.params, seg[1:len(seg)-1]) {
			params = append(params, ref("parameters", seg[1:len(seg)-1]))
		}
	}
	if len(params) > 0 {
		operation["parameters"] = params
	}
	if o.body != "" {
		operation["requestBody"] = obj{
			"required": true,
			"content":  obj{"application/json": obj{"schema": schemaRef(o.body)}},
		}
	}
	switch o.auth {
	case authRequired:
		operation["security"] = []obj{{"bearerAuth": []string{}}}
	case authOptional:
		operation["security"] = []obj{{}, {"bearerAuth": []string{}}}
	default:
		operation["security"] = []obj{}
	}

	resp := obj{}
	ok := obj{"description": http.StatusText(o.status)}
	if o.reply != nil {
		mime := o.mime
		if mime == "" {
			mime = "application/json"
		}
		ok["content"] = obj{mime: obj{"schema": o.reply}}
	}
	if len(o.headers) > 0 {
		h := obj{}
		for _, name := range o.headers {
			h[name] = ref("headers", name)
		}
		ok["headers"] = h
	}
	resp[strconv.Itoa(o.status)] = ok
	problems := slices.Clone(o.problems)
	if o.auth != authNone {
		problems = append(problems, http.StatusUnauthorized)
	}
	if o.body != "" {
		problems = append(problems, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
	}
	problems = append(problems, http.StatusInternalServerError)
	slices.Sort(problems)
	for _, st := range slices.Compact(problems) {
		resp[strconv.Itoa(st)] = ref("responses", "E"+strconv.Itoa(st))
	}
	operation["responses"] = resp
	item[strings.ToLower(method)] = operation
}

// operationID derives a stable id such as "get_api_v1_startups_id".
func operationID(method, path string) string {
	r := strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_", "-", "_")
	return strings.ToLower(method) + r.Replace(path)
}

// describeRoutes describes every route of routes.go.
func describeRoutes(d *openAPIDoc) {
	d.add("GET", "/healthz", op{summary: "Liveness: 200 while the process serves.", tag: "operations",
		status: 200, reply: schemaRef("Status")})
	d.add("GET", "/readyz", op{summary: "Readiness: the database and other dependencies answer.", tag: "operations",
		status: 200, reply: schemaRef("Status"), problems: []int{503}})
	d.add("GET", "/metrics", op{summary: "Prometheus metrics.", tag: "operations",
		status: 200, reply: obj{"type": "string"}, mime: "text/plain"})
	d.add("GET", "/api/v1/openapi.json", op{summary: "This document.", tag: "operations", auth: authOptional,
		status: 200, reply: obj{"type": "object"}})
	d.add("GET", "/api/v1/sectors", op{summary: "Sector and stage codes with Chinese and English labels; cities and their districts.",
		tag: "vocabulary", auth: authOptional, status: 200, reply: schemaRef("Vocabulary")})

	d.add("POST", "/api/v1/auth/register", op{summary: "Create an account and sign in. Throttled per address.", tag: "accounts",
		body: "RegisterRequest", status: 201, reply: schemaRef("AuthReply"), problems: []int{401, 409, 429}})
	d.add("POST", "/api/v1/auth/login", op{summary: "Sign in. Failures are throttled per account and per address (429 with Retry-After).",
		tag: "accounts", body: "LoginRequest", status: 200, reply: schemaRef("AuthReply"), problems: []int{401, 429}})
	d.add("POST", "/api/v1/auth/logout", op{summary: "Revoke the token of this request.", tag: "accounts",
		auth: authRequired, status: 204})
	d.add("GET", "/api/v1/me", op{summary: "The caller's account and the profiles they own.", tag: "accounts",
		auth: authRequired, status: 200, reply: schemaRef("MeReply")})

	for _, k := range makerlink.Kinds {
		name := schemaName(k)
		base := "/api/v1/" + k.Plural()
		d.add("GET", base, op{summary: "List " + k.Plural() + " in id order, one page at a time.", tag: "profiles",
			auth: authOptional, params: []string{"sector", "stage", "city", "owner_id", "limit", "cursor"},
			status: 200, reply: obj{"type": "object", "required": []string{"items", "next_cursor"}, "properties": obj{
				"items":       arrayOf(schemaRef(name)),
				"next_cursor": obj{"type": "string", "nullable": true, "description": "Pass as cursor for the next page; null on the last."},
			}}, problems: []int{400}})
		d.add("POST", base, op{summary: "Create a " + string(k) + " profile owned by the caller.", tag: "profiles",
			auth: authRequired, body: name, status: 201, reply: schemaRef(name), headers: []string{"ETag", "Location"}})
		d.add("GET", base+"/{id}", op{summary: "One " + string(k) + ". Startups visible to investors only are 404 for others.",
			tag: "profiles", auth: authOptional, params: []string{"If-None-Match"},
			status: 200, reply: schemaRef(name), headers: []string{"ETag"}, problems: []int{304, 404}})
		d.add("PATCH", base+"/{id}", op{summary: "Merge the body's fields onto the " + string(k) +
			". Send the version edited as If-Match or a version field (428 without, 412 when stale). Owner or admin.",
			tag: "profiles", auth: authRequired, params: []string{"If-Match"}, body: name,
			status: 200, reply: schemaRef(name), headers: []string{"ETag"}, problems: []int{403, 404, 412, 428}})
		d.add("DELETE", base+"/{id}", op{summary: "Delete the " + string(k) + ". Owner or admin; If-Match optional.",
			tag: "profiles", auth: authRequired, params: []string{"If-Match"},
			status: 204, problems: []int{400, 403, 404, 412}})
	}
	describeSearchRoutes(d) // search.go
	describeMatchRoutes(d)  // matches.go
	describeEventRoutes(d)  // events_openapi.go

	describeConnectionRoutes(d) // connections_openapi.go
}

// schemaName is the component name of a kind's schema ("Startup").
func schemaName(k makerlink.Kind) string {
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

func codes(ls []makerlink.Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Code
	}
	return out
}

// profileEnums lists the allowed values of coded fields per kind; for
// array fields they apply to the items.
func profileEnums(k makerlink.Kind) map[string][]string {
	e := map[string][]string{
		"sectors": codes(makerlink.Sectors),
		"stage":   codes(makerlink.Stages),
		"stages":  codes(makerlink.Stages),
	}
	switch k {
	case makerlink.KindStartup:
		e["visibility"] = makerlink.Visibilities
	case makerlink.KindInvestor:
		e["kind"] = makerlink.InvestorKinds
	case makerlink.KindSpace:
		e["kind"] = makerlink.SpaceKinds
	}
	return e
}

// profileRequired lists the fields a create must carry, per kind.
var profileRequired = map[makerlink.Kind][]string{
	makerlink.KindStartup:   {"name", "sectors", "stage", "city"},
	makerlink.KindInvestor:  {"name", "kind"},
	makerlink.KindMentor:    {"name"},
	makerlink.KindEquipment: {"name", "category", "institution", "city"},
	makerlink.KindSpace:     {"name", "kind", "city"},
}

var readOnlyFields = []string{"id", "owner_id", "created_at", "updated_at"}

var timeType = reflect.TypeFor[time.Time]()

// schemaFor derives an object schema from a struct type's JSON fields.
func schemaFor(t reflect.Type, enums map[string][]string) obj {
	props := obj{}
	var addFields func(t reflect.Type)
	addFields = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				addFields(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s := typeSchema(f.Type)
			if f.Type == reflect.TypeFor[makerlink.OptText]() {
				s["nullable"] = true
			}
			if e, ok := enums[name]; ok {
				if items, ok := s["items"].(obj); ok {
					items["enum"] = e
				} else {
					s["enum"] = e
				}
			}
			if slices.Contains(readOnlyFields, name) {
				s["readOnly"] = true
			}
			if name == "version" {
				s["description"] = "Starts at 1 and rises with every change; send it back on PATCH."
			}
			props[name] = s
		}
	}
	addFields(t)
	return obj{"type": "object", "properties": props}
}

// typeSchema maps a Go type to a schema.
func typeSchema(t reflect.Type) obj {
	switch {
	case t == timeType:
		return obj{"type": "string", "format": "date-time"}
	case t == reflect.TypeFor[makerlink.OpenHours]():
		return schemaRef("OpenHours")
	case t == reflect.TypeFor[json.RawMessage]():
		return obj{"description": "Any JSON value."}
	}
	switch t.Kind() {
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int64:
		return obj{"type": "integer", "format": "int64"}
	case reflect.Int, reflect.Int32, reflect.Int16, reflect.Int8:
		return obj{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return obj{"type": "number"}
	case reflect.Slice, reflect.Array:
		return arrayOf(typeSchema(t.Elem()))
	case reflect.Pointer:
		return typeSchema(t.Elem())
	case reflect.Struct:
		return schemaFor(t, nil)
	case reflect.Map:
		return obj{"type": "object", "additionalProperties": typeSchema(t.Elem())}
	}
	return obj{}
}

// problemStatuses are the error statuses that have a reusable response.
var problemStatuses = []int{304, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429, 500, 503}

func components() obj {
	schemas := obj{
		"Status": obj{"type": "object", "properties": obj{"status": obj{"type": "string", "enum": []string{"ok"}}}},
		"Problem": obj{"type": "object", "required": []string{"type", "title", "status", "code", "detail"},
			"properties": obj{
				"type":       obj{"type": "string"},
				"title":      obj{"type": "string"},
				"status":     obj{"type": "integer"},
				"code":       obj{"type": "string", "description": "Stable error code, e.g. bad_json, validation_failed, unauthorized, version_mismatch."},
				"detail":     obj{"type": "string"},
				"errors":     arrayOf(schemaRef("FieldError")),
				"request_id": obj{"type": "string"},
			}},
		"FieldError": schemaFor(reflect.TypeFor[makerlink.FieldError](), nil),
		"User":       schemaFor(reflect.TypeFor[makerlink.User](), map[string][]string{"roles": roleNames(append(slices.Clone(makerlink.SelfServiceRoles), makerlink.RoleAdmin))}),
		"ProfileRef": schemaFor(reflect.TypeFor[makerlink.ProfileRef](), map[string][]string{"kind": kindNames()}),
		"Label":      schemaFor(reflect.TypeFor[makerlink.Label](), nil),
		"City":       schemaFor(reflect.TypeFor[makerlink.City](), nil),
		"OpenHours": obj{"type": "object", "required": []string{"day", "from", "to"}, "properties": obj{
			"day":  obj{"type": "integer", "minimum": 1, "maximum": 7, "description": "1 = Monday"},
			"from": obj{"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
			"to":   obj{"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "May be 24:00."},
		}},
		"RegisterRequest": obj{"type": "object", "required": []string{"email", "password", "name"}, "properties": obj{
			"email":    obj{"type": "string", "format": "email"},
			"password": obj{"type": "string", "minLength": MinPasswordRunes, "description": "At most 72 bytes."},
			"name":     obj{"type": "string", "maxLength": makerlink.MaxName},
			"roles":    arrayOf(obj{"type": "string", "enum": roleNames(makerlink.SelfServiceRoles)}),
		}},
		"LoginRequest": obj{"type": "object", "required": []string{"email", "password"}, "properties": obj{
			"email":    obj{"type": "string", "format": "email"},
			"password": obj{"type": "string"},
		}},
		"AuthReply": schemaFor(reflect.TypeFor[AuthReply](), nil),
		"MeReply":   schemaFor(reflect.TypeFor[MeReply](), nil),
		"Vocabulary": obj{"type": "object", "properties": obj{
			"sectors":        arrayOf(schemaRef("Label")),
			"stages":         arrayOf(schemaRef("Label")),
			"cities":         arrayOf(schemaRef("City")),
			"investor_kinds": arrayOf(obj{"type": "string"}),
			"space_kinds":    arrayOf(obj{"type": "string"}),
			"visibilities":   arrayOf(obj{"type": "string"}),
		}},
	}
	schemas["AuthReply"].(obj)["properties"].(obj)["user"] = schemaRef("User")
	schemas["MeReply"].(obj)["properties"].(obj)["user"] = schemaRef("User")
	schemas["MeReply"].(obj)["properties"].(obj)["profiles"] = arrayOf(schemaRef("ProfileRef"))
	eventSchemas(schemas) // events_openapi.go
	matchSchemas(schemas) // matches.go

	connectionSchemas(schemas) // connections_openapi.go
	for _, k := range makerlink.Kinds {
		p, _ := makerlink.NewProfile(k)
		s := schemaFor(reflect.TypeOf(p).Elem(), profileEnums(k))
		s["required"] = profileRequired[k]
		schemas[schemaName(k)] = s
	}

	responses := obj{}
	for _, st := range problemStatuses {
		r := obj{"description": http.StatusText(st)}
		if st != 304 {
			r["content"] = obj{"application/problem+json": obj{"schema": schemaRef("Problem")}}
		}
		responses["E"+strconv.Itoa(st)] = r
	}

	query := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	params := obj{
		"id":       obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string"}},
		"sector":   query("sector", "A sector code.", obj{"type": "string", "enum": codes(makerlink.Sectors)}),
		"stage":    query("stage", "A stage code.", obj{"type": "string", "enum": codes(makerlink.Stages)}),
		"city":     query("city", "A city: 银川, 银川市 and Yinchuan are the same.", obj{"type": "string"}),
		"owner_id": query("owner_id", "Only profiles of this owner.", obj{"type": "string"}),
		"limit": query("limit", "Page size, 1 to 100 (default 20); other values are 400.",
			obj{"type": "integer", "minimum": 1, "maximum": MaxListLimit, "default": DefaultListLimit}),
		"cursor": query("cursor", "The next_cursor of the previous page.", obj{"type": "string"}),
		"If-Match": obj{"name": "If-Match", "in": "header", "required": false,
			"description": "The version edited, as an ETag: \"3\".", "schema": obj{"type": "string"}},
		"If-None-Match": obj{"name": "If-None-Match", "in": "header", "required": false,
			"description": "An ETag held; 304 when it is current.", "schema": obj{"type": "string"}},
	}
	searchParameters(params) // search.go
	matchParameters(params)  // matches.go
	eventParameters(params)  // events_openapi.go

	connectionParameters(params) // connections_openapi.go
	headers := obj{
		"ETag":     obj{"description": "The version, quoted: \"3\".", "schema": obj{"type": "string"}},
		"Location": obj{"description": "The URL of the created resource.", "schema": obj{"type": "string"}},
	}
	return obj{
		"schemas":    schemas,
		"responses":  responses,
		"parameters": params,
		"headers":    headers,
		"securitySchemes": obj{
			"bearerAuth": obj{"type": "http", "scheme": "bearer", "description": "The token from register or login."},
		},
	}
}

func roleNames(rs []makerlink.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func kindNames() []string {
	out := make([]string, len(makerlink.Kinds))
	for i, k := range makerlink.Kinds {
		out[i] = string(k)
	}
	return out
}

// buildOpenAPI returns the OpenAPI document as JSON.
func buildOpenAPI() []byte {
	d := &openAPIDoc{paths: obj{}}
	describeRoutes(d)
	root := obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":   "makerlink API",
			"version": "1",
			"description": "Links startups of the Ningxia maker-space alliance with angel investors, mentors and open lab equipment. " +
				"Errors are application/problem+json with a stable code. Sign-in throttles count per deployment when the nodes share Redis, else per node.",
		},
		"servers":    []obj{{"url": "/"}},
		"paths":      d.paths,
		"components": components(),
	}
	b, err := json.Marshal(root)
	if err != nil {
		panic("api: openapi: " + err.Error())
	}
	return b
}

// buildVocabulary returns the GET /sectors reply.
func buildVocabulary() []byte {
	b, err := json.Marshal(obj{
		"sectors":        makerlink.Sectors,
		"stages":         makerlink.Stages,
		"cities":         makerlink.Cities,
		"investor_kinds": makerlink.InvestorKinds,
		"space_kinds":    makerlink.SpaceKinds,
		"visibilities":   makerlink.Visibilities,
	})
	if err != nil {
		panic("api: vocabulary: " + err.Error())
	}
	return b
}
