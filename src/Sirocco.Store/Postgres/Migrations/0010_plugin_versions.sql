-- Version 10 (PostgreSQL twin): the files of every plugin version, content-addressed (provider, plugin, SHA-256), so
-- that an execution pinned to a version (execution_action_versions) can run it on any node of the cluster and after
-- any restart. archive is a zip of the plugin's files; seen_at (unix ms) is refreshed while a node has the version as
-- its current one. A row is deleted once no unfinished execution pins it and no node has had it current for the
-- retention period.
CREATE TABLE plugin_versions (
    provider   TEXT NOT NULL,
    plugin     TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    archive    BYTEA NOT NULL,
    stored_at  BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (provider, plugin, sha256)
);
