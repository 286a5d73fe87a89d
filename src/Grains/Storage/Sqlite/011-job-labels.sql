-- A job's labels (JobSpec.Labels), one row each, so that listing by a label reads one index range in page order:
-- job_labels_by_label_created holds the job's creation time and id, the listing's order and cursor. Written in the
-- job's insert transaction and never changed. The job's own row keeps them in its state as well (that is what is read).
CREATE TABLE IF NOT EXISTS job_labels
(
    job_id     TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL, -- the job's created_at
    PRIMARY KEY (job_id, label)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS job_labels_by_label_created ON job_labels (label, created_at, job_id);

-- Every way a job is deleted (retention, bulk delete, the store's delete) takes its labels along. A trigger rather
-- than a foreign key: SQLite enforces those only on connections that turn them on.
CREATE TRIGGER IF NOT EXISTS job_labels_leave_with_job AFTER DELETE ON jobs
BEGIN
    DELETE FROM job_labels WHERE job_id = old.id;
END;
