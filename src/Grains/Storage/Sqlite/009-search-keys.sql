-- Search finds a job by its correlation id, idempotency key or batch id as well as by its id. They are set at
-- submission and never change, so they are columns written once at insert (like type and queue): updates leave
-- their indexes alone. The indexes are partial, so jobs without one cost them nothing.
ALTER TABLE jobs ADD COLUMN correlation_id TEXT NULL;
ALTER TABLE jobs ADD COLUMN idempotency_key TEXT NULL;
ALTER TABLE jobs ADD COLUMN batch_id TEXT NULL;

UPDATE jobs SET
    correlation_id = json_extract(state, '$.spec.correlationId'),
    idempotency_key = json_extract(state, '$.spec.idempotencyKey'),
    batch_id = json_extract(state, '$.spec.batchId');

CREATE INDEX IF NOT EXISTS jobs_by_correlation ON jobs (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_batch ON jobs (batch_id) WHERE batch_id IS NOT NULL;
