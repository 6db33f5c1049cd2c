package makerlink

import (
	"errors"
	"fmt"
)

// Stable error codes. They are part of the API contract: clients match on
// them, so never rename one. The HTTP layer maps each to a status.
const (
	EBadJSON            = "bad_json"             // 400: the body is not valid JSON (or not UTF-8)
	EBadRequest         = "bad_request"          // 400: a malformed query parameter or header
	EValidation         = "validation_failed"    // 422: field errors in Error.Fields
	EUnauthorized       = "unauthorized"         // 401: no or bad credentials
	EForbidden          = "forbidden"            // 403: signed in, not allowed
	ENotFound           = "not_found"            // 404
	EConflict           = "conflict"             // 409: e.g. an email already registered
	EVersionMismatch    = "version_mismatch"     // 412: a stale If-Match
	ESlotTaken          = "slot_taken"           // 409: a booking overlaps another
	EAlreadyVoted       = "already_voted"        // 409
	EConflictOfInterest = "conflict_of_interest" // 403
	ERateLimited        = "rate_limited"         // 429
	EPayloadTooLarge    = "payload_too_large"    // 413
	EUnavailable        = "unavailable"          // 503: a dependency is down
	EInternal           = "internal"             // 500: details are logged, never shown
)

// Error is the error type of the domain. Code is one of the E* constants;
// Message is safe to show to a user; Fields lists per-field problems of a
// validation error. Op and Err carry context for logs only.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Op      string
	Err     error
}

// FieldError describes one invalid field of a request body.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Field error codes used in [FieldError.Code].
const (
	FRequired   = "required"
	FTooLong    = "too_long"
	FTooMany    = "too_many"
	FInvalid    = "invalid"
	FUnknown    = "unknown_code"
	FNegative   = "negative"
	FOutOfRange = "out_of_range"
)

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code
	}
	switch {
	case e.Op != "" && e.Err != nil:
		return fmt.Sprintf("%s: %s: %v", e.Op, msg, e.Err)
	case e.Op != "":
		return e.Op + ": " + msg
	case e.Err != nil:
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted user message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err. Errors that are not an
// *Error are internal and yield a generic message so that details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		if e.Message != "" {
			return e.Message
		}
		return e.Code
	}
	return "Internal error."
}

// ErrorFields returns the field errors of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors; its zero value is ready to use.
type Validation struct{ fields []FieldError }

// Add records a problem with a field.
func (v *Validation) Add(field, code, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: message})
}

// Err returns a validation_failed *Error listing the recorded fields, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EValidation, Message: "Some fields are invalid.", Fields: v.fields}
}
