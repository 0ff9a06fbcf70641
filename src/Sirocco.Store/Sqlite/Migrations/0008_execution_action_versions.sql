-- Version 8: the action versions a workflow execution started with (plugin name -> content hash, by provider), so
-- that all its tasks, sub-workflows included, run the plugin versions that were current when it started
-- (docs/actions.md, "Plugins"). One row per root execution, written at start only when versioned providers exist.
CREATE TABLE execution_action_versions (
    execution_id  TEXT PRIMARY KEY,
    versions      TEXT NOT NULL
);
