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

ALTER TABLE enterprises DROP CONSTRAINT enterprises_unit_id_fkey, DROP CONSTRAINT enterprises_batch_id_fkey;
DROP INDEX enterprises_batch;

ALTER TABLE smes DROP CONSTRAINT smes_batch_id_fkey, DROP CONSTRAINT smes_enterprise_id_fkey, DROP CONSTRAINT smes_own_unit_id_fkey, DROP CONSTRAINT smes_unit_id_fkey,
    ADD COLUMN firm_key TEXT;
UPDATE smes SET firm_key = CASE WHEN uscc <> '' THEN uscc ELSE 'n:' || name END;
ALTER TABLE smes ALTER COLUMN firm_key SET NOT NULL;
DROP INDEX smes_own_unit, smes_enterprise, smes_name, smes_batch;
CREATE INDEX smes_firm ON smes (firm_key);

ALTER TABLE hightech_certs DROP CONSTRAINT hightech_certs_batch_id_fkey, DROP CONSTRAINT hightech_certs_enterprise_id_fkey, DROP CONSTRAINT hightech_certs_own_unit_id_fkey,
    DROP CONSTRAINT hightech_certs_unit_id_fkey, ADD COLUMN firm_key TEXT;
UPDATE hightech_certs SET firm_key = CASE WHEN uscc <> '' THEN uscc ELSE 'n:' || name END;
ALTER TABLE hightech_certs ALTER COLUMN firm_key SET NOT NULL;
DROP INDEX hightech_certs_uscc, hightech_certs_name, hightech_certs_own_unit, hightech_certs_enterprise, hightech_certs_batch;
CREATE INDEX hightech_certs_firm ON hightech_certs (firm_key);

ALTER TABLE contracts DROP CONSTRAINT contracts_batch_id_fkey, DROP CONSTRAINT contracts_seller_enterprise_id_fkey, DROP CONSTRAINT contracts_seller_own_unit_id_fkey,
    DROP CONSTRAINT contracts_seller_unit_id_fkey, DROP CONSTRAINT contracts_buyer_enterprise_id_fkey,
    DROP CONSTRAINT contracts_buyer_own_unit_id_fkey, DROP CONSTRAINT contracts_buyer_unit_id_fkey;
DROP INDEX contracts_seller_unit, contracts_buyer_unit, contracts_seller_own_unit, contracts_buyer_own_unit, contracts_seller_enterprise,
    contracts_buyer_enterprise, contracts_seller_uscc, contracts_buyer_uscc, contracts_seller_name, contracts_buyer_name, contracts_batch;
CREATE INDEX contracts_seller_unit ON contracts (seller_unit_id, registered);
CREATE INDEX contracts_buyer_unit ON contracts (buyer_unit_id, registered);

ALTER TABLE patents DROP CONSTRAINT patents_batch_id_fkey, ADD COLUMN attributed BOOLEAN NOT NULL DEFAULT FALSE;
DROP INDEX patents_batch;
ALTER TABLE patent_holders DROP CONSTRAINT patent_holders_enterprise_id_fkey, DROP CONSTRAINT patent_holders_own_unit_id_fkey,
    DROP CONSTRAINT patent_holders_unit_id_fkey;
DROP INDEX patent_holders_unit, patent_holders_own_unit, patent_holders_enterprise, patent_holders_uscc, patent_holders_name;
UPDATE patents SET attributed = EXISTS (SELECT 1 FROM patent_holders h WHERE h.patent_id = patents.id AND h.unit_id IS NOT NULL);
CREATE INDEX patents_unattributed ON patents (id) WHERE NOT attributed;

ALTER TABLE platforms DROP CONSTRAINT platforms_batch_id_fkey, DROP CONSTRAINT platforms_enterprise_id_fkey, DROP CONSTRAINT platforms_own_unit_id_fkey, DROP CONSTRAINT platforms_unit_id_fkey;
DROP INDEX platforms_own_unit, platforms_enterprise, platforms_host_uscc, platforms_host_name, platforms_batch;
CREATE INDEX platforms_host ON platforms (host_uscc, host_name);

DROP INDEX statistics_batch;

-- What the records add to a definition's figure, by metric, unit (0: the
-- whole area) and period: grain D a day (YYYY-MM-DD), M its month
-- (YYYY-MM), Y its year (YYYY). n: +1 where a firm or patent starts to
-- count, −1 where it stops (contracts: how many); amount_fen, tech_fen:
-- contracts' sums. See internal/store/tallies.go.
CREATE TABLE register_tallies (
    metric     TEXT    NOT NULL,
    unit_id    BIGINT  NOT NULL,
    grain      TEXT    NOT NULL CHECK (grain IN ('Y', 'M', 'D')),
    period     TEXT    NOT NULL,
    n          BIGINT  NOT NULL DEFAULT 0,
    amount_fen BIGINT  NOT NULL DEFAULT 0,
    tech_fen   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, grain, period, unit_id)
);

-- When a firm counts, per metric and unit (0: the whole area): its
-- records' validity merged, [start_on, end_on), end_on '' when open.
CREATE TABLE register_spans (
    metric   TEXT    NOT NULL,
    firm_key TEXT    NOT NULL,
    unit_id  BIGINT  NOT NULL,
    start_on TEXT    NOT NULL,
    end_on   TEXT    NOT NULL,
    PRIMARY KEY (metric, firm_key, unit_id, start_on)
);

-- What an import must bring up to date when it ends: firms whose spans to
-- recompute (what: the metric) and enterprises whose records to attribute
-- again (what 'enterprise', key the USCC). Empty between imports.
CREATE TABLE register_pending (
    batch_id BIGINT  NOT NULL,
    what     TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    PRIMARY KEY (batch_id, what, key)
);

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
SELECT ev.metric, ev.unit_id, g.grain, SUBSTR(ev.day, 1, g.len), CAST(SUM(ev.n) AS BIGINT), CAST(SUM(ev.amount_fen) AS BIGINT), CAST(SUM(ev.tech_fen) AS BIGINT)
FROM ev CROSS JOIN (SELECT 'Y' AS grain, 4 AS len UNION ALL SELECT 'M', 7 UNION ALL SELECT 'D', 10) g
GROUP BY ev.metric, ev.unit_id, g.grain, SUBSTR(ev.day, 1, g.len);
