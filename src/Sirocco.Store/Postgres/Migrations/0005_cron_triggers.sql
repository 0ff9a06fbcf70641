-- PostgreSQL twin of Sqlite/Migrations/0005_cron_triggers.sql (same table, columns and names).
-- Version 5: cron triggers (Mistral's cron_triggers_v2; REST resource "CronTrigger").
-- next_execution_time is the resource's text 'YYYY-MM-DD HH:MM:SS' (compares in time order); the scheduler advances
-- it with a compare-and-set on its old value, in the same transaction that queues the execution's start event, so
-- a due time fires once however many schedulers race for it.
CREATE TABLE cron_triggers (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    pattern               TEXT,
    first_execution_time  TEXT,
    next_execution_time   TEXT NOT NULL,
    remaining_executions  BIGINT,
    workflow_name         TEXT NOT NULL,
    workflow_id           TEXT NOT NULL,
    workflow_namespace    TEXT NOT NULL DEFAULT '',
    workflow_input        TEXT NOT NULL DEFAULT '{}',
    workflow_params       TEXT NOT NULL DEFAULT '{}',
    -- sha256 of the JSON texts: part of Mistral's second unique key (identical triggers under two names)
    workflow_input_hash   TEXT NOT NULL,
    workflow_params_hash  TEXT NOT NULL,
    scope                 TEXT NOT NULL DEFAULT 'private',
    project_id            TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT,
    CONSTRAINT uq_cron_triggers_name UNIQUE (name, project_id),
    CONSTRAINT uq_cron_triggers_content UNIQUE (workflow_input_hash, workflow_name, pattern, project_id,
        workflow_params_hash, remaining_executions, first_execution_time)
);
CREATE INDEX ix_cron_triggers_next ON cron_triggers (next_execution_time);
CREATE INDEX ix_cron_triggers_workflow ON cron_triggers (workflow_id);
