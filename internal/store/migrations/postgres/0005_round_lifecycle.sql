-- When a unit first handed its form in, and the round's due date then:
-- lateness (逾期报送) is judged against the deadline in force at the first
-- submission, so a later extension or a return does not rewrite it.
ALTER TABLE forms ADD COLUMN first_submitted_at TIMESTAMPTZ;
ALTER TABLE forms ADD COLUMN submitted_due_on TEXT NOT NULL DEFAULT '';
UPDATE forms SET
    first_submitted_at = COALESCE((SELECT MIN(v.created_at) FROM form_versions v WHERE v.form_id = forms.id AND v.state = 'submitted'), submitted_at),
    submitted_due_on = (SELECT r.due_on FROM rounds r WHERE r.id = forms.round_id)
WHERE submitted_at IS NOT NULL;

