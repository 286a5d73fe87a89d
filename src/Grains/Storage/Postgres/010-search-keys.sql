-- Search finds a job by its correlation id, idempotency key or batch id as well as by its id. They are set at
-- submission and never change, so they are columns written once at insert (like type and queue): updates leave
-- their indexes alone and can stay HOT. The indexes are partial, so jobs without one cost them nothing.
ALTER TABLE jobs
    ADD COLUMN IF NOT EXISTS correlation_id text NULL,
    ADD COLUMN IF NOT EXISTS idempotency_key text NULL,
    ADD COLUMN IF NOT EXISTS batch_id text NULL;

UPDATE jobs SET
    correlation_id = state::json -> 'spec' ->> 'correlationId',
    idempotency_key = state::json -> 'spec' ->> 'idempotencyKey',
    batch_id = state::json -> 'spec' ->> 'batchId'
WHERE state::json -> 'spec' ->> 'correlationId' IS NOT NULL
   OR state::json -> 'spec' ->> 'idempotencyKey' IS NOT NULL
   OR state::json -> 'spec' ->> 'batchId' IS NOT NULL;

CREATE INDEX IF NOT EXISTS jobs_by_correlation ON jobs (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_batch ON jobs (batch_id) WHERE batch_id IS NOT NULL;
