-- PostgreSQL twin of Sqlite/Migrations/0004_action_definitions.sql (same table and columns).
-- Ad-hoc action definitions (Mistral's action_definitions_v2): created by POST /v2/actions and by workbooks that
-- define `actions:`. `definition` is the YAML text the action came from (an action file, or the workbook text for a
-- workbook action, then `workbook_name` is set); `input` is the params spec shown by /v2/actions (`a, b="x"`).

CREATE TABLE action_definitions (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    namespace     TEXT NOT NULL DEFAULT '',
    project_id    TEXT NOT NULL,
    scope         TEXT NOT NULL DEFAULT 'private',
    definition    TEXT NOT NULL,
    description   TEXT,
    input         TEXT,
    tags          TEXT NOT NULL DEFAULT '[]',
    workbook_name TEXT,
    is_system     INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT,
    CONSTRAINT uq_action_definitions_name UNIQUE (name, namespace, project_id)
);
CREATE INDEX ix_action_definitions_workbook ON action_definitions (workbook_name, namespace);
