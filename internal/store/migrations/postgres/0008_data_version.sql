-- One counter of the changes that can move a figure, bumped in the same
-- transaction as each of them: cached overviews are good while it stands.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
