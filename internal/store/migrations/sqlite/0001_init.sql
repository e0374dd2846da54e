-- Units and groups: the directory plan names resolve against.
CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    short_name TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL,
    parent_id  INTEGER REFERENCES units (id) ON DELETE SET NULL,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE unit_aliases (
    alias   TEXT    PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE
);
CREATE TABLE unit_groups (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE unit_group_aliases (
    alias    TEXT    PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES unit_groups (id) ON DELETE CASCADE
);
CREATE TABLE unit_group_members (
    group_id INTEGER NOT NULL REFERENCES unit_groups (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, unit_id)
);

-- Plans as the notice states them.
CREATE TABLE plans (
    id              INTEGER PRIMARY KEY,
    doc_number      TEXT      NOT NULL DEFAULT '',
    issuer          TEXT      NOT NULL DEFAULT '',
    issue_date      TEXT      NOT NULL DEFAULT '',
    title           TEXT      NOT NULL,
    year            INTEGER   NOT NULL DEFAULT 0,
    parent_title    TEXT      NOT NULL DEFAULT '',
    task_table_name TEXT      NOT NULL DEFAULT '',
    status          TEXT      NOT NULL DEFAULT 'draft',
    source_text     TEXT      NOT NULL DEFAULT '',
    import_findings TEXT      NOT NULL DEFAULT '[]',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE TABLE goals (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL DEFAULT '',
    indicator  TEXT    NOT NULL,
    comparator TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    target_max TEXT,
    unit       TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL DEFAULT '',
    year       INTEGER NOT NULL DEFAULT 0,
    line       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX goals_plan ON goals (plan_id, position);
CREATE TABLE sections (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number   TEXT    NOT NULL DEFAULT '',
    title    TEXT    NOT NULL DEFAULT '',
    line     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sections_plan ON sections (plan_id, position);
CREATE TABLE tasks (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    number     TEXT    NOT NULL DEFAULT '',
    title      TEXT    NOT NULL DEFAULT '',
    body       TEXT    NOT NULL DEFAULT '',
    deadline   TEXT    NOT NULL DEFAULT '',
    line       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_plan ON tasks (plan_id, position);
CREATE TABLE task_rows (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    number         TEXT    NOT NULL DEFAULT '',
    section_number TEXT    NOT NULL DEFAULT '',
    content        TEXT    NOT NULL DEFAULT '',
    maps_to_task   TEXT    NOT NULL DEFAULT '',
    deadline       TEXT    NOT NULL DEFAULT '',
    line           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX task_rows_plan ON task_rows (plan_id, position);
-- Unit names as written on a task or a task-table row (exactly one of the two).
CREATE TABLE task_units (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    task_id  INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    row_id   INTEGER REFERENCES task_rows (id) ON DELETE CASCADE,
    role     TEXT    NOT NULL CHECK (role IN ('lead', 'responsible')),
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    CHECK ((task_id IS NULL) <> (row_id IS NULL))
);
CREATE INDEX task_units_plan ON task_units (plan_id);
CREATE TABLE split_tables (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title    TEXT    NOT NULL DEFAULT '',
    annex    TEXT    NOT NULL DEFAULT '',
    line     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE split_columns (
    id              INTEGER PRIMARY KEY,
    table_id        INTEGER NOT NULL REFERENCES split_tables (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    unit_of_measure TEXT    NOT NULL DEFAULT '',
    UNIQUE (table_id, name)
);
CREATE TABLE split_rows (
    id        INTEGER PRIMARY KEY,
    table_id  INTEGER NOT NULL REFERENCES split_tables (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    unit_name TEXT    NOT NULL,
    is_total  BOOLEAN NOT NULL DEFAULT 0,
    line      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE split_values (
    row_id    INTEGER NOT NULL REFERENCES split_rows (id) ON DELETE CASCADE,
    column_id INTEGER NOT NULL REFERENCES split_columns (id) ON DELETE CASCADE,
    value     TEXT    NOT NULL,
    PRIMARY KEY (row_id, column_id)
);

-- Derived from the names above through the directory; rebuilt whenever a
-- plan or the directory changes, so that "which tasks does this unit share"
-- and "what is allocated to it" are plain indexed queries.
CREATE TABLE assignments (
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL,
    PRIMARY KEY (task_id, unit_id, role)
);
CREATE INDEX assignments_unit ON assignments (unit_id, plan_id);
CREATE TABLE allocations (
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    goal_id INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    target  TEXT    NOT NULL,
    PRIMARY KEY (goal_id, unit_id)
);
CREATE INDEX allocations_unit ON allocations (unit_id, plan_id);

-- People and their ways in.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT      NOT NULL UNIQUE,
    display_name  TEXT      NOT NULL DEFAULT '',
    role          TEXT      NOT NULL,
    unit_id       INTEGER   REFERENCES units (id) ON DELETE SET NULL,
    password_hash TEXT      NOT NULL DEFAULT '',
    disabled      BOOLEAN   NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT      PRIMARY KEY,
    user_id    INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT      NOT NULL DEFAULT '',
    token_hash   TEXT      NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE TABLE login_failures (
    username     TEXT      PRIMARY KEY,
    failures     INTEGER   NOT NULL,
    locked_until TIMESTAMP NOT NULL
);
