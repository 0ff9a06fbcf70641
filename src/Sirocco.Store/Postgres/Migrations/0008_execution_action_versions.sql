-- Version 8 (PostgreSQL twin): the action versions a workflow execution started with (plugin name -> content hash, by
-- provider), so that all its tasks, sub-workflows included, run the plugin versions current when it started.
CREATE TABLE execution_action_versions (
    execution_id  TEXT PRIMARY KEY,
    versions      TEXT NOT NULL
);
