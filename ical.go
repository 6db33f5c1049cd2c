package makerlink

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is an iCalendar (RFC 5545) feed of an instrument's bookings.
// It carries no personal data: events say only that the time is taken.
type Calendar struct {
	Name   string // X-WR-CALNAME, the instrument's name
	Events []CalendarEvent
}

// CalendarEvent is one VEVENT.
type CalendarEvent struct {
	UID       string
	Start     time.Time
	End       time.Time
	Stamp     time.Time // DTSTAMP: when the booking last changed
	Summary   string
	Tentative bool // STATUS:TENTATIVE (waiting for approval) instead of CONFIRMED
}

// ICSProdID is the PRODID of the feeds.
const ICSProdID = "-//Ningxia Maker Alliance//makerlink//ZH"

// BookingCalendar builds the public feed of an instrument: one event per
// booking that holds its slot, titled only "已预约 / Booked".
func BookingCalendar(equipmentName string, bs []*Booking) Calendar {
	c := Calendar{Name: equipmentName}
	for _, b := range bs {
		if !HoldsSlot(b.Status) {
			continue
		}
		ev := CalendarEvent{UID: b.ID + "@makerlink", Start: b.Start, End: b.End, Stamp: b.UpdatedAt,
			Summary: "已预约 / Booked"}
		if b.Status == BookingPending {
			ev.Tentative = true
			ev.Summary = "待审批 / Pending approval"
		}
		c.Events = append(c.Events, ev)
	}
	return c
}

// Render returns the calendar as an RFC 5545 document: CRLF line ends,
// lines folded at 75 octets (never inside a UTF-8 sequence), TEXT values
// escaped, and times in UTC.
func (c Calendar) Render() []byte {
	var b strings.Builder
	line := func(s string) { writeFolded(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:" + ICSProdID)
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME:" + EscapeICSText(c.Name))
	}
	line("X-WR-TIMEZONE:Asia/Shanghai")
	for _, e := range c.Events {
		line("BEGIN:VEVENT")
		line("UID:" + EscapeICSText(e.UID))
		line("DTSTAMP:" + icsTime(e.Stamp))
		line("DTSTART:" + icsTime(e.Start))
		line("DTEND:" + icsTime(e.End))
		line("SUMMARY:" + EscapeICSText(e.Summary))
		if e.Tentative {
			line("STATUS:TENTATIVE")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("TRANSP:OPAQUE")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// EscapeICSText escapes a TEXT value (RFC 5545 3.3.11): backslash,
// semicolon, comma and newlines; other control characters are dropped.
func EscapeICSText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes one content line, folding it so that no physical
// line exceeds 75 octets before its CRLF; continuation lines start with a
// space, which counts toward their 75.
func writeFolded(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
