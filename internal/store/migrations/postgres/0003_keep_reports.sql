-- Nothing reported is destroyed: a unit, round, task or goal that forms
-- refer to can no longer be deleted (ON DELETE RESTRICT instead of CASCADE);
-- what is no longer wanted is archived instead. A form still owns its
-- entries, versions, evidence and comments (deleting a form nobody filled
-- in takes them along).

ALTER TABLE forms
    DROP CONSTRAINT forms_round_id_fkey,
    ADD CONSTRAINT forms_round_id_fkey FOREIGN KEY (round_id) REFERENCES rounds (id) ON DELETE RESTRICT,
    DROP CONSTRAINT forms_unit_id_fkey,
    ADD CONSTRAINT forms_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units (id) ON DELETE RESTRICT;
ALTER TABLE form_tasks
    DROP CONSTRAINT form_tasks_task_id_fkey,
    ADD CONSTRAINT form_tasks_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE RESTRICT;
ALTER TABLE form_values
    DROP CONSTRAINT form_values_goal_id_fkey,
    ADD CONSTRAINT form_values_goal_id_fkey FOREIGN KEY (goal_id) REFERENCES goals (id) ON DELETE RESTRICT;
ALTER TABLE attachments
    DROP CONSTRAINT attachments_task_id_fkey,
    ADD CONSTRAINT attachments_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE RESTRICT;
ALTER TABLE form_comments
    DROP CONSTRAINT form_comments_task_id_fkey,
    ADD CONSTRAINT form_comments_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE RESTRICT;

CREATE INDEX form_tasks_task ON form_tasks (task_id);
CREATE INDEX form_values_goal ON form_values (goal_id);
CREATE INDEX attachments_task ON attachments (task_id);
CREATE INDEX form_comments_task ON form_comments (task_id);

-- Archived units, tasks and goals stay in the plan and in history but are
-- left out of new rounds.
ALTER TABLE units ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE tasks ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE goals ADD COLUMN archived_at TIMESTAMPTZ;

-- Indexes for the foreign keys that deletes and re-resolves look up by:
-- without them each delete of a parent scans the child table.
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX unit_aliases_unit ON unit_aliases (unit_id);
CREATE INDEX unit_group_aliases_group ON unit_group_aliases (group_id);
CREATE INDEX unit_group_members_unit ON unit_group_members (unit_id);
CREATE INDEX tasks_section ON tasks (section_id);
CREATE INDEX task_units_task ON task_units (task_id);
CREATE INDEX task_units_row ON task_units (row_id);
CREATE INDEX split_tables_plan ON split_tables (plan_id);
CREATE INDEX split_rows_table ON split_rows (table_id);
CREATE INDEX split_values_column ON split_values (column_id);
CREATE INDEX assignments_plan ON assignments (plan_id);
CREATE INDEX allocations_plan ON allocations (plan_id);
CREATE INDEX users_unit ON users (unit_id);
CREATE INDEX round_units_unit ON round_units (unit_id);
CREATE INDEX notifications_round ON notifications (round_id);
CREATE INDEX reminder_sends_unit ON reminder_sends (unit_id);
