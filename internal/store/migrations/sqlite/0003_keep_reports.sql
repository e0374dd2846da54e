-- Nothing reported is destroyed: a unit, round, task or goal that forms
-- refer to can no longer be deleted (ON DELETE RESTRICT instead of CASCADE);
-- what is no longer wanted is archived instead. A form still owns its
-- entries, versions, evidence and comments (deleting a form nobody filled
-- in takes them along).
--
-- SQLite cannot change a foreign key in place: each table is rebuilt by
-- the documented procedure (create the new table, copy, drop the old one,
-- rename, recreate its indexes). The migration runner turns foreign keys
-- off around the transaction, so dropping forms does not cascade into its
-- children, and runs PRAGMA foreign_key_check before committing.

CREATE TABLE forms_new (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT      NOT NULL UNIQUE,
    round_id       INTEGER   NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    unit_id        INTEGER   NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    state          TEXT      NOT NULL DEFAULT 'empty',
    version        INTEGER   NOT NULL DEFAULT 0,
    typed_fields   INTEGER   NOT NULL DEFAULT 0,
    carried_fields INTEGER   NOT NULL DEFAULT 0,
    seconds_spent  INTEGER   NOT NULL DEFAULT 0,
    updated_at     TIMESTAMP NOT NULL,
    submitted_at   TIMESTAMP,
    reviewed_at    TIMESTAMP,
    UNIQUE (round_id, unit_id)
);
INSERT INTO forms_new (id, public_id, round_id, unit_id, state, version, typed_fields, carried_fields, seconds_spent, updated_at, submitted_at, reviewed_at)
SELECT id, public_id, round_id, unit_id, state, version, typed_fields, carried_fields, seconds_spent, updated_at, submitted_at, reviewed_at FROM forms;
DROP TABLE forms;
ALTER TABLE forms_new RENAME TO forms;
CREATE INDEX forms_unit ON forms (unit_id, state);

CREATE TABLE form_tasks_new (
    form_id    INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    position   INTEGER NOT NULL,
    status     TEXT    NOT NULL DEFAULT '',
    progress   TEXT    NOT NULL DEFAULT '',
    problems   TEXT    NOT NULL DEFAULT '',
    next_steps TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, task_id)
);
INSERT INTO form_tasks_new (form_id, task_id, position, status, progress, problems, next_steps)
SELECT form_id, task_id, position, status, progress, problems, next_steps FROM form_tasks;
DROP TABLE form_tasks;
ALTER TABLE form_tasks_new RENAME TO form_tasks;
CREATE INDEX form_tasks_task ON form_tasks (task_id);

CREATE TABLE form_values_new (
    form_id  INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    goal_id  INTEGER NOT NULL REFERENCES goals (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    target   TEXT    NOT NULL,
    value    TEXT,
    note     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, goal_id)
);
INSERT INTO form_values_new (form_id, goal_id, position, target, value, note)
SELECT form_id, goal_id, position, target, value, note FROM form_values;
DROP TABLE form_values;
ALTER TABLE form_values_new RENAME TO form_values;
CREATE INDEX form_values_goal ON form_values (goal_id);

CREATE TABLE attachments_new (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT      NOT NULL UNIQUE,
    form_id      INTEGER   NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    task_id      INTEGER   NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    filename     TEXT      NOT NULL,
    content_type TEXT      NOT NULL,
    size         INTEGER   NOT NULL,
    sha256       TEXT      NOT NULL,
    data         BLOB      NOT NULL,
    user_id      INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL
);
INSERT INTO attachments_new (id, public_id, form_id, task_id, filename, content_type, size, sha256, data, user_id, created_at)
SELECT id, public_id, form_id, task_id, filename, content_type, size, sha256, data, user_id, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_form ON attachments (form_id, task_id);
CREATE INDEX attachments_task ON attachments (task_id);

CREATE TABLE form_comments_new (
    id         INTEGER PRIMARY KEY,
    form_id    INTEGER   NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    task_id    INTEGER   REFERENCES tasks (id) ON DELETE RESTRICT,
    user_id    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    username   TEXT      NOT NULL,
    unit_name  TEXT      NOT NULL DEFAULT '',
    body       TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO form_comments_new (id, form_id, task_id, user_id, username, unit_name, body, created_at)
SELECT id, form_id, task_id, user_id, username, unit_name, body, created_at FROM form_comments;
DROP TABLE form_comments;
ALTER TABLE form_comments_new RENAME TO form_comments;
CREATE INDEX form_comments_form ON form_comments (form_id);
CREATE INDEX form_comments_task ON form_comments (task_id);

-- Archived units, tasks and goals stay in the plan and in history but are
-- left out of new rounds.
ALTER TABLE units ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE tasks ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE goals ADD COLUMN archived_at TIMESTAMP;

-- Indexes for the foreign keys that deletes and re-resolves look up by:
-- without them each delete of a parent scans the child table.
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX unit_aliases_unit ON unit_aliases (unit_id);
CREATE INDEX unit_group_aliases_group ON unit_group_aliases (group_id);
CREATE INDEX unit_group_members_unit ON unit_group_members (unit_id);
CREATE INDEX tasks_section ON tasks (section_id);
CREATE INDEX task_units_task ON task_units (task_id);
CREATE INDEX task_units_row ON task_units (row_id);
CREATE INDEX split_tables_plan ON split_tables (plan_id);
CREATE INDEX split_rows_table ON split_rows (table_id);
CREATE INDEX split_values_column ON split_values (column_id);
CREATE INDEX assignments_plan ON assignments (plan_id);
CREATE INDEX allocations_plan ON allocations (plan_id);
CREATE INDEX users_unit ON users (unit_id);
CREATE INDEX round_units_unit ON round_units (unit_id);
CREATE INDEX notifications_round ON notifications (round_id);
CREATE INDEX reminder_sends_unit ON reminder_sends (unit_id);
