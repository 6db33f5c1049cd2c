package web

import "makerlink"

// Field describes one profile attribute for the create and edit forms and
// the profile page. Its JSON form is what the page modules use to fill,
// read and display the attribute.
type Field struct {
	Name     string   `json:"name"` // the JSON field of the profile
	Type     string   `json:"type"` // one of the Field* types
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"` // codes of a select or multi
	Prefix   string   `json:"prefix,omitempty"`  // catalog key prefix of option labels
	Max      int      `json:"max,omitempty"`     // characters of text, or the largest number
	Min      int      `json:"min,omitempty"`     // the smallest number
}

// Field types.
const (
	FieldText     = "text"     // one line
	FieldTextarea = "textarea" // paragraphs
	FieldInt      = "int"      // a whole number
	FieldMoney    = "money"    // whole yuan
	FieldBool     = "bool"     // a checkbox
	FieldSelect   = "select"   // one code of Options
	FieldMulti    = "multi"    // any codes of Options (checkboxes)
	FieldList     = "list"     // free text items, one per line
	FieldDate     = "date"     // YYYY-MM-DD
	FieldCity     = "city"     // a city, suggested from the Ningxia cities
	FieldHours    = "hours"    // weekly opening windows of an instrument
)

func codes(ls []makerlink.Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Code
	}
	return out
}

func cityNames() []string {
	out := make([]string, len(makerlink.Cities))
	for i, c := range makerlink.Cities {
		out[i] = c.ZH
	}
	return out
}

// Schemas lists the editable fields of each profile kind in form order.
var Schemas = map[makerlink.Kind][]Field{
	makerlink.KindStartup: {
		{Name: "name", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "tagline", Type: FieldText, Max: makerlink.MaxShortText},
		{Name: "sectors", Type: FieldMulti, Required: true, Options: codes(makerlink.Sectors), Prefix: "sector."},
		{Name: "stage", Type: FieldSelect, Required: true, Options: codes(makerlink.Stages), Prefix: "stage."},
		{Name: "city", Type: FieldCity, Required: true, Max: makerlink.MaxName},
		{Name: "district", Type: FieldText, Max: makerlink.MaxName},
		{Name: "funding_ask_cny", Type: FieldMoney, Max: makerlink.MaxMoneyCNY},
		{Name: "team_size", Type: FieldInt, Max: 100000},
		{Name: "founded_on", Type: FieldDate},
		{Name: "description", Type: FieldTextarea, Max: makerlink.MaxLongText},
		{Name: "needs", Type: FieldList, Max: makerlink.MaxShortText},
		{Name: "visibility", Type: FieldSelect, Required: true, Options: makerlink.Visibilities, Prefix: "visibility."},
	},
	makerlink.KindInvestor: {
		{Name: "name", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "kind", Type: FieldSelect, Required: true, Options: makerlink.InvestorKinds, Prefix: "investor_kind."},
		{Name: "organization", Type: FieldText, Max: makerlink.MaxName},
		{Name: "sectors", Type: FieldMulti, Options: codes(makerlink.Sectors), Prefix: "sector."},
		{Name: "stages", Type: FieldMulti, Options: codes(makerlink.Stages), Prefix: "stage."},
		{Name: "ticket_min_cny", Type: FieldMoney, Max: makerlink.MaxMoneyCNY},
		{Name: "ticket_max_cny", Type: FieldMoney, Max: makerlink.MaxMoneyCNY},
		{Name: "regions", Type: FieldMulti, Options: cityNames(), Prefix: "city."},
		{Name: "thesis", Type: FieldTextarea, Max: makerlink.MaxLongText},
		{Name: "accepting", Type: FieldBool},
		{Name: "portfolio", Type: FieldList, Max: makerlink.MaxName},
	},
	makerlink.KindMentor: {
		{Name: "name", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "organization", Type: FieldText, Max: makerlink.MaxName},
		{Name: "city", Type: FieldCity, Max: makerlink.MaxName},
		{Name: "sectors", Type: FieldMulti, Options: codes(makerlink.Sectors), Prefix: "sector."},
		{Name: "expertise", Type: FieldList, Max: makerlink.MaxShortText},
		{Name: "languages", Type: FieldList, Max: 40},
		{Name: "capacity", Type: FieldInt, Max: 1000},
		{Name: "bio", Type: FieldTextarea, Max: makerlink.MaxLongText},
	},
	makerlink.KindEquipment: {
		{Name: "name", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "category", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "institution", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "city", Type: FieldCity, Required: true, Max: makerlink.MaxName},
		{Name: "district", Type: FieldText, Max: makerlink.MaxName},
		{Name: "price_per_hour_cny", Type: FieldMoney, Max: makerlink.MaxMoneyCNY},
		{Name: "requires_approval", Type: FieldBool},
		{Name: "open_hours", Type: FieldHours},
		{Name: "min_minutes", Type: FieldInt, Min: 1, Max: 7 * 24 * 60},
		{Name: "max_minutes", Type: FieldInt, Min: 1, Max: 7 * 24 * 60},
		{Name: "lead_minutes", Type: FieldInt, Max: 365 * 24 * 60},
		{Name: "description", Type: FieldTextarea, Max: makerlink.MaxLongText},
		{Name: "specs", Type: FieldTextarea, Max: makerlink.MaxLongText},
	},
	makerlink.KindSpace: {
		{Name: "name", Type: FieldText, Required: true, Max: makerlink.MaxName},
		{Name: "kind", Type: FieldSelect, Required: true, Options: makerlink.SpaceKinds, Prefix: "space_kind."},
		{Name: "city", Type: FieldCity, Required: true, Max: makerlink.MaxName},
		{Name: "district", Type: FieldText, Max: makerlink.MaxName},
		{Name: "capacity", Type: FieldInt, Max: 1_000_000},
		{Name: "services", Type: FieldList, Max: makerlink.MaxShortText},
		{Name: "description", Type: FieldTextarea, Max: makerlink.MaxLongText},
	},
}
