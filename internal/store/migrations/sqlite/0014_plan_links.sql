-- Plans that cascade across levels and years (issue 12).
--
-- A plan may run over a period (三年行动实施方案 2021–2023: start_year and
-- end_year), implement a parent plan (parent_id) and be based on last
-- year's plan (previous_id, 以上年方案为基础新建). A goal may carry a target
-- per year of its plan's period (goal_year_targets).
--
-- goal_links: a goal's target comes from a goal of another plan — through
-- one unit's allocation of it (unit_id: the city's split row for this
-- district) or, without a unit, from a parent plan's goal for the year; a
-- goal has at most one link of each kind (by_allocation).
-- source_target is the parent's figure when the target was taken, so a
-- later change there is seen (a finding on the linked plan).
-- goal_predecessors: the same goal in the plan this one was based on, for
-- 同期 (the same month last year).
ALTER TABLE plans ADD COLUMN start_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN end_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN parent_id INTEGER REFERENCES plans (id) ON DELETE SET NULL;
ALTER TABLE plans ADD COLUMN previous_id INTEGER REFERENCES plans (id) ON DELETE SET NULL;
CREATE INDEX plans_parent ON plans (parent_id);
CREATE INDEX plans_previous ON plans (previous_id);

CREATE TABLE goal_year_targets (
    goal_id INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    year    INTEGER NOT NULL,
    target  TEXT    NOT NULL,
    PRIMARY KEY (goal_id, year)
);

CREATE TABLE goal_links (
    goal_id        INTEGER   NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    parent_goal_id INTEGER   NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    unit_id        INTEGER   REFERENCES units (id) ON DELETE CASCADE,
    source_target  TEXT      NOT NULL,
    by_allocation  BOOLEAN   NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (goal_id, by_allocation)
);
CREATE INDEX goal_links_parent ON goal_links (parent_goal_id);
CREATE INDEX goal_links_unit ON goal_links (unit_id);

CREATE TABLE goal_predecessors (
    goal_id          INTEGER PRIMARY KEY REFERENCES goals (id) ON DELETE CASCADE,
    previous_goal_id INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE
);
CREATE INDEX goal_predecessors_previous ON goal_predecessors (previous_goal_id);
