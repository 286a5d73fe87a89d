-- A finished job whose completion callback has not yet been handed to its callback grain. Set in the same write
-- that finishes the job and cleared once the hand-over is recorded, so a silo lost in between leaves a row the
-- sweeper finds (and hands over again; the callback grain ignores a repeat).
ALTER TABLE jobs ADD COLUMN callback_pending INTEGER NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS jobs_callback_pending ON jobs (updated_at) WHERE callback_pending = 1;
