package web

import (
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// pathID reads a numeric ID from the path; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, plan.Errorf(plan.ENOTFOUND, "页面不存在。")
	}
	return id, nil
}

// optionalPathID is pathID for routes that serve both "new" and an ID.
func optionalPathID(r *http.Request, name string) (int64, error) {
	if r.PathValue(name) == "" {
		return 0, nil
	}
	return pathID(r, name)
}

// formUnits splits a units field as typed: 区科工局、区发改委，各街道、镇、集聚区,
// or one name a line. Group phrases the directory knows are kept whole even
// when they hold separators that plan.SplitUnits would split on.
func formUnits(value string, dir *plan.Directory) []string {
	value = strings.NewReplacer("\r\n", "、", "\n", "、").Replace(value)
	for _, g := range dir.Groups {
		for _, n := range append([]string{g.Name}, g.Aliases...) {
			value = strings.ReplaceAll(value, n, strings.ReplaceAll(n, "、", "\x00"))
		}
	}
	names := plan.SplitUnits(value)
	for i, n := range names {
		names[i] = strings.ReplaceAll(n, "\x00", "、")
	}
	return names
}

// formDecimal reads an optional decimal field; field names it in the error.
func formDecimal(r *http.Request, key, field string) (*plan.Decimal, error) {
	v := strings.TrimSpace(r.PostFormValue(key))
	if v == "" {
		return nil, nil
	}
	d, err := plan.ParseDecimal(v)
	if err != nil {
		return nil, plan.Errorf(plan.EINVALID, "“%s”：“%s”不是数字", field, v)
	}
	return &d, nil
}

func formInt(r *http.Request, key, field string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(key))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, plan.Errorf(plan.EINVALID, "“%s”：“%s”不是整数", field, v)
	}
	return n, nil
}

// formLines splits a textarea into trimmed non-empty lines: one alias a
// line, since a group's alias may itself hold 、.
func formLines(value string) []string {
	var out []string
	for _, l := range strings.Split(value, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
