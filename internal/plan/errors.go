package plan

import (
	"errors"
	"fmt"
)

// Error codes say what kind of failure an error is, so the web layer can map
// it to an HTTP status and show the message; internal detail stays in logs.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says where
	ENOTFOUND     = "not_found"    // no such thing (or not yours to see)
	ECONFLICT     = "conflict"     // someone changed it first, or it already exists
	EUNAUTHORIZED = "unauthorized" // not logged in
	EFORBIDDEN    = "forbidden"    // logged in, but not allowed
	ETOOLARGE     = "too_large"    // the request is bigger than the place it is sent to takes
	EINTERNAL     = "internal"
)

// Error is an error fit to show a user: Message is Chinese and says what to
// fix. A check of many fields also says, in Fields, which field each
// problem is at, so that a page marks each field and the API names it.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Current is where the thing stands now, when a conflict is about its
	// version: a client that lost a race learns what it lost to without
	// reading the thing again.
	Current *Current
}

// Current is a versioned thing's version and state, as a conflict names it.
type Current struct {
	Version int    `json:"version"`
	State   string `json:"state,omitempty"`
}

// WithCurrent names, in a conflict err, the version and state the thing
// stands at; other errors pass unchanged.
func WithCurrent(err error, version int, state string) error {
	var e *Error
	if errors.As(err, &e) && e.Code == ECONFLICT {
		e.Current = &Current{Version: version, State: state}
	}
	return err
}

// CurrentOf is the version and state a conflict names; nil when it names
// none.
func CurrentOf(err error) *Current {
	var e *Error
	if errors.As(err, &e) {
		return e.Current
	}
	return nil
}

// FieldError is one problem at one field of the input. Field is a path the
// page and the API share: the JSON field of the thing checked, with the IDs
// of the entries it sits in ("tasks.12.progress", "values.3.value").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors returns the field problems of the first *Error in err's
// chain; nil when there are none.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's message,
// or a generic one for internal errors, whose text users never see.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "服务器内部错误，请稍后再试或联系管理员。"
}
