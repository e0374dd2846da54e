-- Task supervision (督查督办): milestones (节点) of tasks, supervision
-- notices (督办单) to units with their replies, tasks closed as verified
-- (销号, reversible: a closure reopened keeps its row), and leaders'
-- instructions (领导批示) with the unit's answer. Notices, closures and
-- instructions are records: what they refer to is not deleted under them.
CREATE TABLE task_milestones (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id     INTEGER REFERENCES units (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    description TEXT    NOT NULL,
    due_on      TEXT    NOT NULL
);
CREATE INDEX task_milestones_task ON task_milestones (task_id, position);
CREATE INDEX task_milestones_unit ON task_milestones (unit_id);

CREATE TABLE task_closures (
    id               INTEGER PRIMARY KEY,
    task_id          INTEGER   NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    closed_at        TIMESTAMP NOT NULL,
    closed_by        INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    closed_by_name   TEXT      NOT NULL,
    note             TEXT      NOT NULL DEFAULT '',
    reopened_at      TIMESTAMP,
    reopened_by      INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    reopened_by_name TEXT      NOT NULL DEFAULT '',
    reopen_reason    TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX task_closures_task ON task_closures (task_id);
-- At most one closure in force per task.
CREATE UNIQUE INDEX task_closures_open ON task_closures (task_id) WHERE reopened_at IS NULL;

CREATE TABLE supervision_notices (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT      NOT NULL UNIQUE,
    plan_id         INTEGER   NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    task_id         INTEGER   NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    unit_id         INTEGER   NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    reason          TEXT      NOT NULL,
    requirement     TEXT      NOT NULL,
    reply_by        TEXT      NOT NULL,
    issued_by       INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    issued_by_name  TEXT      NOT NULL,
    issued_at       TIMESTAMP NOT NULL,
    reply           TEXT      NOT NULL DEFAULT '',
    replied_by      INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    replied_by_name TEXT      NOT NULL DEFAULT '',
    replied_at      TIMESTAMP,
    file_name       TEXT      NOT NULL DEFAULT '',
    file_type       TEXT      NOT NULL DEFAULT '',
    file_size       INTEGER   NOT NULL DEFAULT 0,
    file_sha256     TEXT      NOT NULL DEFAULT '',
    file_data       BLOB
);
CREATE INDEX supervision_notices_plan ON supervision_notices (plan_id, reply_by);
CREATE INDEX supervision_notices_task ON supervision_notices (task_id);
CREATE INDEX supervision_notices_unit ON supervision_notices (unit_id, issued_at);

CREATE TABLE supervision_instructions (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT      NOT NULL UNIQUE,
    unit_id          INTEGER   NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    plan_id          INTEGER   REFERENCES plans (id) ON DELETE RESTRICT,
    task_id          INTEGER   REFERENCES tasks (id) ON DELETE RESTRICT,
    form_id          INTEGER   REFERENCES forms (id) ON DELETE RESTRICT,
    body             TEXT      NOT NULL,
    by_user          INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    by_name          TEXT      NOT NULL,
    by_role          TEXT      NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    answer           TEXT      NOT NULL DEFAULT '',
    answered_by      INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    answered_by_name TEXT      NOT NULL DEFAULT '',
    answered_at      TIMESTAMP
);
CREATE INDEX supervision_instructions_unit ON supervision_instructions (unit_id, created_at);
CREATE INDEX supervision_instructions_plan ON supervision_instructions (plan_id);
CREATE INDEX supervision_instructions_task ON supervision_instructions (task_id);
CREATE INDEX supervision_instructions_form ON supervision_instructions (form_id);
