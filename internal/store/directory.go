package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"kechuang/internal/plan"
)

// queryer is what reads need: a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Directory returns every unit and group, units in directory order.
func (s *Store) Directory(ctx context.Context) (*plan.Directory, error) {
	return loadDirectory(ctx, s.read)
}

// loadDirectory loads the directory of the organisations in the context's
// scope (every one's without a scope). Names are unique within one
// organisation only: what resolves names (a plan, the registers) loads one
// organisation's directory (orgOnly).
func loadDirectory(ctx context.Context, q queryer) (*plan.Directory, error) {
	dir := &plan.Directory{}
	unitCond, unitArgs := scopeFilter(ctx, "u.org_id", nil)
	rows, err := q.QueryContext(ctx, `
		SELECT u.id, u.name, u.short_name, u.kind, COALESCE(u.parent_id, 0),
		       COALESCE(CASE WHEN p.short_name <> '' THEN p.short_name ELSE p.name END, ''), u.archived_at IS NOT NULL,
		       u.contact, u.phone
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE 1 = 1`+unitCond+`
		ORDER BY u.position, u.id`, unitArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list units: %w", err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		var u plan.Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.ShortName, &u.Kind, &u.ParentID, &u.Parent, &u.Archived, &u.Contact, &u.Phone); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read unit: %w", err)
		}
		byID[u.ID] = len(dir.Units)
		dir.Units = append(dir.Units, u)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("store: unable to list units: %w", err)
	}
	if err := eachRow(ctx, q, `SELECT unit_id, alias FROM unit_aliases ORDER BY alias`, func(r *sql.Rows) error {
		var id int64
		var alias string
		if err := r.Scan(&id, &alias); err != nil {
			return err
		}
		if i, ok := byID[id]; ok {
			dir.Units[i].Aliases = append(dir.Units[i].Aliases, alias)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: unable to list unit aliases: %w", err)
	}

	groupIdx := map[int64]int{}
	groupCond, groupArgs := scopeFilter(ctx, "org_id", nil)
	if err := eachRow(ctx, q, `SELECT id, name FROM unit_groups WHERE 1 = 1`+groupCond+` ORDER BY position, id`, func(r *sql.Rows) error {
		var g plan.Group
		if err := r.Scan(&g.ID, &g.Name); err != nil {
			return err
		}
		groupIdx[g.ID] = len(dir.Groups)
		dir.Groups = append(dir.Groups, g)
		return nil
	}, groupArgs...); err != nil {
		return nil, fmt.Errorf("store: unable to list groups: %w", err)
	}
	if err := eachRow(ctx, q, `SELECT group_id, alias FROM unit_group_aliases ORDER BY alias`, func(r *sql.Rows) error {
		var id int64
		var alias string
		if err := r.Scan(&id, &alias); err != nil {
			return err
		}
		if i, ok := groupIdx[id]; ok {
			dir.Groups[i].Aliases = append(dir.Groups[i].Aliases, alias)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: unable to list group aliases: %w", err)
	}
	if err := eachRow(ctx, q, `
		SELECT m.group_id, u.name FROM unit_group_members m JOIN units u ON u.id = m.unit_id
		ORDER BY m.group_id, m.position, u.position, u.id`, func(r *sql.Rows) error {
		var id int64
		var name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		if i, ok := groupIdx[id]; ok {
			dir.Groups[i].Members = append(dir.Groups[i].Members, name)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: unable to list group members: %w", err)
	}
	return dir, nil
}

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, q queryer, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return closeRows(rows)
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	return errors.Join(err, rows.Close())
}

// ImportDirectory merges dir into the directory of the caller's
// organisation (Scope.Org; the root organisation's for the CLI): units and
// groups are matched by name, added when new and updated when present
// (aliases and members replaced). All-or-nothing; the result is validated
// as a whole.
func (s *Store) ImportDirectory(ctx context.Context, dir *plan.Directory) error {
	if err := dir.Validate(); err != nil {
		return plan.Errorf(plan.EINVALID, "单位名录：%s", err)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		org, err := homeOrg(ctx, tx)
		if err != nil {
			return err
		}
		ctx := orgOnly(ctx, org)
		cur, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		ids := map[string]int64{}
		known := map[string]plan.Unit{}
		for _, u := range cur.Units {
			ids[u.Name], known[u.Name] = u.ID, u
		}
		for i, u := range dir.Units {
			u.ID = ids[plan.CleanName(u.Name)]
			u.Name = plan.CleanName(u.Name)
			// A file without contacts (the notice's directory) keeps
			// those staff entered.
			if k, ok := known[u.Name]; ok && u.Contact == "" && u.Phone == "" {
				u.Contact, u.Phone = k.Contact, k.Phone
			}
			id, err := saveUnit(ctx, tx, u, len(cur.Units)+i)
			if err != nil {
				return err
			}
			ids[u.Name] = id
		}
		// Parents second: a parent may come later in the file.
		for _, u := range dir.Units {
			if u.Parent == "" {
				continue
			}
			if err := setParent(ctx, tx, ids[plan.CleanName(u.Name)], u.Parent); err != nil {
				return err
			}
		}
		groupIDs := map[string]int64{}
		for _, g := range cur.Groups {
			groupIDs[g.Name] = g.ID
		}
		for i, g := range dir.Groups {
			g.ID = groupIDs[plan.CleanName(g.Name)]
			if _, err := saveGroup(ctx, tx, g, len(cur.Groups)+i); err != nil {
				return err
			}
		}
		return s.directoryEdited(ctx, tx, "directory.import", "directory", cur, func(d *plan.Directory) any { return d })
	})
}

// SaveUnit adds a unit (ID 0) or changes one; its aliases are replaced.
func (s *Store) SaveUnit(ctx context.Context, u plan.Unit) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		u.Name = plan.CleanName(u.Name)
		ctx, err := directoryOrg(ctx, tx, "units", u.ID, "单位")
		if err != nil {
			return err
		}
		before, err := directoryPart(ctx, tx, func(d *plan.Directory) any { return unitByID(d, u.ID) })
		if err != nil {
			return err
		}
		if id, err = saveUnit(ctx, tx, u, 1<<20); err != nil {
			return err
		}
		if err := setParent(ctx, tx, id, u.Parent); err != nil {
			return err
		}
		return s.directoryEdited(ctx, tx, saveAction("unit", u.ID), unitObject(id), before, func(d *plan.Directory) any { return unitByID(d, id) })
	})
	return id, err
}

// DeleteUnit removes a unit that has no forms (one that has is archived
// instead: ECONFLICT says so). Plans keep the names as written; they show
// as unknown units until the name is given to another unit.
func (s *Store) DeleteUnit(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ctx, err := directoryOrg(ctx, tx, "units", id, "单位")
		if err != nil {
			return err
		}
		if err := unitUnused(ctx, tx, id); err != nil {
			return err
		}
		before, err := directoryPart(ctx, tx, func(d *plan.Directory) any { return unitByID(d, id) })
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM units WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: unable to delete unit %d: %w", id, err)
		}
		return s.directoryEdited(ctx, tx, "unit.delete", unitObject(id), before, nil)
	})
}

// SaveGroup adds a group (ID 0) or changes one; aliases and members are
// replaced.
func (s *Store) SaveGroup(ctx context.Context, g plan.Group) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ctx, err := directoryOrg(ctx, tx, "unit_groups", g.ID, "单位组")
		if err != nil {
			return err
		}
		before, err := directoryPart(ctx, tx, func(d *plan.Directory) any { return groupByID(d, g.ID) })
		if err != nil {
			return err
		}
		if id, err = saveGroup(ctx, tx, g, 1<<20); err != nil {
			return err
		}
		return s.directoryEdited(ctx, tx, saveAction("group", g.ID), groupObject(id), before, func(d *plan.Directory) any { return groupByID(d, id) })
	})
	return id, err
}

// DeleteGroup removes a group; its units stay.
func (s *Store) DeleteGroup(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ctx, err := directoryOrg(ctx, tx, "unit_groups", id, "单位组")
		if err != nil {
			return err
		}
		before, err := directoryPart(ctx, tx, func(d *plan.Directory) any { return groupByID(d, id) })
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM unit_groups WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: unable to delete group %d: %w", id, err)
		}
		return s.directoryEdited(ctx, tx, "group.delete", groupObject(id), before, nil)
	})
}

// directoryOrg is the context of editing the directory entry id of table
// (units or unit_groups; 0 for a new one): held to the entry's
// organisation, which must be in the caller's scope (else ENOTFOUND), or
// to the caller's own for a new entry.
func directoryOrg(ctx context.Context, tx *sql.Tx, table string, id int64, what string) (context.Context, error) {
	if id == 0 {
		org, err := homeOrg(ctx, tx)
		if err != nil {
			return nil, err
		}
		return orgOnly(ctx, org), nil
	}
	var org int64
	err := tx.QueryRowContext(ctx, `SELECT org_id FROM `+table+` WHERE id = $1`, id).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !reaches(ctx, org) {
		return nil, plan.Errorf(plan.ENOTFOUND, "%s不存在（编号 %d）", what, id)
	}
	if err != nil {
		return nil, wrap(err, "find %s %d", table, id)
	}
	return orgOnly(ctx, org), nil
}

// mustExist returns ENOTFOUND unless table has a row with the id. The table
// name is always a constant of this package.
func mustExist(ctx context.Context, tx *sql.Tx, table string, id int64, what string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return plan.Errorf(plan.ENOTFOUND, "%s不存在（编号 %d）", what, id)
	}
	if err != nil {
		return fmt.Errorf("store: unable to find %s %d: %w", table, id, err)
	}
	return nil
}

func saveUnit(ctx context.Context, tx *sql.Tx, u plan.Unit, position int) (int64, error) {
	if !u.Kind.Valid() {
		return 0, plan.Errorf(plan.EINVALID, "单位“%s”：类型“%s”无效", u.Name, u.Kind)
	}
	u.Contact, u.Phone = strings.TrimSpace(u.Contact), strings.TrimSpace(u.Phone)
	if err := plan.CheckContact(u); err != nil {
		return 0, err
	}
	org, err := homeOrg(ctx, tx)
	if err != nil {
		return 0, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE name = $1 AND id <> $2 AND org_id = $3`, u.Name, u.ID, org).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to check unit %q: %w", u.Name, err)
	}
	if n > 0 {
		return 0, plan.Errorf(plan.ECONFLICT, "单位“%s”已存在", u.Name)
	}
	id := u.ID
	if id == 0 {
		err = tx.QueryRowContext(ctx, `INSERT INTO units (name, short_name, kind, position, contact, phone, org_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			u.Name, plan.CleanName(u.ShortName), string(u.Kind), position, u.Contact, u.Phone, org).Scan(&id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE units SET name = $1, short_name = $2, kind = $3, contact = $4, phone = $5 WHERE id = $6`,
			u.Name, plan.CleanName(u.ShortName), string(u.Kind), u.Contact, u.Phone, id)
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to save unit %q: %w", u.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM unit_aliases WHERE unit_id = $1`, id); err != nil {
		return 0, fmt.Errorf("store: unable to save aliases of %q: %w", u.Name, err)
	}
	for _, a := range uniqueNames(u.Aliases) {
		var owner string
		err := tx.QueryRowContext(ctx, `
			SELECT CASE WHEN o.short_name <> '' THEN o.short_name ELSE o.name END
			FROM unit_aliases a JOIN units o ON o.id = a.unit_id WHERE a.alias = $1 AND a.unit_id <> $2 AND a.org_id = $3`, a, id, org).Scan(&owner)
		if err == nil {
			return 0, plan.Errorf(plan.ECONFLICT, "别名“%s”已被其他单位（%s）使用。", a, owner)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: unable to check alias %q: %w", a, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_aliases (alias, unit_id, org_id) VALUES ($1, $2, $3)`, a, id, org); err != nil {
			return 0, fmt.Errorf("store: unable to save alias %q of %q: %w", a, u.Name, err)
		}
	}
	return id, nil
}

func setParent(ctx context.Context, tx *sql.Tx, id int64, parent string) error {
	var parentID sql.NullInt64
	if parent != "" {
		dir, err := loadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		ref, ok := dir.Index()[plan.CleanName(parent)]
		if !ok || ref.UnitID == 0 {
			return plan.Errorf(plan.EINVALID, "上级单位“%s”不在名录中", parent)
		}
		if ref.UnitID == id {
			return plan.Errorf(plan.EINVALID, "单位不能是自己的上级")
		}
		parentID = sql.NullInt64{Int64: ref.UnitID, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, parentID, id); err != nil {
		return fmt.Errorf("store: unable to set the parent of unit %d: %w", id, err)
	}
	return nil
}

func saveGroup(ctx context.Context, tx *sql.Tx, g plan.Group, position int) (int64, error) {
	g.Name = plan.CleanName(g.Name)
	if g.Name == "" {
		return 0, plan.Errorf(plan.EINVALID, "单位组名称不能为空")
	}
	org, err := homeOrg(ctx, tx)
	if err != nil {
		return 0, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM unit_groups WHERE name = $1 AND id <> $2 AND org_id = $3`, g.Name, g.ID, org).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to check group %q: %w", g.Name, err)
	}
	if n > 0 {
		return 0, plan.Errorf(plan.ECONFLICT, "单位组“%s”已存在", g.Name)
	}
	id := g.ID
	if id == 0 {
		err = tx.QueryRowContext(ctx, `INSERT INTO unit_groups (name, position, org_id) VALUES ($1, $2, $3) RETURNING id`, g.Name, position, org).Scan(&id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE unit_groups SET name = $1 WHERE id = $2`, g.Name, id)
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to save group %q: %w", g.Name, err)
	}
	for _, q := range []string{`DELETE FROM unit_group_aliases WHERE group_id = $1`, `DELETE FROM unit_group_members WHERE group_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return 0, fmt.Errorf("store: unable to save group %q: %w", g.Name, err)
		}
	}
	for _, a := range uniqueNames(g.Aliases) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_group_aliases (alias, group_id, org_id) VALUES ($1, $2, $3)`, a, id, org); err != nil {
			return 0, fmt.Errorf("store: unable to save alias %q of group %q: %w", a, g.Name, err)
		}
	}
	dir, err := loadDirectory(ctx, tx)
	if err != nil {
		return 0, err
	}
	idx := dir.Index()
	for i, m := range uniqueNames(g.Members) {
		ref, ok := idx[m]
		if !ok || ref.UnitID == 0 {
			return 0, plan.Errorf(plan.EINVALID, "单位组“%s”：成员“%s”不是名录中的单位", g.Name, m)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_group_members (group_id, unit_id, position) VALUES ($1, $2, $3)`, id, ref.UnitID, i); err != nil {
			return 0, fmt.Errorf("store: unable to add %q to group %q: %w", m, g.Name, err)
		}
	}
	return id, nil
}

func uniqueNames(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		n = plan.CleanName(n)
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// directoryEdited validates and re-resolves as directoryChanged does, then
// records the change in the audit log: before is the changed part as it
// was, after (nil for a deletion) finds it in the directory now.
func (s *Store) directoryEdited(ctx context.Context, tx *sql.Tx, action, object string, before any, after func(*plan.Directory) any) error {
	if err := directoryChanged(ctx, tx); err != nil {
		return err
	}
	var now any
	if after != nil {
		var err error
		if now, err = directoryPart(ctx, tx, after); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, action, object, before, now)
}

// directoryPart loads the directory and picks a part of it for the audit log.
func directoryPart(ctx context.Context, tx *sql.Tx, pick func(*plan.Directory) any) (any, error) {
	dir, err := loadDirectory(ctx, tx)
	if err != nil {
		return nil, err
	}
	return pick(dir), nil
}

func unitByID(d *plan.Directory, id int64) any {
	return partByID(d.Units, id, func(u plan.Unit) int64 { return u.ID })
}

func groupByID(d *plan.Directory, id int64) any {
	return partByID(d.Groups, id, func(g plan.Group) int64 { return g.ID })
}

func unitObject(id int64) string  { return fmt.Sprintf("unit:%d", id) }
func groupObject(id int64) string { return fmt.Sprintf("group:%d", id) }

// directoryChanged validates the directory of the organisation being edited
// (the context is held to it: orgOnly) as a whole and re-resolves its
// plans and re-attributes its registers against it, inside the caller's
// transaction.
func directoryChanged(ctx context.Context, tx *sql.Tx) error {
	dir, err := loadDirectory(ctx, tx)
	if err != nil {
		return err
	}
	if err := dir.Validate(); err != nil {
		return plan.Errorf(plan.EINVALID, "单位名录：%s", err)
	}
	var ids []int64
	cond, args := scopeFilter(ctx, "org_id", nil)
	if err := eachRow(ctx, tx, `SELECT id FROM plans WHERE 1 = 1`+cond+` ORDER BY id`, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, args...); err != nil {
		return fmt.Errorf("store: unable to list plans: %w", err)
	}
	for _, id := range ids {
		if err := resolvePlan(ctx, tx, id, dir); err != nil {
			return err
		}
	}
	org, err := homeOrg(ctx, tx)
	if err != nil {
		return err
	}
	return reattribute(ctx, tx, org) // its registers are attributed by the directory's names too
}
