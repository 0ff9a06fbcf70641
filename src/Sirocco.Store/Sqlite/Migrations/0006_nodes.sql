-- Version 6: the node registry. Every Sirocco process (node) upserts its row at start and refreshes heartbeat_at
-- while it runs (GET /v2/services, sirocco status); a row whose heartbeat is older than a few periods is a dead node.
CREATE TABLE nodes (
    id            TEXT PRIMARY KEY,
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    roles         TEXT NOT NULL,
    pool          TEXT,
    started_at    TEXT NOT NULL,
    heartbeat_at  BIGINT NOT NULL
);
