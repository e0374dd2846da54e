-- Register lists uploaded and waiting to be imported: the page checks a
-- file, shows its problems, maps its headers and imports it in separate
-- requests, possibly to different instances, so the file is kept in the
-- database (in parts of at most 1 MB, read one at a time) until it is
-- imported or expires. After the import, result is its answer (JSON) and
-- the parts named 'rejected' hold the rejected rows' .xlsx.
CREATE TABLE register_uploads (
    id           TEXT      PRIMARY KEY,
    kind         TEXT      NOT NULL,
    file_name    TEXT      NOT NULL,
    sha256       TEXT      NOT NULL,
    size         BIGINT    NOT NULL,
    user_id      BIGINT    REFERENCES users (id) ON DELETE SET NULL,
    username     TEXT      NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    state        TEXT      NOT NULL DEFAULT 'staged',
    claimed_at   TIMESTAMPTZ,
    skip_invalid BOOLEAN   NOT NULL DEFAULT FALSE,
    batch_id     BIGINT    REFERENCES import_batches (id) ON DELETE SET NULL,
    result       TEXT      NOT NULL DEFAULT '',
    error        TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX register_uploads_expires ON register_uploads (expires_at);
CREATE INDEX register_uploads_user ON register_uploads (user_id);
CREATE INDEX register_uploads_batch ON register_uploads (batch_id);
CREATE TABLE register_upload_parts (
    upload_id TEXT    NOT NULL REFERENCES register_uploads (id) ON DELETE CASCADE,
    part      TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    data      BYTEA   NOT NULL,
    PRIMARY KEY (upload_id, part, seq)
);
