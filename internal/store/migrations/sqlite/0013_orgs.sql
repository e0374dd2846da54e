-- Organisations: a city and its districts (a province above, the same way)
-- on one deployment. Each organisation owns its directory, plans, users and
-- register imports; rounds, forms, values, attachments and supervision reach
-- their organisation through their plan, audit entries carry it only for
-- filtering (it is no part of the hash chain, so old hashes stay valid).
-- Existing data becomes organisation 1, named after the directory's
-- government unit when there is one.
CREATE TABLE orgs (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE,
    kind      TEXT    NOT NULL CHECK (kind IN ('province', 'city', 'district', 'county')),
    parent_id INTEGER REFERENCES orgs (id) ON DELETE RESTRICT,
    position  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orgs_parent ON orgs (parent_id);
INSERT INTO orgs (id, name, kind, parent_id, position)
VALUES (1, COALESCE((SELECT CASE WHEN short_name <> '' THEN short_name ELSE name END FROM units WHERE kind = 'government' ORDER BY position, id LIMIT 1), '本级'), 'district', NULL, 0);

-- Unit and group names, and their aliases, are unique within an
-- organisation: two districts each have a 区发改委. SQLite rebuilds the
-- tables to change their keys (foreign keys are off around the migration).
CREATE TABLE units_new (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id) ON DELETE RESTRICT,
    name        TEXT    NOT NULL,
    short_name  TEXT    NOT NULL DEFAULT '',
    kind        TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES units (id) ON DELETE SET NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    archived_at TIMESTAMP,
    contact     TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    UNIQUE (org_id, name)
);
INSERT INTO units_new (id, org_id, name, short_name, kind, parent_id, position, archived_at, contact, phone)
SELECT id, 1, name, short_name, kind, parent_id, position, archived_at, contact, phone FROM units;
DROP TABLE units;
ALTER TABLE units_new RENAME TO units;
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE unit_aliases_new (
    org_id  INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id) ON DELETE RESTRICT,
    alias   TEXT    NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, alias)
);
INSERT INTO unit_aliases_new (org_id, alias, unit_id) SELECT 1, alias, unit_id FROM unit_aliases;
DROP TABLE unit_aliases;
ALTER TABLE unit_aliases_new RENAME TO unit_aliases;
CREATE INDEX unit_aliases_unit ON unit_aliases (unit_id);

CREATE TABLE unit_groups_new (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id) ON DELETE RESTRICT,
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, name)
);
INSERT INTO unit_groups_new (id, org_id, name, position) SELECT id, 1, name, position FROM unit_groups;
DROP TABLE unit_groups;
ALTER TABLE unit_groups_new RENAME TO unit_groups;

CREATE TABLE unit_group_aliases_new (
    org_id   INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id) ON DELETE RESTRICT,
    alias    TEXT    NOT NULL,
    group_id INTEGER NOT NULL REFERENCES unit_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, alias)
);
INSERT INTO unit_group_aliases_new (org_id, alias, group_id) SELECT 1, alias, group_id FROM unit_group_aliases;
DROP TABLE unit_group_aliases;
ALTER TABLE unit_group_aliases_new RENAME TO unit_group_aliases;
CREATE INDEX unit_group_aliases_group ON unit_group_aliases (group_id);

ALTER TABLE plans ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id);
ALTER TABLE users ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id);
ALTER TABLE import_batches ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id);
ALTER TABLE register_uploads ADD COLUMN org_id INTEGER NOT NULL DEFAULT 1 REFERENCES orgs (id);
ALTER TABLE audit_log ADD COLUMN org_id INTEGER REFERENCES orgs (id);
CREATE INDEX units_org ON units (org_id, position);
CREATE INDEX unit_groups_org ON unit_groups (org_id, position);
CREATE INDEX plans_org ON plans (org_id, year);
CREATE INDEX users_org ON users (org_id);
CREATE INDEX import_batches_org ON import_batches (org_id, imported_at);
CREATE INDEX register_uploads_org ON register_uploads (org_id);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
