-- Login lockouts per username and client (an address, or a browser that
-- logged in before: login_devices), and API tokens that expire.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    username        TEXT        NOT NULL,
    client          TEXT        NOT NULL,
    failures        INTEGER     NOT NULL,
    locked_until    TIMESTAMPTZ NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (username, client)
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);
CREATE TABLE login_devices (
    token_hash TEXT        PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_devices_user ON login_devices (user_id);
CREATE INDEX login_devices_expires ON login_devices (expires_at);
-- Tokens made before expiry existed get 90 days from now.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = now() + interval '90 days';
CREATE INDEX api_tokens_user ON api_tokens (user_id);
