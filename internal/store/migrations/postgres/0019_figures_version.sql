-- The figures' own counter beside the data version: every change that can
-- move a figure bumps both; a submission or a return (which changes what
-- the round's forms and task reports say, not the approved values, the
-- registers or the plan) bumps the data version alone. A dashboard kept
-- at an older data version but the same figures version reuses its
-- overview and reads only the forms and reports again (progress.Cache).
ALTER TABLE data_version ADD COLUMN figures BIGINT NOT NULL DEFAULT 0;
