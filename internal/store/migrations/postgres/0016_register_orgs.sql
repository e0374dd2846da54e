-- Registers per organisation: every record, its tallies and spans, the
-- header mappings, keywords and decisions belong to one organisation, which
-- imports its own lists and attributes them against its own directory. A
-- firm's USCC (a certificate's number, a contract's registration …) is
-- unique within an organisation: the city and a district may both list it.
-- Existing rows go to the organisation that held the registers — the one
-- that imported the first list, else the root; keywords and decisions to
-- their unit's. A platform's key ends with org_id: the new-platform
-- definition looks a platform's earlier records up by name, kind and level,
-- and a key led by org_id would let the planner read the whole
-- organisation's platforms for each instead.
CREATE TEMPORARY TABLE register_org ON COMMIT DROP AS
SELECT COALESCE((SELECT org_id FROM import_batches ORDER BY id LIMIT 1),
                (SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY position, id LIMIT 1)) AS id;

ALTER TABLE enterprises ADD COLUMN org_id BIGINT;
ALTER TABLE smes ADD COLUMN org_id BIGINT;
ALTER TABLE hightech_certs ADD COLUMN org_id BIGINT;
ALTER TABLE contracts ADD COLUMN org_id BIGINT;
ALTER TABLE patents ADD COLUMN org_id BIGINT;
ALTER TABLE platforms ADD COLUMN org_id BIGINT;
ALTER TABLE statistics ADD COLUMN org_id BIGINT;
ALTER TABLE register_mappings ADD COLUMN org_id BIGINT REFERENCES orgs (id) ON DELETE RESTRICT;
ALTER TABLE attribution_keywords ADD COLUMN org_id BIGINT REFERENCES orgs (id) ON DELETE RESTRICT;
ALTER TABLE attribution_decisions ADD COLUMN org_id BIGINT REFERENCES orgs (id) ON DELETE RESTRICT;
ALTER TABLE register_tallies ADD COLUMN org_id BIGINT;
ALTER TABLE register_spans ADD COLUMN org_id BIGINT;

UPDATE enterprises SET org_id = (SELECT id FROM register_org);
UPDATE smes SET org_id = (SELECT id FROM register_org);
UPDATE hightech_certs SET org_id = (SELECT id FROM register_org);
UPDATE contracts SET org_id = (SELECT id FROM register_org);
UPDATE patents SET org_id = (SELECT id FROM register_org);
UPDATE platforms SET org_id = (SELECT id FROM register_org);
UPDATE statistics SET org_id = (SELECT id FROM register_org);
UPDATE register_mappings SET org_id = (SELECT id FROM register_org);
UPDATE attribution_keywords t SET org_id = (SELECT u.org_id FROM units u WHERE u.id = t.unit_id);
UPDATE attribution_decisions t SET org_id = (SELECT u.org_id FROM units u WHERE u.id = t.unit_id);
UPDATE register_tallies SET org_id = (SELECT id FROM register_org);
UPDATE register_spans SET org_id = (SELECT id FROM register_org);

ALTER TABLE enterprises ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT enterprises_uscc_key, ADD CONSTRAINT enterprises_org_uscc_key UNIQUE (org_id, uscc);
ALTER TABLE smes ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE hightech_certs ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT hightech_certs_cert_no_key,
    ADD CONSTRAINT hightech_certs_org_cert_no_key UNIQUE (org_id, cert_no);
ALTER TABLE contracts ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT contracts_reg_no_key, ADD CONSTRAINT contracts_org_reg_no_key UNIQUE (org_id, reg_no);
ALTER TABLE patents ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT patents_number_key, ADD CONSTRAINT patents_org_number_key UNIQUE (org_id, number);
ALTER TABLE platforms ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT platforms_name_kind_level_key,
    ADD CONSTRAINT platforms_name_kind_level_org_key UNIQUE (name, kind, level, org_id);
ALTER TABLE statistics ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE register_mappings ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT register_mappings_pkey, ADD PRIMARY KEY (org_id, shape);
ALTER TABLE attribution_keywords ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT attribution_keywords_keyword_key,
    ADD CONSTRAINT attribution_keywords_org_keyword_key UNIQUE (org_id, keyword);
ALTER TABLE attribution_decisions ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT attribution_decisions_pkey, ADD PRIMARY KEY (org_id, key_kind, key_value);
ALTER TABLE register_tallies ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT register_tallies_pkey, ADD PRIMARY KEY (org_id, metric, grain, period, unit_id);
ALTER TABLE register_spans ALTER COLUMN org_id SET NOT NULL, DROP CONSTRAINT register_spans_pkey, ADD PRIMARY KEY (org_id, metric, firm_key, unit_id, start_on);

DROP INDEX smes_uscc_year, smes_reg_no, smes_year, smes_firm, hightech_certs_dates, hightech_certs_firm, contracts_registered,
    patents_granted, patents_unattributed, platforms_decided, platforms_host, statistics_key, statistics_indicator;
CREATE UNIQUE INDEX smes_uscc_year ON smes (org_id, uscc, year) WHERE uscc <> '';
CREATE UNIQUE INDEX smes_reg_no ON smes (org_id, reg_no) WHERE uscc = '';
CREATE INDEX smes_year ON smes (org_id, year, entered);
CREATE INDEX smes_firm ON smes (org_id, firm_key);
CREATE INDEX hightech_certs_dates ON hightech_certs (org_id, issued, expires);
CREATE INDEX hightech_certs_firm ON hightech_certs (org_id, firm_key);
CREATE INDEX contracts_registered ON contracts (org_id, registered);
CREATE INDEX patents_granted ON patents (org_id, type, granted);
CREATE INDEX patents_unattributed ON patents (org_id, id) WHERE NOT attributed;
CREATE INDEX platforms_decided ON platforms (org_id, decided);
CREATE INDEX platforms_host ON platforms (org_id, host_uscc, host_name);
CREATE UNIQUE INDEX statistics_key ON statistics (org_id, (COALESCE(unit_id, 0)), indicator, year);
CREATE INDEX statistics_indicator ON statistics (org_id, indicator, year);
