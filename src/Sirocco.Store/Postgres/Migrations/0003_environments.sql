-- PostgreSQL twin of Sqlite/Migrations/0003_environments.sql (same table and columns).
-- Version 3: stored environments (/v2/environments), read by executions started with params.env = "<name>".
-- Unique per (name, project_id) as in Mistral: environments have no namespace.
CREATE TABLE environments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT,
    variables   TEXT NOT NULL DEFAULT '{}',
    scope       TEXT NOT NULL DEFAULT 'private',
    project_id  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT,
    CONSTRAINT uq_environments_name UNIQUE (name, project_id)
);
CREATE INDEX ix_environments_created ON environments (created_at, id);
