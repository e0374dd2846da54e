package plan

import (
	"fmt"
	"unicode/utf8"
)

// Length limits of what people type, in characters. Each is well above
// what the documents themselves hold (the 2022 notice's longest task text
// is under 600 characters), so they stop only pasted junk and abuse.
const (
	MaxName    = 100   // names, labels and numbers: a unit, an alias, an indicator, a round, a task number
	MaxTitle   = 200   // titles: a plan, an action, a task, a table
	MaxComment = 2000  // comments, return reasons, notes, a goal's phrase
	MaxEntry   = 3000  // a form's 进展情况, 存在问题 and 下步打算, each
	MaxText    = 20000 // a task's text or a task-table row's content as the notice writes it
)

// tooLong returns the problem of a text over its limit, naming the field,
// or "" when it fits.
func tooLong(field, s string, max int) string {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("“%s”最多 %d 字（现为 %d 字）", field, max, n)
	}
	return ""
}

// CheckLength is tooLong as an EINVALID error, for checks outside this
// package (users, comments, tokens, settings).
func CheckLength(field, s string, max int) error {
	if p := tooLong(field, s, max); p != "" {
		return Errorf(EINVALID, "%s", p)
	}
	return nil
}
