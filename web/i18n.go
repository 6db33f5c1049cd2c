package web

import (
	"encoding/json"
	"fmt"
	"strings"

	"makerlink"
)

// Languages lists the languages of the web app; the first is the default.
var Languages = []string{"zh", "en"}

// Catalog holds every UI string of the web app by language and key. The
// same messages serve templates (through [Catalog.T]) and the JavaScript
// modules (as the "t" member of each page's data block).
type Catalog struct {
	msgs map[string]map[string]string
}

// LoadCatalog reads the embedded i18n/<lang>.json files and adds the
// vocabulary labels of the domain package: "sector.<code>", "stage.<code>",
// "city.<Chinese name>" and "pass_reason.<code>".
func LoadCatalog() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := i18nFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("web: catalog %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: catalog %s: %w", lang, err)
		}
		for _, s := range makerlink.Sectors {
			m["sector."+s.Code] = pick(lang, s.ZH, s.EN)
		}
		for _, s := range makerlink.Stages {
			m["stage."+s.Code] = pick(lang, s.ZH, s.EN)
		}
		for _, ct := range makerlink.Cities {
			m["city."+ct.ZH] = pick(lang, ct.ZH, ct.EN)
		}
		for _, r := range makerlink.PassReasons {
			m["pass_reason."+r.Code] = pick(lang, r.ZH, r.EN)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// Messages returns the messages of a language. Callers must not modify it.
func (c *Catalog) Messages(lang string) map[string]string { return c.msgs[lang] }

// Keys returns the keys of a language's messages.
func (c *Catalog) Keys(lang string) []string {
	out := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	return out
}

// Has reports whether the language has a message for key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// T returns the message for key in lang with each {name} placeholder
// replaced by the value following name in args. A missing key yields the
// key itself, which the catalog tests keep from happening.
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.msgs[lang][key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return s
}

// FieldLabel returns the label of a profile form field: the kind's own
// "field.<kind>.<name>" when there is one, else the shared "field.<name>".
func (c *Catalog) FieldLabel(lang string, k makerlink.Kind, name string) string {
	if key := "field." + string(k) + "." + name; c.Has(lang, key) {
		return c.T(lang, key)
	}
	return c.T(lang, "field."+name)
}

// FieldHint returns the help text of a form field, or "".
func (c *Catalog) FieldHint(lang string, k makerlink.Kind, name string) string {
	for _, key := range []string{"hint." + string(k) + "." + name, "hint." + name} {
		if c.Has(lang, key) {
			return c.T(lang, key)
		}
	}
	return ""
}
