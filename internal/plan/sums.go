package plan

// ColumnSum is the check a split table's column must pass: its units' parts
// add up to the total row and to the goal the column measures.
type ColumnSum struct {
	Column string
	Sum    Decimal  // of the rows that are not the total
	Total  *Decimal // the total row's value; nil when the table has none
	Goal   *DocGoal // the goal the column measures; nil when none matches
}

// TotalOK reports whether the parts add up to the total row (true when the
// table has no total row).
func (c ColumnSum) TotalOK() bool { return c.Total == nil || c.Sum.Cmp(*c.Total) == 0 }

// GoalOK reports whether the parts add up to the goal's target (true when
// no goal matches, or the goal is a range, which parts cannot sum to).
func (c ColumnSum) GoalOK() bool {
	return c.Goal == nil || c.Goal.Comparator == WithinRange || c.Sum.Cmp(c.Goal.Target) == 0
}

// OK reports whether both checks pass.
func (c ColumnSum) OK() bool { return c.TotalOK() && c.GoalOK() }

// SumColumns adds up each column of a split table in exact arithmetic.
func SumColumns(t *DocTable, goals []DocGoal) []ColumnSum {
	out := make([]ColumnSum, 0, len(t.Columns))
	for _, col := range t.Columns {
		c := ColumnSum{Column: col}
		for _, r := range t.Rows {
			v, ok := r.Values[col]
			switch {
			case !ok:
			case r.Total:
				v := v
				c.Total = &v
			default:
				c.Sum = c.Sum.Add(v)
			}
		}
		if gi := MatchGoal(goals, col); gi >= 0 {
			c.Goal = &goals[gi]
		}
		out = append(out, c)
	}
	return out
}
