-- Registers per organisation: every record, its tallies and spans, the
-- header mappings, keywords and decisions belong to one organisation, which
-- imports its own lists and attributes them against its own directory. A
-- firm's USCC (a certificate's number, a contract's registration …) is
-- unique within an organisation: the city and a district may both list it.
-- Existing rows go to the organisation that held the registers — the one
-- that imported the first list, else the root; keywords and decisions to
-- their unit's. SQLite rebuilds the tables to change their keys (foreign
-- keys are off around the migration). A platform's key ends with org_id:
-- the new-platform definition looks a platform's earlier records up by
-- name, kind and level, and a key led by org_id would let the planner read
-- the whole organisation's platforms for each instead.
CREATE TABLE register_org AS
SELECT COALESCE((SELECT org_id FROM import_batches ORDER BY id LIMIT 1),
                (SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY position, id LIMIT 1)) AS id;

CREATE TABLE enterprises_new (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    uscc         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    address      TEXT    NOT NULL DEFAULT '',
    area         TEXT    NOT NULL DEFAULT '',
    industry     TEXT    NOT NULL DEFAULT '',
    rd_institute BOOLEAN NOT NULL DEFAULT 0,
    rd_kind      TEXT    NOT NULL DEFAULT '',
    rd_level     TEXT    NOT NULL DEFAULT '',
    unit_id      INTEGER,
    attribution  TEXT    NOT NULL DEFAULT '',
    stub         BOOLEAN NOT NULL DEFAULT 0,
    record       TEXT    NOT NULL,
    batch_id     INTEGER NOT NULL,
    sheet        TEXT    NOT NULL DEFAULT '',
    row_no       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, uscc)
);
INSERT INTO enterprises_new (id, org_id, uscc, name, address, area, industry, rd_institute, rd_kind, rd_level, unit_id, attribution, stub, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.uscc, t.name, t.address, t.area, t.industry, t.rd_institute, t.rd_kind, t.rd_level, t.unit_id, t.attribution, t.stub, t.record, t.batch_id, t.sheet, t.row_no FROM enterprises t;
DROP TABLE enterprises;
ALTER TABLE enterprises_new RENAME TO enterprises;

CREATE TABLE smes_new (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    uscc          TEXT    NOT NULL DEFAULT '',
    name          TEXT    NOT NULL DEFAULT '',
    year          INTEGER NOT NULL,
    reg_no        TEXT    NOT NULL DEFAULT '',
    batch_label   TEXT    NOT NULL DEFAULT '',
    entered       TEXT    NOT NULL DEFAULT '',
    revoked       TEXT    NOT NULL DEFAULT '',
    area          TEXT    NOT NULL DEFAULT '',
    firm_key      TEXT    NOT NULL,
    enterprise_id INTEGER,
    own_unit_id   INTEGER,
    unit_id       INTEGER,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL,
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO smes_new (id, org_id, uscc, name, year, reg_no, batch_label, entered, revoked, area, firm_key, enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.uscc, t.name, t.year, t.reg_no, t.batch_label, t.entered, t.revoked, t.area, t.firm_key, t.enterprise_id, t.own_unit_id, t.unit_id, t.record, t.batch_id, t.sheet, t.row_no FROM smes t;
DROP TABLE smes;
ALTER TABLE smes_new RENAME TO smes;

CREATE TABLE hightech_certs_new (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    cert_no       TEXT    NOT NULL,
    uscc          TEXT    NOT NULL DEFAULT '',
    name          TEXT    NOT NULL DEFAULT '',
    issued        TEXT    NOT NULL,
    expires       TEXT    NOT NULL,
    cancelled     TEXT    NOT NULL DEFAULT '',
    area          TEXT    NOT NULL DEFAULT '',
    firm_key      TEXT    NOT NULL,
    enterprise_id INTEGER,
    own_unit_id   INTEGER,
    unit_id       INTEGER,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL,
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, cert_no)
);
INSERT INTO hightech_certs_new (id, org_id, cert_no, uscc, name, issued, expires, cancelled, area, firm_key, enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.cert_no, t.uscc, t.name, t.issued, t.expires, t.cancelled, t.area, t.firm_key, t.enterprise_id, t.own_unit_id, t.unit_id, t.record, t.batch_id, t.sheet, t.row_no FROM hightech_certs t;
DROP TABLE hightech_certs;
ALTER TABLE hightech_certs_new RENAME TO hightech_certs;

CREATE TABLE contracts_new (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL,
    reg_no               TEXT    NOT NULL,
    project              TEXT    NOT NULL DEFAULT '',
    type                 TEXT    NOT NULL DEFAULT '',
    seller_name          TEXT    NOT NULL DEFAULT '',
    seller_uscc          TEXT    NOT NULL DEFAULT '',
    seller_area          TEXT    NOT NULL DEFAULT '',
    seller_area_local    BOOLEAN NOT NULL DEFAULT 0,
    seller_enterprise_id INTEGER,
    seller_own_unit_id   INTEGER,
    seller_unit_id       INTEGER,
    buyer_name           TEXT    NOT NULL DEFAULT '',
    buyer_uscc           TEXT    NOT NULL DEFAULT '',
    buyer_area           TEXT    NOT NULL DEFAULT '',
    buyer_area_local     BOOLEAN NOT NULL DEFAULT 0,
    buyer_enterprise_id  INTEGER,
    buyer_own_unit_id    INTEGER,
    buyer_unit_id        INTEGER,
    amount_fen           BIGINT  NOT NULL,
    tech_amount_fen      BIGINT,
    registered           TEXT    NOT NULL,
    record               TEXT    NOT NULL,
    batch_id             INTEGER NOT NULL,
    sheet                TEXT    NOT NULL DEFAULT '',
    row_no               INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, reg_no)
);
INSERT INTO contracts_new (id, org_id, reg_no, project, type, seller_name, seller_uscc, seller_area, seller_area_local, seller_enterprise_id, seller_own_unit_id, seller_unit_id, buyer_name, buyer_uscc, buyer_area, buyer_area_local, buyer_enterprise_id, buyer_own_unit_id, buyer_unit_id, amount_fen, tech_amount_fen, registered, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.reg_no, t.project, t.type, t.seller_name, t.seller_uscc, t.seller_area, t.seller_area_local, t.seller_enterprise_id, t.seller_own_unit_id, t.seller_unit_id, t.buyer_name, t.buyer_uscc, t.buyer_area, t.buyer_area_local, t.buyer_enterprise_id, t.buyer_own_unit_id, t.buyer_unit_id, t.amount_fen, t.tech_amount_fen, t.registered, t.record, t.batch_id, t.sheet, t.row_no FROM contracts t;
DROP TABLE contracts;
ALTER TABLE contracts_new RENAME TO contracts;

CREATE TABLE patents_new (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    number        TEXT    NOT NULL,
    title         TEXT    NOT NULL DEFAULT '',
    type          TEXT    NOT NULL,
    granted       TEXT    NOT NULL,
    lapsed        TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT '',
    status_lapsed BOOLEAN NOT NULL DEFAULT 0,
    attributed    BOOLEAN NOT NULL DEFAULT 0,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL,
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, number)
);
INSERT INTO patents_new (id, org_id, number, title, type, granted, lapsed, status, status_lapsed, attributed, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.number, t.title, t.type, t.granted, t.lapsed, t.status, t.status_lapsed, t.attributed, t.record, t.batch_id, t.sheet, t.row_no FROM patents t;
DROP TABLE patents;
ALTER TABLE patents_new RENAME TO patents;

CREATE TABLE platforms_new (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL DEFAULT '',
    level         TEXT    NOT NULL,
    mode          TEXT    NOT NULL DEFAULT '',
    decided       TEXT    NOT NULL DEFAULT '',
    host_uscc     TEXT    NOT NULL DEFAULT '',
    host_name     TEXT    NOT NULL DEFAULT '',
    area          TEXT    NOT NULL DEFAULT '',
    enterprise_id INTEGER,
    own_unit_id   INTEGER,
    unit_id       INTEGER,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL,
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (name, kind, level, org_id)
);
INSERT INTO platforms_new (id, org_id, name, kind, level, mode, decided, host_uscc, host_name, area, enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.name, t.kind, t.level, t.mode, t.decided, t.host_uscc, t.host_name, t.area, t.enterprise_id, t.own_unit_id, t.unit_id, t.record, t.batch_id, t.sheet, t.row_no FROM platforms t;
DROP TABLE platforms;
ALTER TABLE platforms_new RENAME TO platforms;

CREATE TABLE statistics_new (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL,
    area      TEXT    NOT NULL DEFAULT '',
    unit_id   INTEGER REFERENCES units (id) ON DELETE CASCADE,
    indicator TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    value     BIGINT  NOT NULL,
    source    TEXT    NOT NULL DEFAULT '',
    final     BOOLEAN NOT NULL DEFAULT 0,
    record    TEXT    NOT NULL,
    batch_id  INTEGER NOT NULL REFERENCES import_batches (id),
    sheet     TEXT    NOT NULL DEFAULT '',
    row_no    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO statistics_new (id, org_id, area, unit_id, indicator, year, value, source, final, record, batch_id, sheet, row_no)
SELECT t.id, (SELECT id FROM register_org), t.area, t.unit_id, t.indicator, t.year, t.value, t.source, t.final, t.record, t.batch_id, t.sheet, t.row_no FROM statistics t;
DROP TABLE statistics;
ALTER TABLE statistics_new RENAME TO statistics;

CREATE TABLE register_mappings_new (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    shape      TEXT      NOT NULL,
    kind       TEXT      NOT NULL,
    mapping    TEXT      NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, shape)
);
INSERT INTO register_mappings_new (org_id, shape, kind, mapping, updated_at)
SELECT (SELECT id FROM register_org), t.shape, t.kind, t.mapping, t.updated_at FROM register_mappings t;
DROP TABLE register_mappings;
ALTER TABLE register_mappings_new RENAME TO register_mappings;

CREATE TABLE attribution_keywords_new (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    keyword TEXT    NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    UNIQUE (org_id, keyword)
);
INSERT INTO attribution_keywords_new (id, org_id, keyword, unit_id)
SELECT t.id, (SELECT u.org_id FROM units u WHERE u.id = t.unit_id), t.keyword, t.unit_id FROM attribution_keywords t;
DROP TABLE attribution_keywords;
ALTER TABLE attribution_keywords_new RENAME TO attribution_keywords;

CREATE TABLE attribution_decisions_new (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    key_kind   TEXT      NOT NULL CHECK (key_kind IN ('uscc', 'name')),
    key_value  TEXT      NOT NULL,
    unit_id    INTEGER   NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    note       TEXT      NOT NULL DEFAULT '',
    user_id    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    decided_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, key_kind, key_value)
);
INSERT INTO attribution_decisions_new (org_id, key_kind, key_value, unit_id, note, user_id, decided_at)
SELECT (SELECT u.org_id FROM units u WHERE u.id = t.unit_id), t.key_kind, t.key_value, t.unit_id, t.note, t.user_id, t.decided_at FROM attribution_decisions t;
DROP TABLE attribution_decisions;
ALTER TABLE attribution_decisions_new RENAME TO attribution_decisions;

CREATE TABLE register_tallies_new (
    org_id     INTEGER NOT NULL,
    metric     TEXT    NOT NULL,
    unit_id    INTEGER NOT NULL,
    grain      TEXT    NOT NULL CHECK (grain IN ('Y', 'M', 'D')),
    period     TEXT    NOT NULL,
    n          BIGINT  NOT NULL DEFAULT 0,
    amount_fen BIGINT  NOT NULL DEFAULT 0,
    tech_fen   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, metric, grain, period, unit_id)
) WITHOUT ROWID;
INSERT INTO register_tallies_new (org_id, metric, unit_id, grain, period, n, amount_fen, tech_fen)
SELECT (SELECT id FROM register_org), t.metric, t.unit_id, t.grain, t.period, t.n, t.amount_fen, t.tech_fen FROM register_tallies t;
DROP TABLE register_tallies;
ALTER TABLE register_tallies_new RENAME TO register_tallies;

CREATE TABLE register_spans_new (
    org_id   INTEGER NOT NULL,
    metric   TEXT    NOT NULL,
    firm_key TEXT    NOT NULL,
    unit_id  INTEGER NOT NULL,
    start_on TEXT    NOT NULL,
    end_on   TEXT    NOT NULL,
    PRIMARY KEY (org_id, metric, firm_key, unit_id, start_on)
) WITHOUT ROWID;
INSERT INTO register_spans_new (org_id, metric, firm_key, unit_id, start_on, end_on)
SELECT (SELECT id FROM register_org), t.metric, t.firm_key, t.unit_id, t.start_on, t.end_on FROM register_spans t;
DROP TABLE register_spans;
ALTER TABLE register_spans_new RENAME TO register_spans;

DROP TABLE register_org;

CREATE INDEX enterprises_unit ON enterprises (unit_id);
CREATE UNIQUE INDEX smes_uscc_year ON smes (org_id, uscc, year) WHERE uscc <> '';
CREATE UNIQUE INDEX smes_reg_no ON smes (org_id, reg_no) WHERE uscc = '';
CREATE INDEX smes_year ON smes (org_id, year, entered);
CREATE INDEX smes_unit ON smes (unit_id);
CREATE INDEX smes_firm ON smes (org_id, firm_key);
CREATE INDEX hightech_certs_dates ON hightech_certs (org_id, issued, expires);
CREATE INDEX hightech_certs_unit ON hightech_certs (unit_id);
CREATE INDEX hightech_certs_firm ON hightech_certs (org_id, firm_key);
CREATE INDEX contracts_registered ON contracts (org_id, registered);
CREATE INDEX contracts_seller_unit ON contracts (seller_unit_id, registered);
CREATE INDEX contracts_buyer_unit ON contracts (buyer_unit_id, registered);
CREATE INDEX patents_granted ON patents (org_id, type, granted);
CREATE INDEX patents_unattributed ON patents (org_id, id) WHERE NOT attributed;
CREATE INDEX platforms_decided ON platforms (org_id, decided);
CREATE INDEX platforms_unit ON platforms (unit_id);
CREATE INDEX platforms_host ON platforms (org_id, host_uscc, host_name);
CREATE UNIQUE INDEX statistics_key ON statistics (org_id, (COALESCE(unit_id, 0)), indicator, year);
CREATE INDEX statistics_indicator ON statistics (org_id, indicator, year);
CREATE INDEX statistics_unit ON statistics (unit_id);
CREATE INDEX attribution_keywords_unit ON attribution_keywords (unit_id);
CREATE INDEX attribution_decisions_unit ON attribution_decisions (unit_id);
CREATE INDEX attribution_decisions_user ON attribution_decisions (user_id);
