package store

import (
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"kechuang/internal/plan"
)

// Constraint violations are turned into errors fit for users here, in one
// place, whichever database reported them: every write runs through inTx,
// which passes its error to constraintError. Store methods check what they
// can first and say precisely what is wrong (naming the alias, the unit,
// the forms); the database's constraints are the safety net behind those
// checks, for races and for whatever a check missed.

// uniqueConstraints names each UNIQUE or PRIMARY KEY constraint a user can
// run into as SQLite reports it (its columns) and as PostgreSQL does (its
// name), with what to tell the user.
var uniqueConstraints = []struct {
	sqlite, postgres string
	code, message    string
}{
	{"units.org_id, units.name", "units_org_name_key", plan.ECONFLICT, "已有同名的单位，请换一个名称。"},
	{"unit_aliases.org_id, unit_aliases.alias", "unit_aliases_pkey", plan.ECONFLICT, "别名已被其他单位使用，请换一个别名。"},
	{"unit_groups.org_id, unit_groups.name", "unit_groups_org_name_key", plan.ECONFLICT, "已有同名的单位组，请换一个名称。"},
	{"unit_group_aliases.org_id, unit_group_aliases.alias", "unit_group_aliases_pkey", plan.ECONFLICT, "别名已被其他单位组使用，请换一个别名。"},
	{"unit_group_members.group_id, unit_group_members.unit_id", "unit_group_members_pkey", plan.EINVALID, "单位组的成员有重复。"},
	{"users.username", "users_username_key", plan.ECONFLICT, "用户名已被使用，请换一个。"},
	{"round_units.round_id, round_units.unit_id", "round_units_pkey", plan.EINVALID, "调度的参与单位有重复。"},
	{"forms.round_id, forms.unit_id", "forms_round_id_unit_id_key", plan.ECONFLICT, "该单位在本轮调度中已有填报表。"},
	{"form_versions.form_id, form_versions.version", "form_versions_form_id_version_key", plan.ECONFLICT, "此表刚被他人修改，您的修改未保存。请重新打开后再改。"},
	{"split_columns.table_id, split_columns.name", "split_columns_table_id_name_key", plan.EINVALID, "分解表中有重名的列。"},
	// A register's key: two imports writing the same records at once
	// (PostgreSQL; SQLite lets one writer in at a time).
	{"enterprises.org_id, enterprises.uscc", "enterprises_org_uscc_key", plan.ECONFLICT, registerRaceMessage},
	{"smes.org_id, smes.uscc, smes.year", "smes_uscc_year", plan.ECONFLICT, registerRaceMessage},
	{"smes.org_id, smes.reg_no", "smes_reg_no", plan.ECONFLICT, registerRaceMessage},
	{"hightech_certs.org_id, hightech_certs.cert_no", "hightech_certs_org_cert_no_key", plan.ECONFLICT, registerRaceMessage},
	{"contracts.org_id, contracts.reg_no", "contracts_org_reg_no_key", plan.ECONFLICT, registerRaceMessage},
	{"patents.org_id, patents.number", "patents_org_number_key", plan.ECONFLICT, registerRaceMessage},
	{"platforms.name, platforms.kind, platforms.level, platforms.org_id", "platforms_name_kind_level_org_key", plan.ECONFLICT, registerRaceMessage},
	{"index 'statistics_key'", "statistics_key", plan.ECONFLICT, registerRaceMessage},
}

const registerRaceMessage = "另一次导入同时写入了相同的记录，本次导入未保存。请待其完成后重新导入本文件。"

// Messages for the violations that no table entry names. SQLite does not
// say which foreign key failed, so both databases answer the same.
const (
	duplicateMessage = "与已有的记录重复，未保存。"
	referenceMessage = "此操作未执行：要删除或修改的内容仍被填报表等记录引用（或所引用的内容已不存在）。不再使用的单位、任务和目标可改为归档。"
	checkMessage     = "数据不符合要求，未保存。"
	notNullMessage   = "有必填的内容为空，未保存。"
)

// sqliteStatus is the result code modernc.org/sqlite appends to messages.
var sqliteStatus = regexp.MustCompile(` \(\d+\)$`)

// userError is a message for users with the database error behind it, so
// that the detail stays reachable (errors.As) without being shown.
type userError struct {
	user  *plan.Error
	cause error
}

func (e *userError) Error() string   { return e.user.Message }
func (e *userError) Unwrap() []error { return []error{e.user, e.cause} }

// constraintError returns err as a user error when it is a constraint
// violation, and err unchanged otherwise.
func constraintError(err error) error {
	if err == nil || plan.ErrorCode(err) != plan.EINTERNAL {
		return err
	}
	code, message, ok := violation(err)
	if !ok {
		return err
	}
	return &userError{user: plan.Errorf(code, "%s", message), cause: err}
}

// violation finds the constraint violation in err's chain and says what to
// tell the user about it.
func violation(err error) (code, message string, ok bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return uniqueMessage(func(sqliteName, pgName string) bool { return pgName == pe.ConstraintName })
		case "23503": // foreign_key_violation
			return plan.ECONFLICT, referenceMessage, true
		case "23514": // check_violation
			return plan.EINVALID, checkMessage, true
		case "23502": // not_null_violation
			return plan.EINVALID, notNullMessage, true
		}
		return "", "", false
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_CONSTRAINT {
		return "", "", false
	}
	msg := sqliteStatus.ReplaceAllString(se.Error(), "")
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed: "):
		cols := msg[strings.Index(msg, "UNIQUE constraint failed: ")+len("UNIQUE constraint failed: "):]
		return uniqueMessage(func(sqliteName, pgName string) bool { return sqliteName == cols })
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return plan.ECONFLICT, referenceMessage, true
	case strings.Contains(msg, "CHECK constraint failed"):
		return plan.EINVALID, checkMessage, true
	case strings.Contains(msg, "NOT NULL constraint failed"):
		return plan.EINVALID, notNullMessage, true
	}
	return "", "", false
}

func uniqueMessage(match func(sqliteName, pgName string) bool) (string, string, bool) {
	for _, c := range uniqueConstraints {
		if match(c.sqlite, c.postgres) {
			return c.code, c.message, true
		}
	}
	return plan.ECONFLICT, duplicateMessage, true
}
