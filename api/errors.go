package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// Error codes only the HTTP layer produces, in addition to makerlink's.
const (
	codePreconditionRequired = "precondition_required" // 428: a write without If-Match or version
	codeMethodNotAllowed     = "method_not_allowed"    // 405
	codeTimeout              = "timeout"               // 503: the request ran out of time
	codeHeadersTooLarge      = "headers_too_large"     // 431
	codeUnsupportedEncoding  = "unsupported_encoding"  // 415: a compressed request body
	codeUpgradeRequired      = "upgrade_required"      // 426: plain HTTP to the websocket endpoint
)

// statusByCode is the only table mapping error codes to HTTP statuses.
var statusByCode = map[string]int{
	makerlink.EBadJSON:            fiber.StatusBadRequest,
	makerlink.EBadRequest:         fiber.StatusBadRequest,
	makerlink.EValidation:         fiber.StatusUnprocessableEntity,
	makerlink.EUnauthorized:       fiber.StatusUnauthorized,
	makerlink.EForbidden:          fiber.StatusForbidden,
	makerlink.ENotFound:           fiber.StatusNotFound,
	makerlink.EConflict:           fiber.StatusConflict,
	makerlink.EVersionMismatch:    fiber.StatusPreconditionFailed,
	makerlink.ESlotTaken:          fiber.StatusConflict,
	makerlink.EAlreadyVoted:       fiber.StatusConflict,
	makerlink.EConflictOfInterest: fiber.StatusForbidden,
	makerlink.ERateLimited:        fiber.StatusTooManyRequests,
	makerlink.EPayloadTooLarge:    fiber.StatusRequestEntityTooLarge,
	makerlink.EUnavailable:        fiber.StatusServiceUnavailable,
	makerlink.EInternal:           fiber.StatusInternalServerError,
	codePreconditionRequired:      fiber.StatusPreconditionRequired,
	codeMethodNotAllowed:          fiber.StatusMethodNotAllowed,
	codeTimeout:                   fiber.StatusServiceUnavailable,
	codeHeadersTooLarge:           fiber.StatusRequestHeaderFieldsTooLarge,
	codeUnsupportedEncoding:       fiber.StatusUnsupportedMediaType,
	codeUpgradeRequired:           fiber.StatusUpgradeRequired,

	// Connections and bookings (connections.go).
	makerlink.EIntroLimit:       fiber.StatusTooManyRequests,
	makerlink.EAskedRecently:    fiber.StatusConflict,
	makerlink.ENotAccepting:     fiber.StatusConflict,
	makerlink.EMentorPaused:     fiber.StatusConflict,
	makerlink.EMentorFull:       fiber.StatusConflict,
	makerlink.EExpired:          fiber.StatusConflict,
	makerlink.EOutsideOpenHours: fiber.StatusUnprocessableEntity,
	makerlink.EBookingTooShort:  fiber.StatusUnprocessableEntity,
	makerlink.EBookingTooLong:   fiber.StatusUnprocessableEntity,
	makerlink.ETooSoon:          fiber.StatusUnprocessableEntity,
	makerlink.ETooFarAhead:      fiber.StatusUnprocessableEntity,
	makerlink.ENotTrained:       fiber.StatusForbidden,
}

// titles are the short, fixed summaries of each code.
var titles = map[string]string{
	makerlink.EBadJSON:            "Malformed JSON body",
	makerlink.EBadRequest:         "Bad request",
	makerlink.EValidation:         "Validation failed",
	makerlink.EUnauthorized:       "Unauthorized",
	makerlink.EForbidden:          "Forbidden",
	makerlink.ENotFound:           "Not found",
	makerlink.EConflict:           "Conflict",
	makerlink.EVersionMismatch:    "Version mismatch",
	makerlink.ESlotTaken:          "Slot taken",
	makerlink.EAlreadyVoted:       "Already voted",
	makerlink.EConflictOfInterest: "Conflict of interest",
	makerlink.ERateLimited:        "Too many requests",
	makerlink.EPayloadTooLarge:    "Payload too large",
	makerlink.EUnavailable:        "Service unavailable",
	makerlink.EInternal:           "Internal error",
	codePreconditionRequired:      "Precondition required",
	codeMethodNotAllowed:          "Method not allowed",
	codeTimeout:                   "Timeout",
	codeHeadersTooLarge:           "Request headers too large",
	codeUnsupportedEncoding:       "Unsupported content encoding",
	codeUpgradeRequired:           "Upgrade required",

	makerlink.EIntroLimit:       "Too many open requests",
	makerlink.EAskedRecently:    "Asked recently",
	makerlink.ENotAccepting:     "Not accepting requests",
	makerlink.EMentorPaused:     "Mentor paused",
	makerlink.EMentorFull:       "Mentor full",
	makerlink.EExpired:          "Request expired",
	makerlink.EOutsideOpenHours: "Outside open hours",
	makerlink.EBookingTooShort:  "Booking too short",
	makerlink.EBookingTooLong:   "Booking too long",
	makerlink.ETooSoon:          "Too soon",
	makerlink.ETooFarAhead:      "Too far ahead",
	makerlink.ENotTrained:       "Not trained",
}

// StatusOf returns the HTTP status for an error code; unknown codes are 500.
func StatusOf(code string) int {
	if st, ok := statusByCode[code]; ok {
		return st
	}
	return fiber.StatusInternalServerError
}

// Problem is the application/problem+json body of every error reply
// (RFC 9457) with the stable Code of the API contract. Errors is set on 422.
type Problem struct {
	Type      string                 `json:"type"`
	Title     string                 `json:"title"`
	Status    int                    `json:"status"`
	Code      string                 `json:"code"`
	Detail    string                 `json:"detail"`
	Errors    []makerlink.FieldError `json:"errors,omitempty"`
	RequestID string                 `json:"request_id,omitempty"`
}

// problemType is the URI prefix of Problem.Type; the code follows it.
const problemType = "urn:makerlink:problem:"

// fiberCode maps a status of Fiber's own errors (no route, body too large,
// ...) to an error code.
func fiberCode(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return makerlink.ENotFound
	case fiber.StatusMethodNotAllowed:
		return codeMethodNotAllowed
	case fiber.StatusRequestEntityTooLarge:
		return makerlink.EPayloadTooLarge
	case fiber.StatusRequestTimeout:
		return codeTimeout
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return codeHeadersTooLarge
	case fiber.StatusServiceUnavailable:
		return makerlink.EUnavailable
	case fiber.StatusUnauthorized:
		return makerlink.EUnauthorized
	case fiber.StatusForbidden:
		return makerlink.EForbidden
	case fiber.StatusTooManyRequests:
		return makerlink.ERateLimited
	case fiber.StatusUpgradeRequired:
		return codeUpgradeRequired
	}
	if status >= 500 {
		return makerlink.EInternal
	}
	return makerlink.EBadRequest
}

// problemOf turns any error into the problem to send.
func problemOf(err error) Problem {
	var (
		fe   *fiber.Error
		code string
		msg  string
	)
	switch {
	case errors.As(err, &fe):
		code = fiberCode(fe.Code)
		switch code {
		case makerlink.ENotFound:
			msg = "No such resource."
		case makerlink.EPayloadTooLarge:
			msg = "The request body is larger than 1 MiB."
		case codeMethodNotAllowed:
			msg = "This method is not allowed here."
		case makerlink.EInternal:
			msg = "Internal error."
		case codeTimeout:
			msg = "The request took too long to arrive."
		case codeHeadersTooLarge:
			msg = "The request headers are too large."
		default:
			msg = fe.Message
			// fasthttp's parse errors may quote the request: keep them short.
			if len(msg) > 200 {
				msg = strings.ToValidUTF8(msg[:200], "") + "…"
			}
		}
	case makerlink.ErrorCode(err) == makerlink.EInternal && errors.Is(err, context.DeadlineExceeded):
		code, msg = codeTimeout, "The request took too long."
	default:
		code, msg = makerlink.ErrorCode(err), makerlink.ErrorMessage(err)
	}
	p := Problem{
		Type:   problemType + code,
		Title:  titles[code],
		Status: StatusOf(code),
		Code:   code,
		Detail: msg,
	}
	if p.Title == "" {
		p.Title = "Error"
	}
	// Every 422 carries its field errors (the contract): validation_failed
	// and the booking rules (too_soon, outside_open_hours, ...) alike.
	if p.Status == fiber.StatusUnprocessableEntity {
		p.Errors = makerlink.ErrorFields(err)
		if p.Errors == nil {
			p.Errors = []makerlink.FieldError{}
		}
	}
	return p
}

// handleError is the fiber ErrorHandler: handlers return errors and this
// writes them as problems. Internal errors are logged with the request id
// and shown as "Internal error.".
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	p := problemOf(err)
	p.RequestID = c.GetRespHeader(fiber.HeaderXRequestID)
	if p.Status >= 500 {
		s.log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
			slog.String("request_id", p.RequestID),
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.String("code", p.Code),
			slog.Any("error", err))
	}
	body, merr := json.Marshal(p)
	if merr != nil {
		return merr
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	if p.Code == codeUpgradeRequired {
		c.Set(fiber.HeaderUpgrade, "websocket") // RFC 9110 §15.5.22: a 426 names the protocol
	}
	return c.Send(body)
}
