-- Registers (台账): the lists the bureau receives, their import batches,
-- attribution to units, definitions (口径) bound to goals, and disputes.
--
-- Each record keeps its content as the canonical JSON of the merged record
-- (record), the source of truth that re-imports are compared against, and
-- the columns the definitions filter and group by. Amounts are integer 分
-- (a 万元 figure × 10^6) and statistics value × 10^6, so SQL sums are exact
-- on both databases. batch_id/sheet/row_no is the latest list and row that
-- listed the record. unit_id is derived: the enterprise's unit when the
-- record belongs to one, else own_unit_id (a remembered decision for its
-- USCC or name, else its own 属地/地区 column).

CREATE TABLE import_batches (
    id             INTEGER PRIMARY KEY,
    kind           TEXT      NOT NULL,
    file_name      TEXT      NOT NULL,
    sha256         TEXT      NOT NULL,
    size           INTEGER   NOT NULL,
    skip_invalid   BOOLEAN   NOT NULL DEFAULT 0,
    rows_read      INTEGER   NOT NULL DEFAULT 0,
    rows_new       INTEGER   NOT NULL DEFAULT 0,
    rows_updated   INTEGER   NOT NULL DEFAULT 0,
    rows_unchanged INTEGER   NOT NULL DEFAULT 0,
    rows_rejected  INTEGER   NOT NULL DEFAULT 0,
    user_id        INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    username       TEXT      NOT NULL DEFAULT '',
    imported_at    TIMESTAMP NOT NULL
);
CREATE INDEX import_batches_kind ON import_batches (kind, imported_at);
CREATE INDEX import_batches_sha256 ON import_batches (sha256);
CREATE INDEX import_batches_user ON import_batches (user_id);

-- 企业库. stub: known only from another list (科技型中小企业, 高新技术企业)
-- until the 企业库 itself lists it.
CREATE TABLE enterprises (
    id           INTEGER PRIMARY KEY,
    uscc         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    address      TEXT    NOT NULL DEFAULT '',
    area         TEXT    NOT NULL DEFAULT '',
    industry     TEXT    NOT NULL DEFAULT '',
    rd_institute BOOLEAN NOT NULL DEFAULT 0,
    rd_kind      TEXT    NOT NULL DEFAULT '',
    rd_level     TEXT    NOT NULL DEFAULT '',
    unit_id      INTEGER REFERENCES units (id) ON DELETE SET NULL,
    attribution  TEXT    NOT NULL DEFAULT '',
    stub         BOOLEAN NOT NULL DEFAULT 0,
    record       TEXT    NOT NULL,
    batch_id     INTEGER NOT NULL REFERENCES import_batches (id),
    sheet        TEXT    NOT NULL DEFAULT '',
    row_no       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX enterprises_unit ON enterprises (unit_id);
CREATE INDEX enterprises_batch ON enterprises (batch_id);
-- Current and former names, for matching records that name an enterprise
-- without its USCC.
CREATE TABLE enterprise_names (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    former        BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (enterprise_id, name)
);
CREATE INDEX enterprise_names_name ON enterprise_names (name);
CREATE TABLE enterprise_years (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    year          INTEGER NOT NULL,
    revenue       BIGINT,
    rd            BIGINT,
    PRIMARY KEY (enterprise_id, year)
);
CREATE TABLE memberships (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    list          TEXT    NOT NULL,
    entered       TEXT    NOT NULL DEFAULT '',
    left_on       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (enterprise_id, list, entered)
);
CREATE INDEX memberships_list ON memberships (list, entered);

-- 科技型中小企业 入库: keyed by (uscc, year), or by reg_no without a USCC.
CREATE TABLE smes (
    id            INTEGER PRIMARY KEY,
    uscc          TEXT    NOT NULL DEFAULT '',
    name          TEXT    NOT NULL DEFAULT '',
    year          INTEGER NOT NULL,
    reg_no        TEXT    NOT NULL DEFAULT '',
    batch_label   TEXT    NOT NULL DEFAULT '',
    entered       TEXT    NOT NULL DEFAULT '',
    revoked       TEXT    NOT NULL DEFAULT '',
    area          TEXT    NOT NULL DEFAULT '',
    enterprise_id INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    own_unit_id   INTEGER REFERENCES units (id) ON DELETE SET NULL,
    unit_id       INTEGER REFERENCES units (id) ON DELETE SET NULL,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES import_batches (id),
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX smes_uscc_year ON smes (uscc, year) WHERE uscc <> '';
CREATE UNIQUE INDEX smes_reg_no ON smes (reg_no) WHERE uscc = '';
CREATE INDEX smes_year ON smes (year, entered);
CREATE INDEX smes_unit ON smes (unit_id);
CREATE INDEX smes_own_unit ON smes (own_unit_id);
CREATE INDEX smes_enterprise ON smes (enterprise_id);
CREATE INDEX smes_name ON smes (name);
CREATE INDEX smes_batch ON smes (batch_id);

-- 高新技术企业 certificates; expires is filled (issued + 3 years) when the
-- list gives none.
CREATE TABLE hightech_certs (
    id            INTEGER PRIMARY KEY,
    cert_no       TEXT    NOT NULL UNIQUE,
    uscc          TEXT    NOT NULL DEFAULT '',
    name          TEXT    NOT NULL DEFAULT '',
    issued        TEXT    NOT NULL,
    expires       TEXT    NOT NULL,
    cancelled     TEXT    NOT NULL DEFAULT '',
    area          TEXT    NOT NULL DEFAULT '',
    enterprise_id INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    own_unit_id   INTEGER REFERENCES units (id) ON DELETE SET NULL,
    unit_id       INTEGER REFERENCES units (id) ON DELETE SET NULL,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES import_batches (id),
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hightech_certs_dates ON hightech_certs (issued, expires);
CREATE INDEX hightech_certs_uscc ON hightech_certs (uscc);
CREATE INDEX hightech_certs_name ON hightech_certs (name);
CREATE INDEX hightech_certs_unit ON hightech_certs (unit_id);
CREATE INDEX hightech_certs_own_unit ON hightech_certs (own_unit_id);
CREATE INDEX hightech_certs_enterprise ON hightech_certs (enterprise_id);
CREATE INDEX hightech_certs_batch ON hightech_certs (batch_id);

-- 技术合同登记. *_area_local: the party's area as written names the
-- district or one of its units (for the seller also: no area written, as
-- the district's registrations are its sellers').
CREATE TABLE contracts (
    id                   INTEGER PRIMARY KEY,
    reg_no               TEXT    NOT NULL UNIQUE,
    project              TEXT    NOT NULL DEFAULT '',
    type                 TEXT    NOT NULL DEFAULT '',
    seller_name          TEXT    NOT NULL DEFAULT '',
    seller_uscc          TEXT    NOT NULL DEFAULT '',
    seller_area          TEXT    NOT NULL DEFAULT '',
    seller_area_local    BOOLEAN NOT NULL DEFAULT 0,
    seller_enterprise_id INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    seller_own_unit_id   INTEGER REFERENCES units (id) ON DELETE SET NULL,
    seller_unit_id       INTEGER REFERENCES units (id) ON DELETE SET NULL,
    buyer_name           TEXT    NOT NULL DEFAULT '',
    buyer_uscc           TEXT    NOT NULL DEFAULT '',
    buyer_area           TEXT    NOT NULL DEFAULT '',
    buyer_area_local     BOOLEAN NOT NULL DEFAULT 0,
    buyer_enterprise_id  INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    buyer_own_unit_id    INTEGER REFERENCES units (id) ON DELETE SET NULL,
    buyer_unit_id        INTEGER REFERENCES units (id) ON DELETE SET NULL,
    amount_fen           BIGINT  NOT NULL,
    tech_amount_fen      BIGINT,
    registered           TEXT    NOT NULL,
    record               TEXT    NOT NULL,
    batch_id             INTEGER NOT NULL REFERENCES import_batches (id),
    sheet                TEXT    NOT NULL DEFAULT '',
    row_no               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contracts_registered ON contracts (registered);
CREATE INDEX contracts_seller_unit ON contracts (seller_unit_id);
CREATE INDEX contracts_buyer_unit ON contracts (buyer_unit_id);
CREATE INDEX contracts_seller_own_unit ON contracts (seller_own_unit_id);
CREATE INDEX contracts_buyer_own_unit ON contracts (buyer_own_unit_id);
CREATE INDEX contracts_seller_enterprise ON contracts (seller_enterprise_id);
CREATE INDEX contracts_buyer_enterprise ON contracts (buyer_enterprise_id);
CREATE INDEX contracts_seller_uscc ON contracts (seller_uscc);
CREATE INDEX contracts_buyer_uscc ON contracts (buyer_uscc);
CREATE INDEX contracts_seller_name ON contracts (seller_name);
CREATE INDEX contracts_buyer_name ON contracts (buyer_name);
CREATE INDEX contracts_batch ON contracts (batch_id);

-- Patents; status_lapsed: the 法律状态 says lapsed without a date.
CREATE TABLE patents (
    id            INTEGER PRIMARY KEY,
    number        TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL DEFAULT '',
    type          TEXT    NOT NULL,
    granted       TEXT    NOT NULL,
    lapsed        TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT '',
    status_lapsed BOOLEAN NOT NULL DEFAULT 0,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES import_batches (id),
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patents_granted ON patents (type, granted);
CREATE INDEX patents_batch ON patents (batch_id);
CREATE TABLE patent_holders (
    patent_id     INTEGER NOT NULL REFERENCES patents (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    uscc          TEXT    NOT NULL DEFAULT '',
    domestic      BOOLEAN NOT NULL DEFAULT 0,
    enterprise_id INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    own_unit_id   INTEGER REFERENCES units (id) ON DELETE SET NULL,
    unit_id       INTEGER REFERENCES units (id) ON DELETE SET NULL,
    PRIMARY KEY (patent_id, position)
);
CREATE INDEX patent_holders_unit ON patent_holders (unit_id);
CREATE INDEX patent_holders_own_unit ON patent_holders (own_unit_id);
CREATE INDEX patent_holders_enterprise ON patent_holders (enterprise_id);
CREATE INDEX patent_holders_uscc ON patent_holders (uscc);
CREATE INDEX patent_holders_name ON patent_holders (name);

-- 研发平台和创新载体, keyed by (name, kind, level): an upgrade is a new record.
CREATE TABLE platforms (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL DEFAULT '',
    level         TEXT    NOT NULL,
    mode          TEXT    NOT NULL DEFAULT '',
    decided       TEXT    NOT NULL DEFAULT '',
    host_uscc     TEXT    NOT NULL DEFAULT '',
    host_name     TEXT    NOT NULL DEFAULT '',
    area          TEXT    NOT NULL DEFAULT '',
    enterprise_id INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    own_unit_id   INTEGER REFERENCES units (id) ON DELETE SET NULL,
    unit_id       INTEGER REFERENCES units (id) ON DELETE SET NULL,
    record        TEXT    NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES import_batches (id),
    sheet         TEXT    NOT NULL DEFAULT '',
    row_no        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (name, kind, level)
);
CREATE INDEX platforms_decided ON platforms (decided);
CREATE INDEX platforms_unit ON platforms (unit_id);
CREATE INDEX platforms_own_unit ON platforms (own_unit_id);
CREATE INDEX platforms_enterprise ON platforms (enterprise_id);
CREATE INDEX platforms_host_uscc ON platforms (host_uscc);
CREATE INDEX platforms_host_name ON platforms (host_name);
CREATE INDEX platforms_batch ON platforms (batch_id);

-- Statistics by area and year; unit_id NULL is the whole area. A unit's
-- statistics go with the unit (its key would clash with the whole area's).
CREATE TABLE statistics (
    id        INTEGER PRIMARY KEY,
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
CREATE UNIQUE INDEX statistics_key ON statistics ((COALESCE(unit_id, 0)), indicator, year);
CREATE INDEX statistics_indicator ON statistics (indicator, year);
CREATE INDEX statistics_unit ON statistics (unit_id);
CREATE INDEX statistics_batch ON statistics (batch_id);

-- Column mappings a person chose for a list's header, by the header's shape.
CREATE TABLE register_mappings (
    shape      TEXT      PRIMARY KEY,
    kind       TEXT      NOT NULL,
    mapping    TEXT      NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Attribution: address keywords per unit, and staff decisions by USCC or
-- exact name, applied to every later list.
CREATE TABLE attribution_keywords (
    id      INTEGER PRIMARY KEY,
    keyword TEXT    NOT NULL UNIQUE,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE
);
CREATE INDEX attribution_keywords_unit ON attribution_keywords (unit_id);
CREATE TABLE attribution_decisions (
    key_kind   TEXT      NOT NULL CHECK (key_kind IN ('uscc', 'name')),
    key_value  TEXT      NOT NULL,
    unit_id    INTEGER   NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    note       TEXT      NOT NULL DEFAULT '',
    user_id    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    decided_at TIMESTAMP NOT NULL,
    PRIMARY KEY (key_kind, key_value)
);
CREATE INDEX attribution_decisions_unit ON attribution_decisions (unit_id);
CREATE INDEX attribution_decisions_user ON attribution_decisions (user_id);

-- A unit disputes a record (该企业已迁出); the bureau resolves it.
CREATE TABLE register_disputes (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER   NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    kind        TEXT      NOT NULL,
    record_id   INTEGER   NOT NULL,
    record_key  TEXT      NOT NULL DEFAULT '',
    record_name TEXT      NOT NULL DEFAULT '',
    reason      TEXT      NOT NULL,
    state       TEXT      NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    resolution  TEXT      NOT NULL DEFAULT '',
    created_by  INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    resolved_by INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX register_disputes_state ON register_disputes (state, created_at);
CREATE INDEX register_disputes_unit ON register_disputes (unit_id, state);
CREATE INDEX register_disputes_record ON register_disputes (kind, record_id);
CREATE INDEX register_disputes_created_by ON register_disputes (created_by);
CREATE INDEX register_disputes_resolved_by ON register_disputes (resolved_by);

-- Goals computed by a definition. set_by 'default': bound to its
-- indicator's default automatically (and rebound when the indicator
-- changes); 'admin': chosen by an admin, kept. kind '' with 'admin' is a
-- goal the admin unbound: it stays reported and is never bound again.
CREATE TABLE goal_definitions (
    goal_id    INTEGER   PRIMARY KEY REFERENCES goals (id) ON DELETE CASCADE,
    kind       TEXT      NOT NULL DEFAULT '',
    params     TEXT      NOT NULL DEFAULT '{}',
    set_by     TEXT      NOT NULL CHECK (set_by IN ('default', 'admin')),
    updated_at TIMESTAMP NOT NULL
);
