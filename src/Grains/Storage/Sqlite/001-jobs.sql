-- The job table: one row per job. The typed columns exist for listing and recovery queries;
-- the whole JobState lives in `state` as JSON. Times are unix milliseconds so they sort and compare as numbers.
CREATE TABLE IF NOT EXISTS jobs
(
    id         TEXT    NOT NULL PRIMARY KEY,
    version    INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    queue      TEXT    NOT NULL,
    priority   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    due_at     INTEGER NULL,     -- JobState.DueAt: set only while Scheduled
    owner      TEXT    NOT NULL, -- silo that last wrote the row
    state      TEXT    NOT NULL
);

-- Listing, newest first. type, queue and created_at never change after insert, so updates
-- (which set only the mutable columns) do not touch the last three indexes.
CREATE INDEX IF NOT EXISTS jobs_by_status_created ON jobs (status, created_at, id);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at, id);
CREATE INDEX IF NOT EXISTS jobs_by_queue_created ON jobs (queue, created_at, id);
CREATE INDEX IF NOT EXISTS jobs_by_type_created ON jobs (type, created_at, id);

-- Recovery sweeps. Partial indexes hold only the few rows a sweep can match; the queries
-- repeat these WHERE terms literally so that SQLite picks them.
CREATE INDEX IF NOT EXISTS jobs_active_by_owner ON jobs (owner) WHERE status IN ('Queued', 'Running');
CREATE INDEX IF NOT EXISTS jobs_scheduled_by_due ON jobs (due_at) WHERE status = 'Scheduled';
