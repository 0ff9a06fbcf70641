-- Version 2 (PostgreSQL twin): full payloads for the runtime.
-- The action request keeps the whole run request (execution context, sync flag) so an executor needs no other row;
-- an action execution keeps the engine's own record (index, runtime context) next to the API columns.
ALTER TABLE action_requests ADD COLUMN payload TEXT NOT NULL DEFAULT '{}';
ALTER TABLE action_executions ADD COLUMN engine_state TEXT;
CREATE INDEX ix_action_requests_execution ON action_requests (workflow_execution_id);
