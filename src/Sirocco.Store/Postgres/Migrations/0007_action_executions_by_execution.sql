-- PostgreSQL twin of Sqlite/Migrations/0007_action_executions_by_execution.sql (same index).
-- Version 7: action executions by workflow execution. Loading an execution's state (every engine step) and deleting
-- an execution select action_executions by workflow_execution_id; without this index each did a full table scan.
CREATE INDEX ix_action_executions_workflow ON action_executions (workflow_execution_id, seq);
