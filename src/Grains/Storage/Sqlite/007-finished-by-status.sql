-- Retention deletes finished jobs of one status, oldest write first. Partial: only finished rows are in it, so the
-- active rows that change most cost it nothing.
CREATE INDEX IF NOT EXISTS jobs_finished_by_status_updated ON jobs (status, updated_at) WHERE status IN ('Succeeded', 'Failed', 'Cancelled');
