-- A job's labels (JobSpec.Labels), one row each, so that listing by a label reads one index range in page order:
-- job_labels_by_label_created holds the job's creation time and id, the listing's order and cursor (a text[] column
-- with a GIN index would find the rows but not in that order, so a popular label's first page would sort them all).
-- Written in the statement that inserts the job, never changed; the job's own row keeps them in its state as well.
-- Every way a job is deleted (retention, bulk delete, the store's delete) takes its labels along (ON DELETE CASCADE,
-- found through the primary key).
CREATE TABLE IF NOT EXISTS job_labels
(
    job_id     text   NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    label      text   NOT NULL,
    created_at bigint NOT NULL, -- the job's created_at
    PRIMARY KEY (job_id, label)
);

CREATE INDEX IF NOT EXISTS job_labels_by_label_created ON job_labels (label, created_at, job_id);
