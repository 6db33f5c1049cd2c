package api

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// Search routes (issue 3, owned by the search engineer). routes.go calls
// searchRoutes; openapi.go calls describeSearchRoutes and
// searchParameters. Config.Search provides the service; without one the
// routes answer 503.

// MaxSearchOffset is the deepest offset GET /search accepts.
const MaxSearchOffset = 10000

// searchRoutes registers GET /search and GET /search/suggest on the
// /api/v1 group.
func (s *Server) searchRoutes(v1 fiber.Router) {
	v1.Get("/search", s.searchProfiles)
	v1.Get("/search/suggest", s.suggestProfiles)
}

func (s *Server) searchService() (makerlink.SearchService, error) {
	if s.search == nil {
		return nil, makerlink.Errorf(makerlink.EUnavailable, "Search is not available on this server.")
	}
	return s.search, nil
}

// searchProfiles serves GET /api/v1/search.
func (s *Server) searchProfiles(c *fiber.Ctx) error {
	svc, err := s.searchService()
	if err != nil {
		return err
	}
	q := makerlink.SearchQuery{
		Q:       strings.Clone(c.Query("q")),
		Kinds:   multiQuery(c, "kind"),
		Sectors: multiQuery(c, "sector"),
		Stages:  multiQuery(c, "stage"),
		Cities:  multiQuery(c, "city"),
		Viewer:  viewer(c),
		Limit:   DefaultListLimit,
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxListLimit {
			return makerlink.Errorf(makerlink.EBadRequest, "limit must be a whole number from 1 to %d.", MaxListLimit)
		}
		q.Limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxSearchOffset {
			return makerlink.Errorf(makerlink.EBadRequest, "offset must be a whole number from 0 to %d.", MaxSearchOffset)
		}
		q.Offset = n
	}
	if c.Context().QueryArgs().Has("facets") {
		q.Facets = []string{}
		q.Facets = append(q.Facets, multiQuery(c, "facets")...)
	}
	res, err := svc.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// suggestProfiles serves GET /api/v1/search/suggest: a JSON array of up
// to 10 {kind, id, title}.
func (s *Server) suggestProfiles(c *fiber.Ctx) error {
	svc, err := s.searchService()
	if err != nil {
		return err
	}
	out, err := svc.Suggest(c.UserContext(), strings.Clone(c.Query("q")), viewer(c))
	if err != nil {
		return err
	}
	if out == nil {
		out = []makerlink.Suggestion{}
	}
	return c.JSON(out)
}

// multiQuery returns the values of a query parameter that may repeat and
// may hold comma-separated values, copied out of Fiber's buffers.
func multiQuery(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Context().QueryArgs().PeekMulti(name) {
		for _, part := range strings.Split(string(v), ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// describeSearchRoutes adds the search routes to the OpenAPI document.
func describeSearchRoutes(d *openAPIDoc) {
	hit := obj{"type": "object", "required": []string{"kind", "id", "title", "snippet", "score"}, "properties": obj{
		"kind":    obj{"type": "string", "enum": kindNames()},
		"id":      obj{"type": "string"},
		"title":   obj{"type": "string"},
		"snippet": obj{"type": "string", "description": "HTML: matched words in <mark>, everything else escaped."},
		"score":   obj{"type": "number"},
	}}
	counts := obj{"type": "object", "additionalProperties": obj{"type": "integer"}}
	d.add("GET", "/api/v1/search", op{
		summary: "Ranked search over startups, investors, mentors, equipment and spaces, in Chinese, English, pinyin " +
			"or a mix, with facet counts. Startups visible to investors only never appear, not even in counts, for " +
			"viewers who may not see them. An empty q needs a filter; q without letters or characters gives no hits.",
		tag: "search", auth: authOptional,
		params: []string{"search_q", "search_kind", "search_sector", "search_stage", "search_city", "limit", "search_offset", "search_facets"},
		status: 200, reply: obj{"type": "object", "required": []string{"total", "hits", "facets"}, "properties": obj{
			"total": obj{"type": "integer"},
			"hits":  arrayOf(hit),
			"facets": obj{"type": "object", "required": []string{"kind", "sector", "stage", "city"}, "properties": obj{
				"kind": counts, "sector": counts, "stage": counts, "city": counts,
			}},
		}}, problems: []int{400, 503}})
	d.add("GET", "/api/v1/search/suggest", op{
		summary: "Up to 10 profiles whose name, a word of it, or its pinyin (full or initials) starts with q.",
		tag:     "search", auth: authOptional, params: []string{"search_q"},
		status: 200, reply: arrayOf(obj{"type": "object", "required": []string{"kind", "id", "title"}, "properties": obj{
			"kind":  obj{"type": "string", "enum": kindNames()},
			"id":    obj{"type": "string"},
			"title": obj{"type": "string"},
		}}), problems: []int{400, 503}})
}

// searchParameters adds the query parameters of the search routes to the
// document's components.
func searchParameters(params obj) {
	query := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	list := func(name, desc string) obj {
		return query(name, desc+" Several values: repeat the parameter or separate them with commas; any of them matches.",
			obj{"type": "string"})
	}
	params["search_q"] = query("q", "The search text, at most 200 characters.", obj{"type": "string", "maxLength": 200})
	params["search_kind"] = list("kind", "Profile kinds (startup or startups, ...).")
	params["search_sector"] = list("sector", "Sector codes.")
	params["search_stage"] = list("stage", "Stage codes.")
	params["search_city"] = list("city", "Cities: 银川, 银川市 and Yinchuan are the same.")
	params["search_offset"] = query("offset", "Hits to skip, 0 to 10000.",
		obj{"type": "integer", "minimum": 0, "maximum": MaxSearchOffset, "default": 0})
	params["search_facets"] = query("facets", "Facets to count, comma-separated among kind, sector, stage and city "+
		"(default all; empty for none). Others are 400.", obj{"type": "string"})
}
