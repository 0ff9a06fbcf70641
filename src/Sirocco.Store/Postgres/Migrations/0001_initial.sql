-- Sirocco schema, version 1 (PostgreSQL twin of Sqlite/Migrations/0001_initial.sql: same tables, columns and names).
-- Conventions: ids are 36-char UUID strings; JSON-typed fields are stored as JSON text;
-- resource timestamps (created_at, ...) are UTC text 'YYYY-MM-DD HH:MM:SS' as Mistral returns them;
-- work-table times (due, lease expiry) are integer Unix milliseconds so they compare cheaply.

-- Definitions -------------------------------------------------------------------------------------

CREATE TABLE workbooks (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    namespace   TEXT NOT NULL DEFAULT '',
    project_id  TEXT NOT NULL,
    scope       TEXT NOT NULL DEFAULT 'private',
    definition  TEXT NOT NULL,
    spec        TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    updated_at  TEXT,
    CONSTRAINT uq_workbooks_name UNIQUE (name, namespace, project_id)
);

CREATE TABLE workflow_definitions (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    namespace     TEXT NOT NULL DEFAULT '',
    project_id    TEXT NOT NULL,
    scope         TEXT NOT NULL DEFAULT 'private',
    definition    TEXT NOT NULL,
    spec          TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    input         TEXT NOT NULL DEFAULT '',
    interface     TEXT NOT NULL DEFAULT '{}',
    checksum      TEXT,
    workbook_name TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT,
    CONSTRAINT uq_workflow_definitions_name UNIQUE (name, namespace, project_id)
);

-- Executions (fields as Mistral's REST resources; see mistral-api.md 1.4) --------------------------

CREATE TABLE workflow_executions (
    id                  TEXT PRIMARY KEY,
    workflow_id         TEXT,
    workflow_name       TEXT NOT NULL,
    workflow_namespace  TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL DEFAULT '[]',
    params              TEXT NOT NULL DEFAULT '{}',
    task_execution_id   TEXT,
    root_execution_id   TEXT,
    state               TEXT NOT NULL,
    state_info          TEXT,
    input               TEXT NOT NULL DEFAULT '{}',
    output              TEXT NOT NULL DEFAULT '{}',
    published_global    TEXT NOT NULL DEFAULT '{}',
    project_id          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT,
    -- the workflow spec as it was when the execution started (a later definition update must not change it)
    spec                TEXT,
    -- engine-private state of the execution (context, variables, bookkeeping), opaque to the store
    engine_state        TEXT,
    -- bumped on every committed step; guards against two writers on one execution
    version             BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ix_workflow_executions_created ON workflow_executions (created_at, id);
CREATE INDEX ix_workflow_executions_state ON workflow_executions (state);
CREATE INDEX ix_workflow_executions_parent ON workflow_executions (task_execution_id);
CREATE INDEX ix_workflow_executions_root ON workflow_executions (root_execution_id);

CREATE TABLE task_executions (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    type                  TEXT NOT NULL DEFAULT 'ACTION',
    workflow_name         TEXT NOT NULL,
    workflow_namespace    TEXT NOT NULL DEFAULT '',
    workflow_id           TEXT,
    workflow_execution_id TEXT NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
    tags                  TEXT NOT NULL DEFAULT '[]',
    state                 TEXT NOT NULL,
    state_info            TEXT,
    project_id            TEXT NOT NULL,
    runtime_context       TEXT NOT NULL DEFAULT '{}',
    result                TEXT,
    published             TEXT NOT NULL DEFAULT '{}',
    published_global      TEXT NOT NULL DEFAULT '{}',
    processed             INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    updated_at            TEXT,
    started_at            TEXT,
    finished_at           TEXT,
    -- engine-private state of the task (inbound context, join bookkeeping, next tasks), opaque to the store
    engine_state          TEXT,
    -- creation order inside one execution; keeps task lists stable when created_at ties to the second
    seq                   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_task_executions_workflow ON task_executions (workflow_execution_id, seq);
CREATE INDEX ix_task_executions_created ON task_executions (created_at, id);

CREATE TABLE action_executions (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    workflow_name         TEXT,
    workflow_namespace    TEXT NOT NULL DEFAULT '',
    task_name             TEXT,
    task_execution_id     TEXT REFERENCES task_executions (id) ON DELETE CASCADE,
    workflow_execution_id TEXT,
    state                 TEXT NOT NULL,
    state_info            TEXT,
    tags                  TEXT NOT NULL DEFAULT '[]',
    accepted              INTEGER NOT NULL DEFAULT 0,
    input                 TEXT NOT NULL DEFAULT '{}',
    output                TEXT NOT NULL DEFAULT '{}',
    params                TEXT NOT NULL DEFAULT '{}',
    project_id            TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT,
    last_heartbeat        TEXT,
    seq                   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_action_executions_task ON action_executions (task_execution_id, seq);
CREATE INDEX ix_action_executions_created ON action_executions (created_at, id);

-- Work tables: the durable queues the runtime claims with leases ----------------------------------

-- Events waiting to be applied to one execution by the engine (start, action result, timer fired, ...).
CREATE TABLE pending_events (
    seq                   BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    workflow_execution_id TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    payload               TEXT NOT NULL DEFAULT '{}',
    created_at            BIGINT NOT NULL,
    lease_owner           TEXT,
    lease_expires_at      BIGINT
);
CREATE INDEX ix_pending_events_execution ON pending_events (workflow_execution_id, seq);

-- The outbox of actions to run: one row per action execution that an executor has to run.
CREATE TABLE action_requests (
    action_execution_id   TEXT PRIMARY KEY,
    workflow_execution_id TEXT,
    task_execution_id     TEXT,
    action_name           TEXT NOT NULL,
    input                 TEXT NOT NULL DEFAULT '{}',
    safe_rerun            INTEGER NOT NULL DEFAULT 0,
    target                TEXT,
    timeout_ms            BIGINT,
    attempts              INTEGER NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    lease_owner           TEXT,
    lease_expires_at      BIGINT
);
CREATE INDEX ix_action_requests_lease ON action_requests (lease_expires_at);

-- Durable timers: when due, the timer's event is appended to pending_events and the timer removed.
CREATE TABLE durable_timers (
    id                    TEXT PRIMARY KEY,
    workflow_execution_id TEXT NOT NULL,
    due_at                BIGINT NOT NULL,
    event_kind            TEXT NOT NULL,
    payload               TEXT NOT NULL DEFAULT '{}',
    created_at            BIGINT NOT NULL,
    lease_owner           TEXT,
    lease_expires_at      BIGINT
);
CREATE INDEX ix_durable_timers_due ON durable_timers (due_at);
CREATE INDEX ix_durable_timers_execution ON durable_timers (workflow_execution_id);
