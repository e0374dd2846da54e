package notice

import (
	"slices"
	"strings"
	"unicode"

	"kechuang/internal/plan"
)

// Each task-table row details a body task. Rows follow the body's order
// and sit under the same actions, so a row is matched among the tasks of
// its action (when the table names actions the body has) near the task the
// row before it matched, to the task whose title and text contain most of
// the row's content: the share of the row's character pairs (bigrams) found
// in the task. Ties go to the nearest task at or after the previous one.
// Below minMatch a row maps to nothing and the lint reports it.

const (
	minMatch = 0.3
	// Candidates are looked for this far behind and ahead of the previous
	// row's task, which keeps matching linear in long notices.
	lookBehind = 4
	lookAhead  = 48
)

type bodyTask struct {
	task    *plan.DocTask
	section string
	pairs   []uint64
}

// mapRows sets each row's maps_to_task (and its section when the table
// names none), then gives body tasks without lead units those of their rows.
func (p *parser) mapRows() {
	var tasks []bodyTask
	// starts lists, per section number, the index of each section's first
	// task: a long plan may reuse numbers in each of its parts.
	starts := map[string][]int{}
	for si := range p.doc.Sections {
		s := &p.doc.Sections[si]
		starts[s.Number] = append(starts[s.Number], len(tasks))
		for ti := range s.Tasks {
			t := &s.Tasks[ti]
			// The text begins with the title, or follows it when the title
			// stands on a line of its own.
			text := t.Text
			if !strings.HasPrefix(text, t.Title) {
				text = t.Title + "。" + text
			}
			tasks = append(tasks, bodyTask{task: t, section: s.Number, pairs: bigrams(text)})
		}
	}
	if len(tasks) == 0 {
		return
	}
	cursor := 0
	rowsOf := make(map[*plan.DocTask][]*plan.DocTaskRow)
	for ri := range p.doc.TaskTable {
		r := &p.doc.TaskTable[ri]
		rowPairs := bigrams(r.Content)
		if len(rowPairs) == 0 {
			continue
		}
		_, named := starts[r.Section]
		if named && tasks[cursor].section != r.Section {
			cursor = nextStart(starts[r.Section], cursor)
		}
		best, bestScore := -1, minMatch
		consider := func(i int) {
			if i < 0 || i >= len(tasks) || (named && tasks[i].section != r.Section) {
				return
			}
			if s := containment(rowPairs, tasks[i].pairs); s > bestScore {
				best, bestScore = i, s
			}
		}
		for d := 0; d <= lookAhead; d++ {
			consider(cursor + d)
			if d > 0 && d <= lookBehind {
				consider(cursor - d)
			}
		}
		if best < 0 {
			continue
		}
		cursor = best
		t := tasks[best]
		r.MapsToTask = t.task.Number
		if r.Section == "" {
			r.Section = t.section
		}
		rowsOf[t.task] = append(rowsOf[t.task], r)
	}
	for _, t := range tasks {
		if len(t.task.LeadUnits) > 0 {
			continue
		}
		for _, r := range rowsOf[t.task] {
			t.task.LeadUnits = appendNew(t.task.LeadUnits, r.LeadUnits...)
		}
	}
}

// nextStart returns the first of a section's starts after cursor, or its
// last one when the table has gone back.
func nextStart(starts []int, cursor int) int {
	i, _ := slices.BinarySearch(starts, cursor)
	if i == len(starts) {
		i--
	}
	return starts[i]
}

// bigrams returns the sorted set of adjacent character pairs of s,
// ignoring punctuation and spaces and folding traditional characters.
func bigrams(s string) []uint64 {
	var out []uint64
	var prev rune = -1
	for _, r := range key(toASCIIDigits(s)) {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		if prev >= 0 {
			out = append(out, uint64(prev)<<32|uint64(r))
		}
		prev = r
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// containment is the share of a's pairs found in b.
func containment(a, b []uint64) float64 {
	n := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			n++
		}
	}
	return float64(n) / float64(len(a))
}
