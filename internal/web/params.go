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

// listQuery is the search box and filters of a list page, read from the
// query string: the lists are filtered on the server, so the page needs no
// script and a filtered list can be bookmarked.
type listQuery struct {
	Q      string            // words typed in the search box
	Filter map[string]string // the list's own filters (kind, state, …)
}

// readListQuery reads q and the named filters.
func readListQuery(r *http.Request, filters ...string) listQuery {
	q := r.URL.Query()
	lq := listQuery{Q: strings.TrimSpace(q.Get("q")), Filter: map[string]string{}}
	for _, f := range filters {
		lq.Filter[f] = strings.TrimSpace(q.Get(f))
	}
	return lq
}

// Active reports whether anything narrows the list.
func (lq listQuery) Active() bool {
	if lq.Q != "" {
		return true
	}
	for _, v := range lq.Filter {
		if v != "" {
			return true
		}
	}
	return false
}

// Matches reports whether every word of the search box is in one of the
// texts (case folded): 三家店 张 finds 三家店街道 with contact 张三.
func (lq listQuery) Matches(texts ...string) bool {
	for _, w := range strings.Fields(strings.ToLower(lq.Q)) {
		found := false
		for _, t := range texts {
			if strings.Contains(strings.ToLower(t), w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Is reports whether filter f is unset or set to v.
func (lq listQuery) Is(f, v string) bool { return lq.Filter[f] == "" || lq.Filter[f] == v }
