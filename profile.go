package makerlink

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind names one of the five profile kinds. Its value is the plural used in
// URLs (/api/v1/startups) and in search hits.
type Kind string

// The five profile kinds.
const (
	KindStartup   Kind = "startup"
	KindInvestor  Kind = "investor"
	KindMentor    Kind = "mentor"
	KindEquipment Kind = "equipment"
	KindSpace     Kind = "space"
)

// Kinds lists every profile kind.
var Kinds = []Kind{KindStartup, KindInvestor, KindMentor, KindEquipment, KindSpace}

// Plural returns the URL segment of the kind ("startups", "equipment").
func (k Kind) Plural() string {
	if k == KindEquipment {
		return "equipment"
	}
	return string(k) + "s"
}

// KindFromPlural maps a URL segment back to its kind.
func KindFromPlural(s string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Plural() == s {
			return k, true
		}
	}
	return "", false
}

// Meta is the bookkeeping every profile carries. The store owns it: clients
// never set these fields.
type Meta struct {
	ID        string    `json:"id"`
	OwnerID   string    `json:"owner_id"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Base returns the metadata itself; it makes every profile type satisfy the
// Base method of [Profile] through embedding.
func (m *Meta) Base() *Meta { return m }

// Profile is implemented by the five profile types.
type Profile interface {
	Kind() Kind
	Base() *Meta
	// Validate checks the fields a user sets and returns a validation_failed
	// *Error listing every invalid field, or nil.
	Validate() error
	// Tags returns what lists, filters and access checks need to know.
	Tags() Tags
}

// Tags are the indexed attributes of a profile.
type Tags struct {
	Name       string
	Sectors    []string
	Stages     []string
	Cities     []string
	Visibility string // VisibilityPublic or VisibilityInvestors
}

// NewProfile returns an empty profile of the kind, with defaults set, ready to
// decode a create request into.
func NewProfile(k Kind) (Profile, bool) {
	switch k {
	case KindStartup:
		return &Startup{Visibility: VisibilityPublic}, true
	case KindInvestor:
		return &Investor{Accepting: true}, true
	case KindMentor:
		return &Mentor{Capacity: 3}, true
	case KindEquipment:
		return &Equipment{MinMinutes: 30, MaxMinutes: 480}, true
	case KindSpace:
		return &Space{}, true
	}
	return nil, false
}

// Startup is a founder's company profile.
type Startup struct {
	Meta
	Name          string   `json:"name"`
	Tagline       string   `json:"tagline"`
	Description   string   `json:"description"`
	Sectors       []string `json:"sectors"`
	Stage         string   `json:"stage"`
	City          string   `json:"city"`
	District      string   `json:"district,omitempty"`
	FundingAskCNY int64    `json:"funding_ask_cny"`
	TeamSize      int      `json:"team_size"`
	FoundedOn     OptText  `json:"founded_on"` // YYYY-MM-DD; null when unknown
	SpaceID       OptText  `json:"space_id"`   // null when in no space
	Needs         []string `json:"needs"`
	Visibility    string   `json:"visibility"`
}

// Investor is an angel, fund or other investor's profile.
type Investor struct {
	Meta
	Name         string   `json:"name"`
	Type         string   `json:"kind"` // one of InvestorKinds
	Organization string   `json:"organization,omitempty"`
	Sectors      []string `json:"sectors"`
	Stages       []string `json:"stages"`
	TicketMinCNY int64    `json:"ticket_min_cny"`
	TicketMaxCNY int64    `json:"ticket_max_cny"`
	Regions      []string `json:"regions"`
	Thesis       string   `json:"thesis"`
	Accepting    bool     `json:"accepting"`
	Portfolio    []string `json:"portfolio"`
}

// Mentor is a startup mentor's profile.
type Mentor struct {
	Meta
	Name         string   `json:"name"`
	Bio          string   `json:"bio"`
	Organization string   `json:"organization,omitempty"`
	Expertise    []string `json:"expertise"`
	Sectors      []string `json:"sectors"`
	Languages    []string `json:"languages"`
	Capacity     int      `json:"capacity"`
	City         string   `json:"city"`
}

// OpenHours is one weekly opening window of an instrument, in Asia/Shanghai
// local time. Day is 1 (Monday) to 7 (Sunday); To may be "24:00".
type OpenHours struct {
	Day  int    `json:"day"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Equipment is a research instrument that an institution opens to startups.
type Equipment struct {
	Meta
	Name             string      `json:"name"`
	Category         string      `json:"category"`
	Institution      string      `json:"institution"`
	City             string      `json:"city"`
	District         string      `json:"district,omitempty"`
	Description      string      `json:"description"`
	Specs            string      `json:"specs"`
	PricePerHourCNY  int64       `json:"price_per_hour_cny"`
	RequiresApproval bool        `json:"requires_approval"`
	OpenHours        []OpenHours `json:"open_hours"`
	MinMinutes       int         `json:"min_minutes"`
	MaxMinutes       int         `json:"max_minutes"`
	LeadMinutes      int         `json:"lead_minutes"`
}

// Space is an incubator, maker space or accelerator.
type Space struct {
	Meta
	Name        string   `json:"name"`
	Type        string   `json:"kind"` // one of SpaceKinds
	City        string   `json:"city"`
	District    string   `json:"district,omitempty"`
	Description string   `json:"description"`
	Services    []string `json:"services"`
	Capacity    int      `json:"capacity"`
}

// Kind implements [Profile].
func (*Startup) Kind() Kind   { return KindStartup }
func (*Investor) Kind() Kind  { return KindInvestor }
func (*Mentor) Kind() Kind    { return KindMentor }
func (*Equipment) Kind() Kind { return KindEquipment }
func (*Space) Kind() Kind     { return KindSpace }

// Tags implements [Profile].
func (s *Startup) Tags() Tags {
	vis := s.Visibility
	if vis == "" {
		vis = VisibilityPublic
	}
	return Tags{Name: s.Name, Sectors: s.Sectors, Stages: nonEmpty(s.Stage), Cities: nonEmpty(s.City), Visibility: vis}
}
func (i *Investor) Tags() Tags {
	return Tags{Name: i.Name, Sectors: i.Sectors, Stages: i.Stages, Cities: i.Regions, Visibility: VisibilityPublic}
}
func (m *Mentor) Tags() Tags {
	return Tags{Name: m.Name, Sectors: m.Sectors, Cities: nonEmpty(m.City), Visibility: VisibilityPublic}
}
func (e *Equipment) Tags() Tags {
	return Tags{Name: e.Name, Cities: nonEmpty(e.City), Visibility: VisibilityPublic}
}
func (s *Space) Tags() Tags {
	return Tags{Name: s.Name, Cities: nonEmpty(s.City), Visibility: VisibilityPublic}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Field limits, in characters (runes) or items.
const (
	MaxName      = 120
	MaxShortText = 300
	MaxLongText  = 20000
	MaxListItems = 50
	MaxMoneyCNY  = 1_000_000_000_000 // one trillion yuan
)

// Validate implements [Profile].
func (s *Startup) Validate() error {
	var v Validation
	s.Sectors, s.Needs = nonNil(s.Sectors), nonNil(s.Needs)
	s.City, s.District = CanonicalPlace(s.City, s.District)
	text(&v, "name", s.Name, MaxName, true)
	text(&v, "tagline", s.Tagline, MaxShortText, false)
	text(&v, "description", s.Description, MaxLongText, false)
	sectors(&v, "sectors", s.Sectors, true)
	code(&v, "stage", s.Stage, Stages, true)
	text(&v, "city", s.City, MaxName, true)
	text(&v, "district", s.District, MaxName, false)
	districtOf(&v, s.City, s.District)
	money(&v, "funding_ask_cny", s.FundingAskCNY)
	intRange(&v, "team_size", s.TeamSize, 0, 100000)
	if s.FoundedOn != "" {
		d, err := time.Parse(time.DateOnly, string(s.FoundedOn))
		switch {
		case err != nil:
			v.Add("founded_on", FInvalid, "must be a date YYYY-MM-DD")
		case d.Year() < 1900 || d.After(time.Now().AddDate(0, 0, 1)):
			v.Add("founded_on", FOutOfRange, "must be a past date, from 1900")
		}
	}
	text(&v, "space_id", string(s.SpaceID), MaxName, false)
	texts(&v, "needs", s.Needs, MaxShortText)
	oneOf(&v, "visibility", s.Visibility, Visibilities, true)
	return v.Err()
}

func (i *Investor) Validate() error {
	var v Validation
	i.Sectors, i.Stages, i.Regions, i.Portfolio = nonNil(i.Sectors), nonNil(i.Stages), nonNil(i.Regions), nonNil(i.Portfolio)
	text(&v, "name", i.Name, MaxName, true)
	oneOf(&v, "kind", i.Type, InvestorKinds, true)
	text(&v, "organization", i.Organization, MaxName, false)
	sectors(&v, "sectors", i.Sectors, false)
	for n, st := range i.Stages {
		code(&v, fmt.Sprintf("stages[%d]", n), st, Stages, true)
		twice(&v, "stages", i.Stages, n)
	}
	if len(i.Stages) > len(Stages) {
		v.Add("stages", FTooMany, "too many stages")
	}
	money(&v, "ticket_min_cny", i.TicketMinCNY)
	money(&v, "ticket_max_cny", i.TicketMaxCNY)
	if i.TicketMaxCNY > 0 && i.TicketMinCNY > i.TicketMaxCNY {
		v.Add("ticket_max_cny", FOutOfRange, "must not be below ticket_min_cny")
	}
	for n := range i.Regions {
		i.Regions[n], _ = CanonicalPlace(i.Regions[n], "")
	}
	texts(&v, "regions", i.Regions, MaxName)
	text(&v, "thesis", i.Thesis, MaxLongText, false)
	texts(&v, "portfolio", i.Portfolio, MaxName)
	return v.Err()
}

func (m *Mentor) Validate() error {
	var v Validation
	m.Expertise, m.Sectors, m.Languages = nonNil(m.Expertise), nonNil(m.Sectors), nonNil(m.Languages)
	m.City, _ = CanonicalPlace(m.City, "")
	text(&v, "name", m.Name, MaxName, true)
	text(&v, "bio", m.Bio, MaxLongText, false)
	text(&v, "organization", m.Organization, MaxName, false)
	texts(&v, "expertise", m.Expertise, MaxShortText)
	sectors(&v, "sectors", m.Sectors, false)
	texts(&v, "languages", m.Languages, 40)
	intRange(&v, "capacity", m.Capacity, 0, 1000)
	text(&v, "city", m.City, MaxName, false)
	return v.Err()
}

func (e *Equipment) Validate() error {
	var v Validation
	e.OpenHours = nonNil(e.OpenHours)
	e.City, e.District = CanonicalPlace(e.City, e.District)
	text(&v, "name", e.Name, MaxName, true)
	text(&v, "category", e.Category, MaxName, true)
	text(&v, "institution", e.Institution, MaxName, true)
	text(&v, "city", e.City, MaxName, true)
	text(&v, "district", e.District, MaxName, false)
	districtOf(&v, e.City, e.District)
	text(&v, "description", e.Description, MaxLongText, false)
	text(&v, "specs", e.Specs, MaxLongText, false)
	money(&v, "price_per_hour_cny", e.PricePerHourCNY)
	if len(e.OpenHours) > 7*4 {
		v.Add("open_hours", FTooMany, "at most 28 windows")
	}
	for n, h := range e.OpenHours {
		f := fmt.Sprintf("open_hours[%d]", n)
		if h.Day < 1 || h.Day > 7 {
			v.Add(f+".day", FOutOfRange, "day must be 1 (Monday) to 7 (Sunday)")
		}
		from, okF := ParseClock(h.From)
		to, okT := ParseClock(h.To)
		switch {
		case !okF || from == 24*60:
			v.Add(f+".from", FInvalid, "must be HH:MM")
		case !okT:
			v.Add(f+".to", FInvalid, "must be HH:MM or 24:00")
		case to <= from:
			v.Add(f+".to", FOutOfRange, "must be after from")
		default:
			for m, o := range e.OpenHours[:n] {
				of, okOF := ParseClock(o.From)
				ot, okOT := ParseClock(o.To)
				if okOF && okOT && o.Day == h.Day && from < ot && of < to {
					v.Add(f, FOutOfRange, fmt.Sprintf("overlaps open_hours[%d] on the same day", m))
					break
				}
			}
		}
	}
	intRange(&v, "min_minutes", e.MinMinutes, 1, 7*24*60)
	intRange(&v, "max_minutes", e.MaxMinutes, 1, 7*24*60)
	if e.MaxMinutes < e.MinMinutes {
		v.Add("max_minutes", FOutOfRange, "must not be below min_minutes")
	}
	intRange(&v, "lead_minutes", e.LeadMinutes, 0, 365*24*60)
	return v.Err()
}

func (s *Space) Validate() error {
	var v Validation
	s.Services = nonNil(s.Services)
	s.City, s.District = CanonicalPlace(s.City, s.District)
	text(&v, "name", s.Name, MaxName, true)
	oneOf(&v, "kind", s.Type, SpaceKinds, true)
	text(&v, "city", s.City, MaxName, true)
	text(&v, "district", s.District, MaxName, false)
	districtOf(&v, s.City, s.District)
	text(&v, "description", s.Description, MaxLongText, false)
	texts(&v, "services", s.Services, MaxShortText)
	intRange(&v, "capacity", s.Capacity, 0, 1_000_000)
	return v.Err()
}

// ParseClock parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func ParseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, m := 0, 0
	for _, c := range s[:2] + s[3:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	h = int(s[0]-'0')*10 + int(s[1]-'0')
	m = int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// CheckText reports why s is not acceptable user text of at most max runes,
// as a field error code, or "" when it is fine. Control characters other
// than tab and newline are refused, as is invalid UTF-8.
func CheckText(s string, max int) string {
	if !utf8.ValidString(s) {
		return FInvalid
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return FInvalid
		}
	}
	if n > max {
		return FTooLong
	}
	return ""
}

func text(v *Validation, field, s string, max int, required bool) {
	if required && strings.TrimSpace(s) == "" {
		v.Add(field, FRequired, "is required")
		return
	}
	switch CheckText(s, max) {
	case FInvalid:
		v.Add(field, FInvalid, "contains invalid characters")
	case FTooLong:
		v.Add(field, FTooLong, fmt.Sprintf("must be at most %d characters", max))
	}
}

func texts(v *Validation, field string, list []string, max int) {
	if len(list) > MaxListItems {
		v.Add(field, FTooMany, fmt.Sprintf("at most %d items", MaxListItems))
		return
	}
	for n, s := range list {
		text(v, fmt.Sprintf("%s[%d]", field, n), s, max, true)
	}
}

func sectors(v *Validation, field string, list []string, required bool) {
	if required && len(list) == 0 {
		v.Add(field, FRequired, "choose at least one sector")
	}
	if len(list) > len(Sectors) {
		v.Add(field, FTooMany, "too many sectors")
		return
	}
	for n, c := range list {
		code(v, fmt.Sprintf("%s[%d]", field, n), c, Sectors, true)
		twice(v, field, list, n)
	}
}

// twice flags list[n] when an earlier entry holds the same value.
func twice(v *Validation, field string, list []string, n int) {
	if n > 0 && list[n] != "" && slices.Contains(list[:n], list[n]) {
		v.Add(fmt.Sprintf("%s[%d]", field, n), FInvalid, "is listed twice")
	}
}

func code(v *Validation, field, c string, ls []Label, required bool) {
	if c == "" {
		if required {
			v.Add(field, FRequired, "is required")
		}
		return
	}
	if _, ok := labelByCode(ls, c); !ok {
		v.Add(field, FUnknown, fmt.Sprintf("unknown code %q", truncate(c, 40)))
	}
}

func oneOf(v *Validation, field, s string, allowed []string, required bool) {
	if s == "" {
		if required {
			v.Add(field, FRequired, "is required")
		}
		return
	}
	if !contains(allowed, s) {
		v.Add(field, FUnknown, "must be one of "+strings.Join(allowed, ", "))
	}
}

func money(v *Validation, field string, n int64) {
	switch {
	case n < 0:
		v.Add(field, FNegative, "must not be negative")
	case n > MaxMoneyCNY:
		v.Add(field, FOutOfRange, "is too large")
	}
}

func intRange(v *Validation, field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.Add(field, FOutOfRange, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// nonNil returns s, or an empty slice when s is nil, so that a list a
// profile was created without reads [] and not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// OptText is an optional text field of a profile: stored and compared as
// a string, written to JSON as null when empty, so that the key is always
// there and never holds an empty date or id.
type OptText string

// MarshalJSON writes null for an empty value.
func (t OptText) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(t))
}

// UnmarshalJSON reads a string or null (empty).
func (t *OptText) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = OptText(s)
	return nil
}

// districtOf flags a county or district of the list that lies in another
// city than city (a startup moved to 银川 that still says 隆德县).
func districtOf(v *Validation, city, district string) {
	if c, ok := DistrictCity(district); ok && c != city {
		v.Add("district", FInvalid, fmt.Sprintf("%s is in %s, not in %s", district, c, city))
	}
}
