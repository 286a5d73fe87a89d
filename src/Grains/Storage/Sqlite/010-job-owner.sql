-- The job's owner: the name of the API key that submitted it (JobSpec.Owner), null for anonymous callers and the
-- application's own code. Not `owner`, which names the silo that last wrote the row. Set on insert, never changed.
ALTER TABLE jobs ADD COLUMN submitted_by TEXT NULL;
-- A key's listing, newest first, read in order like the other listing indexes. Partial: jobs without an owner (every
-- job of a service without keys) cost it nothing.
CREATE INDEX IF NOT EXISTS jobs_by_submitter_created ON jobs (submitted_by, created_at, id) WHERE submitted_by IS NOT NULL;
