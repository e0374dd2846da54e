package plan

import "strings"

// Role is how a unit takes part in a task.
type Role string

const (
	RoleLead        Role = "lead"        // 牵头单位
	RoleResponsible Role = "responsible" // 责任单位
)

// Assignment says that a unit leads or shares a task: the task's own unit
// names and those of the task-table rows detailing it, resolved through the
// directory, with groups expanded to their members.
type Assignment struct {
	TaskID int64
	UnitID int64
	Role   Role
}

// Allocation is a target split to one unit (分解目标, 附件2): the value in a
// split-table column that measures a goal, on the row of a known unit.
type Allocation struct {
	GoalID int64
	UnitID int64
	Target Decimal
}

// MatchGoal returns the index of the goal a split-table column measures: the
// goal whose indicator is the column name, else the only goal whose indicator
// contains it or is contained in it; -1 when none or several match.
func MatchGoal(goals []DocGoal, column string) int {
	column = CleanName(column)
	if column == "" {
		return -1
	}
	for i, g := range goals {
		if CleanName(g.Indicator) == column {
			return i
		}
	}
	found := -1
	for i, g := range goals {
		ind := CleanName(g.Indicator)
		if ind != "" && (strings.Contains(ind, column) || strings.Contains(column, ind)) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// Resolve works out a stored plan's assignments and allocations. Names the
// directory does not know are skipped here; Lint reports them.
func Resolve(doc *Document, dir *Directory) ([]Assignment, []Allocation) {
	idx := dir.Index()
	seen := map[Assignment]bool{}
	var as []Assignment
	add := func(taskID int64, role Role, names []string) {
		for _, n := range names {
			for _, id := range dir.Expand(idx, n) {
				a := Assignment{TaskID: taskID, UnitID: id, Role: role}
				if !seen[a] {
					seen[a] = true
					as = append(as, a)
				}
			}
		}
	}
	taskIDs := map[string]int64{}
	for _, s := range doc.Sections {
		for _, t := range s.Tasks {
			taskIDs[t.Number] = t.ID
			add(t.ID, RoleLead, t.LeadUnits)
			add(t.ID, RoleResponsible, t.ResponsibleUnits)
		}
	}
	for _, r := range doc.TaskTable {
		if id, ok := taskIDs[r.MapsToTask]; ok {
			add(id, RoleLead, r.LeadUnits)
			add(id, RoleResponsible, r.ResponsibleUnits)
		}
	}

	var al []Allocation
	got := map[[2]int64]bool{}
	for _, t := range doc.DecompositionTables {
		for _, col := range t.Columns {
			gi := MatchGoal(doc.Goals, col)
			if gi < 0 {
				continue
			}
			for _, row := range t.Rows {
				v, ok := row.Values[col]
				ref, known := idx[CleanName(row.Unit)]
				if row.Total || !ok || !known || ref.UnitID == 0 {
					continue
				}
				key := [2]int64{doc.Goals[gi].ID, ref.UnitID}
				if !got[key] {
					got[key] = true
					al = append(al, Allocation{GoalID: key[0], UnitID: key[1], Target: v})
				}
			}
		}
	}
	return as, al
}
