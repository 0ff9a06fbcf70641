-- Version 9: commands handed from an API-only node to the engine nodes (docs/architecture.md, "Several nodes"). The
-- API node inserts a pending row and waits; an engine node applies it and writes the answer (result) into the row, then
-- the API node reads and deletes it. Event and delete commands are claimed by an engine round's own transaction
-- (FOR UPDATE SKIP LOCKED on PostgreSQL), so each is applied and answered exactly once; run-action commands are
-- claimed by a node (claimed_by) and answered as lost when that node leaves the registry. Unused on SQLite, where one
-- process owns the database and runs the engine itself.
CREATE TABLE commands (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    execution_id  TEXT,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL,
    claimed_by    TEXT,
    result        TEXT,
    created_at    INTEGER NOT NULL,
    done_at       INTEGER
);
CREATE INDEX ix_commands_pending ON commands (kind, seq) WHERE state = 'pending';
