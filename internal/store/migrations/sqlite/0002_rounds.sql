-- Reporting rounds (调度): a unit's form per round, its entries, versions,
-- evidence, reviews; reminders; the audit log.
CREATE TABLE rounds (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER   NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    label         TEXT      NOT NULL,
    as_of         TEXT      NOT NULL,
    opens_on      TEXT      NOT NULL,
    due_on        TEXT      NOT NULL,
    state         TEXT      NOT NULL DEFAULT 'draft',
    remind_days   INTEGER   NOT NULL DEFAULT 3,
    created_at    TIMESTAMP NOT NULL,
    opened_at     TIMESTAMP,
    closed_at     TIMESTAMP
);
CREATE INDEX rounds_plan ON rounds (plan_id, as_of);
CREATE TABLE round_units (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, unit_id)
);
CREATE TABLE forms (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT      NOT NULL UNIQUE,
    round_id       INTEGER   NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    unit_id        INTEGER   NOT NULL REFERENCES units (id) ON DELETE CASCADE,
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
CREATE INDEX forms_unit ON forms (unit_id, state);
CREATE TABLE form_tasks (
    form_id    INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    status     TEXT    NOT NULL DEFAULT '',
    progress   TEXT    NOT NULL DEFAULT '',
    problems   TEXT    NOT NULL DEFAULT '',
    next_steps TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, task_id)
);
CREATE TABLE form_values (
    form_id  INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    goal_id  INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    target   TEXT    NOT NULL,
    value    TEXT,
    note     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, goal_id)
);
-- Every saved, submitted, returned or approved state of a form, whole.
CREATE TABLE form_versions (
    id         INTEGER PRIMARY KEY,
    form_id    INTEGER   NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    version    INTEGER   NOT NULL,
    state      TEXT      NOT NULL,
    snapshot   TEXT      NOT NULL,
    user_id    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    username   TEXT      NOT NULL DEFAULT '',
    comment    TEXT      NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (form_id, version)
);
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT      NOT NULL UNIQUE,
    form_id      INTEGER   NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    task_id      INTEGER   NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    filename     TEXT      NOT NULL,
    content_type TEXT      NOT NULL,
    size         INTEGER   NOT NULL,
    sha256       TEXT      NOT NULL,
    data         BLOB      NOT NULL,
    user_id      INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX attachments_form ON attachments (form_id, task_id);
CREATE TABLE form_comments (
    id         INTEGER PRIMARY KEY,
    form_id    INTEGER   NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    task_id    INTEGER   REFERENCES tasks (id) ON DELETE CASCADE,
    user_id    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    username   TEXT      NOT NULL,
    unit_name  TEXT      NOT NULL DEFAULT '',
    body       TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX form_comments_form ON form_comments (form_id);

-- Reminders: in-app notifications, and a record of each reminder sent so a
-- scheduled one goes out once however many instances run.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER   NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    round_id   INTEGER   REFERENCES rounds (id) ON DELETE CASCADE,
    message    TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_unit ON notifications (unit_id, created_at);
CREATE TABLE reminder_sends (
    round_id INTEGER   NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    unit_id  INTEGER   NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    kind     TEXT      NOT NULL,
    day      TEXT      NOT NULL,
    sent_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (round_id, unit_id, kind, day)
);
CREATE TABLE leases (
    name       TEXT      PRIMARY KEY,
    holder     TEXT      NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Append-only, each entry chained to the one before by hash.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    user_id   INTEGER,
    username  TEXT      NOT NULL,
    remote    TEXT      NOT NULL DEFAULT '',
    action    TEXT      NOT NULL,
    object    TEXT      NOT NULL,
    before    TEXT      NOT NULL DEFAULT '',
    after     TEXT      NOT NULL DEFAULT '',
    prev_hash TEXT      NOT NULL,
    hash      TEXT      NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object);


ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
