-- What a closed round's figures were computed from, kept when it closed
-- (one issue per close: a reopened and closed again round is reissued), so
-- that its dashboard and bulletin stay as issued.
ALTER TABLE rounds ADD COLUMN issue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rounds ADD COLUMN reopened_at TIMESTAMPTZ;
CREATE TABLE round_snapshots (
    round_id   BIGINT      NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    issue      INTEGER     NOT NULL,
    data       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    username   TEXT        NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, issue)
);
