package notice

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// scoreDoc scores a parsed plan document against an expected one as
// ../shared/tools/score_notice.py does (the project's scorer, ported so
// that tests need nothing but Go): per part an F1 or a share, the overall
// score their mean over the parts the expected document has. Both are
// read from their JSON, as the scorer reads them.
func scoreDoc(expected, got []byte) (overall float64, parts map[string]float64, err error) {
	var exp, g sdoc
	if err := json.Unmarshal(expected, &exp); err != nil {
		return 0, nil, err
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return 0, nil, err
	}
	parts = map[string]float64{}
	var order []string
	set := func(k string, v float64) {
		if _, ok := parts[k]; !ok {
			order = append(order, k)
		}
		parts[k] = v
	}

	// header fields
	want := map[string]string{"doc_number": exp.DocNumber, "issuer": exp.Issuer, "date": exp.Date, "title": exp.Title}
	have := map[string]string{"doc_number": g.DocNumber, "issuer": g.Issuer, "date": g.Date, "title": g.Title}
	n, ok := 0, 0
	for _, k := range []string{"doc_number", "issuer", "date", "title"} {
		if want[k] == "" {
			continue
		}
		n++
		if snorm(want[k]) == snorm(have[k]) {
			ok++
		}
	}
	if n > 0 {
		set("header", float64(ok)/float64(n))
	}

	if len(exp.Goals) > 0 {
		key := func(x sgoal) string { return cmp2(x.Indicator, x.Text) }
		pairs := smatch(exp.Goals, g.Goals, key)
		tp := 0
		for _, p := range pairs {
			if goalOK(exp.Goals[p[0]], g.Goals[p[1]]) {
				tp++
			}
		}
		set("goals", f1(float64(tp), len(exp.Goals), len(g.Goals)))
	}

	et, gt := exp.tasks(), g.tasks()
	if len(et) > 0 {
		title := func(x stask) string { return x.Title }
		pairs := smatch(et, gt, title)
		if float64(len(pairs)) < float64(len(et))/2 && len(g.TaskTable) > 0 {
			var gt2 []stask
			for _, r := range g.TaskTable {
				gt2 = append(gt2, stask{Title: cmp2(r.Content, r.Title), LeadUnits: r.LeadUnits, ResponsibleUnits: r.ResponsibleUnits})
			}
			if p2 := smatch(et, gt2, title); len(p2) > len(pairs) {
				pairs, gt = p2, gt2
			}
		}
		set("tasks", f1(float64(len(pairs)), len(et), len(gt)))
		if len(pairs) > 0 {
			ru := 0.0
			for _, p := range pairs {
				ru += setF1(sunits(et[p[0]].ResponsibleUnits), sunits(gt[p[1]].ResponsibleUnits))
			}
			set("task_units", ru/float64(len(et)))
			leads := 0
			for _, e := range et {
				if len(e.LeadUnits) > 0 {
					leads++
				}
			}
			if leads > 0 {
				lu := 0.0
				for _, p := range pairs {
					if len(et[p[0]].LeadUnits) > 0 {
						lu += setF1(sunits(et[p[0]].LeadUnits), sunits(gt[p[1]].LeadUnits))
					}
				}
				set("lead_units", lu/float64(leads))
			}
		} else {
			set("task_units", 0)
		}
	}

	if len(exp.TaskTable) > 0 {
		bynum := map[string]srow{}
		for _, r := range g.TaskTable {
			bynum[snorm(r.Number)] = r // the last of a number, as a dict is built
		}
		sum := 0.0
		for _, e := range exp.TaskTable {
			r, ok := bynum[snorm(e.Number)]
			if !ok {
				continue
			}
			s := setF1(sunits(e.LeadUnits), sunits(r.LeadUnits)) + setF1(sunits(e.ResponsibleUnits), sunits(r.ResponsibleUnits))
			if snorm(e.MapsToTask) == snorm(r.MapsToTask) {
				s++
			}
			sum += s / 3
		}
		if len(g.TaskTable) > 0 {
			set("task_table", f1(sum, len(exp.TaskTable), len(g.TaskTable)))
		} else {
			set("task_table", 0)
		}
	}

	if len(exp.DecompositionTables) > 0 {
		total, correct, gcells := 0, 0, 0
		for _, t := range g.DecompositionTables {
			for _, r := range t.Rows {
				gcells += len(r.Values)
			}
		}
		for _, et := range exp.DecompositionTables {
			var best *stable
			bestn := -1
			for i := range g.DecompositionTables {
				gt := &g.DecompositionTables[i]
				units := map[string]bool{}
				for _, r := range gt.Rows {
					units[snorm(r.Unit)] = true
				}
				seen := map[string]bool{}
				for _, r := range et.Rows {
					if u := snorm(r.Unit); units[u] {
						seen[u] = true
					}
				}
				if len(seen) > bestn {
					best, bestn = gt, len(seen)
				}
			}
			grows := map[string]stableRow{}
			if best != nil {
				for _, r := range best.Rows {
					grows[snorm(r.Unit)] = r
				}
			}
			for _, r := range et.Rows {
				for _, col := range r.cols {
					total++
					gr, ok := grows[snorm(r.Unit)]
					if !ok {
						continue
					}
					var gv *float64
					for _, gc := range gr.cols {
						if ssim(col, gc) >= 0.6 {
							v := gr.Values[gc]
							gv = &v
							break
						}
					}
					if gv != nil && math.Abs(*gv-r.Values[col]) < 1e-9 {
						correct++
					}
				}
			}
		}
		set("decomposition", f1(float64(correct), total, max(gcells, correct)))
	}

	if len(order) == 0 {
		return 0, parts, nil
	}
	for _, k := range order {
		overall += parts[k]
	}
	return overall / float64(len(order)), parts, nil
}

// The plan document as the scorer reads it: numbers as floats, value
// columns in the JSON's order (the scorer takes the first similar one).
type sdoc struct {
	DocNumber           string                    `json:"doc_number"`
	Issuer              string                    `json:"issuer"`
	Date                string                    `json:"date"`
	Title               string                    `json:"title"`
	Goals               []sgoal                   `json:"goals"`
	Sections            []struct{ Tasks []stask } `json:"sections"`
	TaskTable           []srow                    `json:"task_table"`
	DecompositionTables []stable                  `json:"decomposition_tables"`
}

type sgoal struct {
	Text       string   `json:"text"`
	Indicator  string   `json:"indicator"`
	Comparator string   `json:"comparator"`
	Target     *float64 `json:"target"`
	TargetMax  *float64 `json:"target_max"`
	Unit       string   `json:"unit"`
}

type stask struct {
	Number           string   `json:"number"`
	Title            string   `json:"title"`
	LeadUnits        []string `json:"lead_units"`
	ResponsibleUnits []string `json:"responsible_units"`
}

type srow struct {
	Number           string   `json:"number"`
	Title            string   `json:"title"`
	Content          string   `json:"content"`
	MapsToTask       string   `json:"maps_to_task"`
	LeadUnits        []string `json:"lead_units"`
	ResponsibleUnits []string `json:"responsible_units"`
}

type stable struct {
	Rows []stableRow `json:"rows"`
}

type stableRow struct {
	Unit   string
	Values map[string]float64
	cols   []string // Values' keys in the JSON's order
}

func (r *stableRow) UnmarshalJSON(b []byte) error {
	var raw struct {
		Unit   string          `json:"unit"`
		Values json.RawMessage `json:"values"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	r.Unit, r.Values = raw.Unit, map[string]float64{}
	if len(raw.Values) == 0 || string(raw.Values) == "null" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw.Values)))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.Number
		if err := dec.Decode(&v); err != nil {
			return err
		}
		f, _ := v.Float64()
		col := t.(string)
		r.cols = append(r.cols, col)
		r.Values[col] = f
	}
	return nil
}

func (d sdoc) tasks() []stask {
	var out []stask
	for _, s := range d.Sections {
		out = append(out, s.Tasks...)
	}
	return out
}

func cmp2(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var punctFold = strings.NewReplacer("（", "(", "）", ")", "，", ",", "；", ";", "：", ":", "“", `"`, "”", `"`,
	"‘", "'", "’", "'", "　", "", "．", ".", "％", "%")

var spacesRe = regexp.MustCompile(`\s+`)

func snorm(s string) string {
	s = spacesRe.ReplaceAllString(punctFold.Replace(s), "")
	return strings.Trim(s, "。.;,")
}

func ssim(a, b string) float64 {
	a, b = snorm(a), snorm(b)
	if a == "" || b == "" {
		return 0
	}
	r := seqRatio([]rune(a), []rune(b))
	if strings.Contains(b, a) || strings.Contains(a, b) {
		return max(0.8, r)
	}
	return r
}

// smatch pairs expected and got items greedily by similarity (at least
// 0.6), best first; ties as Python's sort of (score, i, j) descending.
func smatch[T any](exp, got []T, key func(T) string) [][2]int {
	type cand struct {
		s    float64
		i, j int
	}
	var cs []cand
	for i, e := range exp {
		for j, g := range got {
			if s := ssim(key(e), key(g)); s >= 0.6 {
				cs = append(cs, cand{s, i, j})
			}
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		switch {
		case a.s != b.s:
			if a.s > b.s {
				return -1
			}
			return 1
		case a.i != b.i:
			return b.i - a.i
		}
		return b.j - a.j
	})
	ui, uj := map[int]bool{}, map[int]bool{}
	var out [][2]int
	for _, c := range cs {
		if ui[c.i] || uj[c.j] {
			continue
		}
		ui[c.i], uj[c.j] = true, true
		out = append(out, [2]int{c.i, c.j})
	}
	return out
}

func f1(tp float64, nExp, nGot int) float64 {
	if nExp == 0 && nGot == 0 {
		return 1
	}
	var p, r float64
	if nGot > 0 {
		p = tp / float64(nGot)
	}
	if nExp > 0 {
		r = tp / float64(nExp)
	}
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func comparatorOK(want, got string) bool {
	w, g := snorm(want), snorm(got)
	if w == "=" {
		return g == "=" || g == ">=" || g == "≈" || g == ""
	}
	return w == g
}

func goalOK(e, g sgoal) bool {
	eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return eq(e.Target, g.Target) && eq(e.TargetMax, g.TargetMax) && comparatorOK(e.Comparator, g.Comparator) && snorm(e.Unit) == snorm(g.Unit)
}

func sunits(list []string) map[string]bool {
	out := map[string]bool{}
	for _, u := range list {
		if n := snorm(u); n != "" {
			out[n] = true
		}
	}
	return out
}

func setF1(a, b map[string]bool) float64 {
	n := 0
	for u := range a {
		if b[u] {
			n++
		}
	}
	return f1(float64(n), len(a), len(b))
}

// seqRatio is Python's difflib.SequenceMatcher(None, a, b).ratio(),
// autojunk included: 2·M/T over the matching blocks.
func seqRatio(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	b2j := map[rune][]int{}
	for j, r := range b {
		b2j[r] = append(b2j[r], j)
	}
	if n := len(b); n >= 200 {
		ntest := n/100 + 1
		for r, js := range b2j {
			if len(js) > ntest {
				delete(b2j, r)
			}
		}
	}
	longest := func(alo, ahi, blo, bhi int) (int, int, int) {
		besti, bestj, bestsize := alo, blo, 0
		j2len := map[int]int{}
		for i := alo; i < ahi; i++ {
			newj2len := map[int]int{}
			for _, j := range b2j[a[i]] {
				if j < blo {
					continue
				}
				if j >= bhi {
					break
				}
				k := j2len[j-1] + 1
				newj2len[j] = k
				if k > bestsize {
					besti, bestj, bestsize = i-k+1, j-k+1, k
				}
			}
			j2len = newj2len
		}
		// With no junk function nothing is junk: a match extends over equal
		// elements, popular ones included.
		for besti > alo && bestj > blo && a[besti-1] == b[bestj-1] {
			besti, bestj, bestsize = besti-1, bestj-1, bestsize+1
		}
		for besti+bestsize < ahi && bestj+bestsize < bhi && a[besti+bestsize] == b[bestj+bestsize] {
			bestsize++
		}
		return besti, bestj, bestsize
	}
	matches := 0
	queue := [][4]int{{0, len(a), 0, len(b)}}
	for len(queue) > 0 {
		q := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		alo, ahi, blo, bhi := q[0], q[1], q[2], q[3]
		i, j, k := longest(alo, ahi, blo, bhi)
		if k == 0 {
			continue
		}
		matches += k
		if alo < i && blo < j {
			queue = append(queue, [4]int{alo, i, blo, j})
		}
		if i+k < ahi && j+k < bhi {
			queue = append(queue, [4]int{i + k, ahi, j + k, bhi})
		}
	}
	return 2 * float64(matches) / float64(len(a)+len(b))
}

func formatParts(parts map[string]float64) string {
	var keys []string
	for k := range parts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + strconv.FormatFloat(parts[k], 'f', 2, 64) + " ")
	}
	return strings.TrimSpace(b.String())
}
