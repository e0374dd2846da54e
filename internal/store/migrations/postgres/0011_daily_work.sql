-- The daily work of bureau staff: a contact person and phone per unit,
-- shown wherever a unit is chased; an issued bulletin's document number
-- (文号) and 版记 (抄送, 印发机关, 印发日期), kept with the issue of the
-- round's figures it was issued from; and the 待我审核 queue, which reads
-- the submitted forms of open rounds.
ALTER TABLE units ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE round_snapshots ADD COLUMN doc_number TEXT NOT NULL DEFAULT '';
ALTER TABLE round_snapshots ADD COLUMN copy_to TEXT NOT NULL DEFAULT '';
ALTER TABLE round_snapshots ADD COLUMN printed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE round_snapshots ADD COLUMN printed_on TEXT NOT NULL DEFAULT '';
CREATE INDEX forms_state ON forms (state, round_id);
