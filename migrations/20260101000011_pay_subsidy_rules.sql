-- Pay subsidy and work trials by the rules of each date (docs/path.md):
-- the 30 and 40 % rates of 1.1.2017–30.6.2023 for history, the ground of a
-- decision (reduced skills, reduced work ability, a long-term unemployed
-- person aged 60 or over, the 100 % subsidy of a non-profit, and the
-- employment subsidy for those aged 55 or over as a kind of its own), the
-- facts its conditions rest on, and a work trial's task, by which the
-- 6-month limit with a municipality is counted.
--
-- No partner kind is added: a municipality or joint municipal authority as
-- employer is a partner of kind 'municipal_unit', already allowed.

ALTER TABLE path_episodes DROP CONSTRAINT path_episodes_subsidy_percent_check;
ALTER TABLE path_episodes ADD CONSTRAINT path_episodes_subsidy_percent_check
    CHECK (subsidy_percent IN (30, 40, 50, 70, 100));

ALTER TABLE path_episodes
    -- Null on rows recorded before this migration: their ground was the
    -- default of their rate.
    ADD COLUMN subsidy_basis text CONSTRAINT path_episodes_subsidy_basis_check CHECK (subsidy_basis IN (
        'reduced_skills', 'reduced_work_ability', 'long_term_unemployed_60', 'non_profit',
        'employment_subsidy_55')),
    -- Months of unemployment within the last 14 and the last 28 months
    -- before the decision, as the coach recorded them.
    ADD COLUMN unemployed_months_14 smallint
        CONSTRAINT path_episodes_unemployed_months_14_check CHECK (unemployed_months_14 BETWEEN 0 AND 14),
    ADD COLUMN unemployed_months_28 smallint
        CONSTRAINT path_episodes_unemployed_months_28_check CHECK (unemployed_months_28 BETWEEN 0 AND 28),
    -- The 100 % subsidy: the tasks are not business activity.
    ADD COLUMN non_business_tasks boolean,
    -- A work trial's task (työtehtävä).
    ADD COLUMN work_trial_task text
        CONSTRAINT path_episodes_work_trial_task_check CHECK (length(btrim(work_trial_task)) BETWEEN 1 AND 200),
    ADD CONSTRAINT path_episodes_unemployment_windows_check
        CHECK (unemployed_months_28 >= unemployed_months_14);

-- An employment grant goes with a pay-subsidy decision of its start day,
-- which before 1.7.2023 could be 30 or 40 %.
ALTER TABLE employment_grants DROP CONSTRAINT employment_grants_subsidy_percent_check;
ALTER TABLE employment_grants ADD CONSTRAINT employment_grants_subsidy_percent_check
    CHECK (subsidy_percent IN (30, 40, 50, 70, 100));
