package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// firstByte returns the first non-space byte of b, or 0.
func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// checkJSONObject checks that body is UTF-8 text holding one well-formed
// JSON object and nothing after it.
func checkJSONObject(body []byte) error {
	switch firstByte(body) {
	case 0:
		return errBadJSON("The request body is empty; send a JSON object.")
	case '{':
	default:
		if !utf8.Valid(body) {
			return errBadJSON("The request body is not valid UTF-8.")
		}
		return errBadJSON("The request body must be a JSON object.")
	}
	// encoding/json silently replaces invalid UTF-8 with U+FFFD.
	if !utf8.Valid(body) {
		return errBadJSON("The request body is not valid UTF-8.")
	}
	if !json.Valid(body) {
		// Decode to get a message with the position of the problem.
		var x any
		if err := json.Unmarshal(body, &x); err != nil {
			return jsonError(err)
		}
		return errBadJSON("The request body is not valid JSON.")
	}
	return nil
}

// decodeJSON decodes a JSON object body into v, refusing invalid UTF-8,
// unknown fields, wrong types and trailing data with bad_json.
func decodeJSON(body []byte, v any) error {
	if err := checkJSONObject(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadJSON("Unexpected data after the JSON object.")
	}
	return nil
}

// jsonError turns an encoding/json error into a bad_json error whose
// message says what is wrong without echoing the body.
func jsonError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return errBadJSON(fmt.Sprintf("Malformed JSON at byte %d: %s.", syn.Offset, strings.TrimPrefix(syn.Error(), "json: ")))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return errBadJSON(fmt.Sprintf("Expected %s, got %s.", typeName(typ.Type.Kind().String()), typ.Value))
		}
		return errBadJSON(fmt.Sprintf("Field %q must be %s, not %s.", field, typeName(typ.Type.Kind().String()), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errBadJSON("The JSON body ends too early.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errBadJSON("Unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + ".")
	}
	return errBadJSON("The request body is not valid JSON.")
}

// typeName describes a reflect kind to a client.
func typeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}
