-- Counts the changes to a form's evidence files. An upload or a deletion
-- leaves the form's version alone (a reporter's open form can still be
-- saved), so this is what tells a kept copy of the form that its counts of
-- evidence are stale (web: kept forms, store.FormStamp).
ALTER TABLE forms ADD COLUMN evidence_version BIGINT NOT NULL DEFAULT 0;
