-- One counter of the changes to who is signed in and what they reach
-- (users, sessions, API tokens, organisations, units), bumped in the same
-- transaction as each of them: every instance keeps identities in memory
-- and drops them when it sees the counter move (store/authcache.go).
CREATE TABLE auth_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, 0);
