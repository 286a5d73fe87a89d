-- The job table on PostgreSQL: the same rows as the embedded SQLite table (one per job; typed columns for
-- listing and recovery, the whole JobState as JSON in `state`; times in unix milliseconds).
-- `state` stays text rather than jsonb: nothing queries inside it, and text is cheaper to write.
-- fillfactor 80 leaves room on each page, so that an update which touches no indexed column
-- (most status changes touch only status, version, updated_at, due_at, owner, state) can be a HOT update.
CREATE TABLE IF NOT EXISTS jobs
(
    id         text    NOT NULL PRIMARY KEY,
    version    bigint  NOT NULL,
    status     text    NOT NULL,
    type       text    NOT NULL,
    queue      text    NOT NULL,
    priority   integer NOT NULL,
    created_at bigint  NOT NULL,
    updated_at bigint  NOT NULL,
    due_at     bigint  NULL,     -- JobState.DueAt: set only while Scheduled
    owner      text    NOT NULL, -- silo that last wrote the row
    state      text    NOT NULL
)
WITH (fillfactor = 80);

-- Listing, newest first. type, queue and created_at never change after insert.
CREATE INDEX IF NOT EXISTS jobs_by_status_created ON jobs (status, created_at, id);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at, id);
CREATE INDEX IF NOT EXISTS jobs_by_queue_created ON jobs (queue, created_at, id);
CREATE INDEX IF NOT EXISTS jobs_by_type_created ON jobs (type, created_at, id);

-- Recovery sweeps: partial indexes over the few rows a sweep can match. A query uses them only when its
-- WHERE clause implies the index predicate, so repeat these terms in the sweep queries.
CREATE INDEX IF NOT EXISTS jobs_active_by_owner ON jobs (owner) WHERE status IN ('Queued', 'Running');
CREATE INDEX IF NOT EXISTS jobs_scheduled_by_due ON jobs (due_at) WHERE status = 'Scheduled';
