-- A queue grain rebuilds who holds its slots (Running) and who waits (Queued) from this index, best first.
-- Partial: only active rows are in it, so finished jobs cost it nothing.
CREATE INDEX IF NOT EXISTS jobs_active_by_queue ON jobs (queue, status, priority DESC, created_at, id) WHERE status IN ('Queued', 'Running');
