package plan

import "strings"

// EntryChange is what changed in a unit's entry on a task since its
// previous reported entry (an earlier round's): what reviewers look at
// first.
type EntryChange struct {
	First      bool // the unit had not reported on the task before
	StatusFrom TaskStatus
	StatusTo   TaskStatus
	Fields     []FieldChange // the texts that changed, in the form's order
	Previous   FormTask      // the previous entry, to show folded
}

// StatusChanged reports whether the status moved.
func (c EntryChange) StatusChanged() bool { return !c.First && c.StatusFrom != c.StatusTo }

// Unchanged reports whether the entry is as it was reported before.
func (c EntryChange) Unchanged() bool { return !c.First && !c.StatusChanged() && len(c.Fields) == 0 }

// FieldChange is one changed text of an entry, as parts kept, added and
// removed.
type FieldChange struct {
	Label string // 进展情况, 存在问题, 下步打算
	Parts []DiffPart
}

// DiffOp says what became of a part of a text.
type DiffOp string

const (
	DiffSame    DiffOp = "same"
	DiffAdded   DiffOp = "added"
	DiffRemoved DiffOp = "removed"
)

// DiffPart is a run of a text that was kept, added or removed.
type DiffPart struct {
	Op   DiffOp
	Text string
}

// CompareEntry compares a unit's entry on a task with its previous reported
// one (nil when it has none).
func CompareEntry(prev *FormTask, cur FormTask) EntryChange {
	if prev == nil {
		return EntryChange{First: true, StatusTo: cur.Status}
	}
	c := EntryChange{StatusFrom: prev.Status, StatusTo: cur.Status, Previous: *prev}
	for _, f := range []struct{ label, before, after string }{
		{"进展情况", prev.Progress, cur.Progress},
		{"存在问题", prev.Problems, cur.Problems},
		{"下步打算", prev.NextSteps, cur.NextSteps},
	} {
		if strings.TrimSpace(f.before) != strings.TrimSpace(f.after) {
			c.Fields = append(c.Fields, FieldChange{Label: f.label, Parts: DiffText(f.before, f.after)})
		}
	}
	return c
}

// maxDiffCells bounds the comparison table of DiffText; texts with more
// sentences than that are shown as removed whole and added whole.
const maxDiffCells = 1 << 16

// DiffText compares two texts sentence by sentence (a sentence ends at 。
// ；！？, their ASCII forms, or a line break): the sentences both keep, in
// order, are the longest common sequence; the rest of before was removed
// and the rest of after added; a sentence edited shows only what changed
// in it (refine). Adjacent parts of one kind are joined.
func DiffText(before, after string) []DiffPart {
	a, b := sentences(before), sentences(after)
	var parts []DiffPart
	add := func(op DiffOp, text string) {
		if text == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Op == op {
			parts[n-1].Text += text
			return
		}
		parts = append(parts, DiffPart{Op: op, Text: text})
	}
	if len(a)*len(b) > maxDiffCells {
		add(DiffRemoved, before)
		add(DiffAdded, after)
		return parts
	}
	// lcs[i][j] is the length of the longest common sequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if strings.TrimSpace(a[i]) == strings.TrimSpace(b[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case strings.TrimSpace(a[i]) == strings.TrimSpace(b[j]):
			add(DiffSame, b[j])
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			add(DiffRemoved, a[i])
			i++
		default:
			add(DiffAdded, b[j])
			j++
		}
	}
	for ; i < len(a); i++ {
		add(DiffRemoved, a[i])
	}
	for ; j < len(b); j++ {
		add(DiffAdded, b[j])
	}
	return refine(parts)
}

// refine narrows each removal followed by an addition (a sentence edited)
// to what differs between them: the text they begin and end with is kept,
// so a sentence with words appended shows the words alone as added.
func refine(parts []DiffPart) []DiffPart {
	var out []DiffPart
	add := func(op DiffOp, text string) {
		if text == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += text
			return
		}
		out = append(out, DiffPart{Op: op, Text: text})
	}
	for i := 0; i < len(parts); i++ {
		if parts[i].Op != DiffRemoved || i+1 == len(parts) || parts[i+1].Op != DiffAdded {
			add(parts[i].Op, parts[i].Text)
			continue
		}
		a, b := []rune(parts[i].Text), []rune(parts[i+1].Text)
		pre := 0
		for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
			pre++
		}
		suf := 0
		for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
			suf++
		}
		add(DiffSame, string(a[:pre]))
		add(DiffRemoved, string(a[pre:len(a)-suf]))
		add(DiffAdded, string(b[pre:len(b)-suf]))
		add(DiffSame, string(a[len(a)-suf:]))
		i++
	}
	return out
}

// sentences splits a text after each sentence end, keeping every character.
func sentences(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		switch r {
		case '。', '；', '！', '？', ';', '!', '?', '\n':
			end := i + len(string(r))
			out = append(out, s[start:end])
			start = end
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
