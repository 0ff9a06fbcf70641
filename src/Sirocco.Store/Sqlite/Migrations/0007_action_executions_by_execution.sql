-- Version 7: action executions by workflow execution. Loading an execution's state (every engine step) and deleting
-- an execution select action_executions by workflow_execution_id; without this index each did a full table scan,
-- so a step's cost grew with every action ever stored (200 parallel executions cost ~10 ms CPU each at 10k rows).
CREATE INDEX ix_action_executions_workflow ON action_executions (workflow_execution_id, seq);
