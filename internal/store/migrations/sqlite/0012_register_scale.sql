-- Registers at national size (issue 10): tallies that keep the
-- definitions' counts and sums by day, fewer indexes to write, and no
-- foreign keys on the attribution columns.
--
-- enterprise_id, own_unit_id and unit_id of records are derived: the
-- importer and re-attribution compute them, and every change to the
-- directory re-attributes every record in its transaction (a deleted unit
-- leaves no id behind), so they carry no foreign key; enterprises are never
-- deleted. batch_id is the import that last listed a record: batches are
-- never deleted and only the importer writes it, so it carries none
-- either (PostgreSQL would check it once per row of every bulk insert).
-- Records are found by their keys, by firm_key for SME and 高新
-- counts, and by unit and date for drill-down; the other indexes go: an
-- import that changes enterprises reads the contracts and patent holders
-- once to attribute them again, rather than every import of contracts or
-- patents writing two more indexes.
-- firm_key is plan.FirmKey (USCC, else 'n:' and the name): what firm
-- counts are distinct by. patents.attributed: a holder has a unit.

CREATE TABLE smes_new (
    id            INTEGER PRIMARY KEY,
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
INSERT INTO smes_new (id, uscc, name, year, reg_no, batch_label, entered, revoked, area, firm_key, enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no)
SELECT id, uscc, name, year, reg_no, batch_label, entered, revoked, area, CASE WHEN uscc <> '' THEN uscc ELSE 'n:' || name END,
       enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no FROM smes;
DROP TABLE smes;
ALTER TABLE smes_new RENAME TO smes;
CREATE UNIQUE INDEX smes_uscc_year ON smes (uscc, year) WHERE uscc <> '';
CREATE UNIQUE INDEX smes_reg_no ON smes (reg_no) WHERE uscc = '';
CREATE INDEX smes_year ON smes (year, entered);
CREATE INDEX smes_unit ON smes (unit_id);
CREATE INDEX smes_firm ON smes (firm_key);

CREATE TABLE hightech_certs_new (
    id            INTEGER PRIMARY KEY,
    cert_no       TEXT    NOT NULL UNIQUE,
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
    row_no        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO hightech_certs_new (id, cert_no, uscc, name, issued, expires, cancelled, area, firm_key, enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no)
SELECT id, cert_no, uscc, name, issued, expires, cancelled, area, CASE WHEN uscc <> '' THEN uscc ELSE 'n:' || name END,
       enterprise_id, own_unit_id, unit_id, record, batch_id, sheet, row_no FROM hightech_certs;
DROP TABLE hightech_certs;
ALTER TABLE hightech_certs_new RENAME TO hightech_certs;
CREATE INDEX hightech_certs_dates ON hightech_certs (issued, expires);
CREATE INDEX hightech_certs_unit ON hightech_certs (unit_id);
CREATE INDEX hightech_certs_firm ON hightech_certs (firm_key);

CREATE TABLE contracts_new (
    id                   INTEGER PRIMARY KEY,
    reg_no               TEXT    NOT NULL UNIQUE,
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
    row_no               INTEGER NOT NULL DEFAULT 0
);
INSERT INTO contracts_new SELECT id, reg_no, project, type, seller_name, seller_uscc, seller_area, seller_area_local, seller_enterprise_id,
       seller_own_unit_id, seller_unit_id, buyer_name, buyer_uscc, buyer_area, buyer_area_local, buyer_enterprise_id, buyer_own_unit_id,
       buyer_unit_id, amount_fen, tech_amount_fen, registered, record, batch_id, sheet, row_no FROM contracts;
DROP TABLE contracts;
ALTER TABLE contracts_new RENAME TO contracts;
CREATE INDEX contracts_registered ON contracts (registered);
CREATE INDEX contracts_seller_unit ON contracts (seller_unit_id, registered);
CREATE INDEX contracts_buyer_unit ON contracts (buyer_unit_id, registered);

CREATE TABLE patents_new (
    id            INTEGER PRIMARY KEY,
    number        TEXT    NOT NULL UNIQUE,
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
    row_no        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO patents_new (id, number, title, type, granted, lapsed, status, status_lapsed, record, batch_id, sheet, row_no)
SELECT id, number, title, type, granted, lapsed, status, status_lapsed, record, batch_id, sheet, row_no FROM patents;
DROP TABLE patents;
ALTER TABLE patents_new RENAME TO patents;
CREATE INDEX patents_granted ON patents (type, granted);
CREATE TABLE patent_holders_new (
    patent_id     INTEGER NOT NULL REFERENCES patents (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    uscc          TEXT    NOT NULL DEFAULT '',
    domestic      BOOLEAN NOT NULL DEFAULT 0,
    enterprise_id INTEGER,
    own_unit_id   INTEGER,
    unit_id       INTEGER,
    PRIMARY KEY (patent_id, position)
) WITHOUT ROWID;
INSERT INTO patent_holders_new SELECT patent_id, position, name, uscc, domestic, enterprise_id, own_unit_id, unit_id FROM patent_holders;
DROP TABLE patent_holders;
ALTER TABLE patent_holders_new RENAME TO patent_holders;
UPDATE patents SET attributed = EXISTS (SELECT 1 FROM patent_holders h WHERE h.patent_id = patents.id AND h.unit_id IS NOT NULL);
CREATE INDEX patents_unattributed ON patents (id) WHERE NOT attributed;

CREATE TABLE platforms_new (
    id            INTEGER PRIMARY KEY,
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
    UNIQUE (name, kind, level)
);
INSERT INTO platforms_new SELECT id, name, kind, level, mode, decided, host_uscc, host_name, area, enterprise_id, own_unit_id, unit_id,
       record, batch_id, sheet, row_no FROM platforms;
DROP TABLE platforms;
ALTER TABLE platforms_new RENAME TO platforms;
CREATE INDEX platforms_decided ON platforms (decided);
CREATE INDEX platforms_unit ON platforms (unit_id);
CREATE INDEX platforms_host ON platforms (host_uscc, host_name);

CREATE TABLE enterprises_new (
    id           INTEGER PRIMARY KEY,
    uscc         TEXT    NOT NULL UNIQUE,
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
    row_no       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO enterprises_new SELECT id, uscc, name, address, area, industry, rd_institute, rd_kind, rd_level, unit_id, attribution, stub,
       record, batch_id, sheet, row_no FROM enterprises;
DROP TABLE enterprises;
ALTER TABLE enterprises_new RENAME TO enterprises;
CREATE INDEX enterprises_unit ON enterprises (unit_id);

-- Current and former names, the primary key being the table.
CREATE TABLE enterprise_names_new (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    former        BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (enterprise_id, name)
) WITHOUT ROWID;
INSERT INTO enterprise_names_new SELECT enterprise_id, name, former FROM enterprise_names;
DROP TABLE enterprise_names;
ALTER TABLE enterprise_names_new RENAME TO enterprise_names;
CREATE INDEX enterprise_names_name ON enterprise_names (name);

DROP INDEX statistics_batch;

-- What the records add to a definition's figure, by metric, unit (0: the
-- whole area) and period: grain D a day (YYYY-MM-DD), M its month
-- (YYYY-MM), Y its year (YYYY). n: +1 where a firm or patent starts to
-- count, −1 where it stops (contracts: how many); amount_fen, tech_fen:
-- contracts' sums. See internal/store/tallies.go.
CREATE TABLE register_tallies (
    metric     TEXT    NOT NULL,
    unit_id    INTEGER NOT NULL,
    grain      TEXT    NOT NULL CHECK (grain IN ('Y', 'M', 'D')),
    period     TEXT    NOT NULL,
    n          BIGINT  NOT NULL DEFAULT 0,
    amount_fen BIGINT  NOT NULL DEFAULT 0,
    tech_fen   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, grain, period, unit_id)
) WITHOUT ROWID;

-- When a firm counts, per metric and unit (0: the whole area): its
-- records' validity merged, [start_on, end_on), end_on '' when open.
CREATE TABLE register_spans (
    metric   TEXT    NOT NULL,
    firm_key TEXT    NOT NULL,
    unit_id  INTEGER NOT NULL,
    start_on TEXT    NOT NULL,
    end_on   TEXT    NOT NULL,
    PRIMARY KEY (metric, firm_key, unit_id, start_on)
) WITHOUT ROWID;

-- What an import must bring up to date when it ends: firms whose spans to
-- recompute (what: the metric) and enterprises whose records to attribute
-- again (what 'enterprise', key the USCC). Empty between imports.
CREATE TABLE register_pending (
    batch_id INTEGER NOT NULL,
    what     TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    PRIMARY KEY (batch_id, what, key)
) WITHOUT ROWID;

-- The tallies of the registers already imported.
WITH recs AS (
    SELECT 'sme:' || r.year AS metric, r.firm_key AS firm_key, r.unit_id AS unit_id,
           CASE WHEN r.entered = '' THEN '0000-01-01' ELSE r.entered END AS s, CASE WHEN r.revoked = '' THEN '9999-12-31' ELSE r.revoked END AS e
    FROM smes r WHERE r.unit_id IS NOT NULL
    UNION ALL
    SELECT 'sme:' || r.year, r.firm_key, 0, CASE WHEN r.entered = '' THEN '0000-01-01' ELSE r.entered END, CASE WHEN r.revoked = '' THEN '9999-12-31' ELSE r.revoked END
    FROM smes r
    UNION ALL
    SELECT 'hightech', r.firm_key, r.unit_id, r.issued, CASE WHEN r.cancelled <> '' AND r.cancelled < r.expires THEN r.cancelled ELSE r.expires END
    FROM hightech_certs r WHERE r.unit_id IS NOT NULL
    UNION ALL
    SELECT 'hightech', r.firm_key, 0, r.issued, CASE WHEN r.cancelled <> '' AND r.cancelled < r.expires THEN r.cancelled ELSE r.expires END
    FROM hightech_certs r),
marked AS (
    SELECT metric, firm_key, unit_id, s, e,
           CASE WHEN s <= MAX(e) OVER (PARTITION BY metric, firm_key, unit_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                THEN 0 ELSE 1 END AS starts
    FROM recs WHERE s < e),
islands AS (
    SELECT metric, firm_key, unit_id, s, e,
           SUM(starts) OVER (PARTITION BY metric, firm_key, unit_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
    FROM marked)
INSERT INTO register_spans (metric, firm_key, unit_id, start_on, end_on)
SELECT metric, firm_key, unit_id, MIN(s), CASE WHEN MAX(e) = '9999-12-31' THEN '' ELSE MAX(e) END
FROM islands GROUP BY metric, firm_key, unit_id, island;

WITH pu AS (
    SELECT DISTINCT r.id, r.granted, r.lapsed, h.unit_id FROM patents r JOIN patent_holders h ON h.patent_id = r.id
    WHERE r.type = '发明' AND NOT (r.lapsed = '' AND r.status_lapsed) AND (r.lapsed = '' OR r.lapsed > r.granted) AND h.domestic AND h.unit_id IS NOT NULL
    UNION
    SELECT DISTINCT r.id, r.granted, r.lapsed, 0 FROM patents r JOIN patent_holders h ON h.patent_id = r.id
    WHERE r.type = '发明' AND NOT (r.lapsed = '' AND r.status_lapsed) AND (r.lapsed = '' OR r.lapsed > r.granted) AND h.domestic),
ev AS (
    SELECT sp.metric AS metric, sp.unit_id AS unit_id, sp.start_on AS day, 1 AS n, 0 AS amount_fen, 0 AS tech_fen FROM register_spans sp
    UNION ALL SELECT sp.metric, sp.unit_id, sp.end_on, -1, 0, 0 FROM register_spans sp WHERE sp.end_on <> ''
    UNION ALL SELECT 'contract:seller', 0, r.registered, 1, r.amount_fen, COALESCE(r.tech_amount_fen, 0) FROM contracts r
        WHERE r.seller_unit_id IS NOT NULL OR r.seller_enterprise_id IS NOT NULL OR r.seller_area_local
    UNION ALL SELECT 'contract:seller', r.seller_unit_id, r.registered, 1, r.amount_fen, COALESCE(r.tech_amount_fen, 0) FROM contracts r
        WHERE r.seller_unit_id IS NOT NULL
    UNION ALL SELECT 'contract:buyer', 0, r.registered, 1, r.amount_fen, COALESCE(r.tech_amount_fen, 0) FROM contracts r
        WHERE r.buyer_unit_id IS NOT NULL OR r.buyer_enterprise_id IS NOT NULL OR r.buyer_area_local
    UNION ALL SELECT 'contract:buyer', r.buyer_unit_id, r.registered, 1, r.amount_fen, COALESCE(r.tech_amount_fen, 0) FROM contracts r
        WHERE r.buyer_unit_id IS NOT NULL
    UNION ALL SELECT 'patent', unit_id, granted, 1, 0, 0 FROM pu
    UNION ALL SELECT 'patent', unit_id, lapsed, -1, 0, 0 FROM pu WHERE lapsed <> '')
INSERT INTO register_tallies (metric, unit_id, grain, period, n, amount_fen, tech_fen)
SELECT ev.metric, ev.unit_id, g.grain, SUBSTR(ev.day, 1, g.len), SUM(ev.n), SUM(ev.amount_fen), SUM(ev.tech_fen)
FROM ev CROSS JOIN (SELECT 'Y' AS grain, 4 AS len UNION ALL SELECT 'M', 7 UNION ALL SELECT 'D', 10) g
GROUP BY ev.metric, ev.unit_id, g.grain, SUBSTR(ev.day, 1, g.len);
