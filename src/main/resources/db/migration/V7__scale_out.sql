-- Scale-out: several workers sharing one PostgreSQL database (the same migrations run on SQLite).

-- Which node runs (or last ran) each job.
ALTER TABLE jobs ADD COLUMN node_id VARCHAR(64);

-- One row per job that a worker locks (SELECT ... FOR UPDATE SKIP LOCKED) in a transaction it holds
-- while it runs the job: a second worker skips the job, and a dead worker's session ends with its lock.
-- A row of its own so the lock never blocks the journal's updates of the job's row.
CREATE TABLE job_claims (
    job_id  VARCHAR(64) PRIMARY KEY REFERENCES jobs(id)
);
INSERT INTO job_claims(job_id) SELECT id FROM jobs;

-- The nodes sharing the store: when each started and was last seen, for the status API.
CREATE TABLE nodes (
    id          VARCHAR(64) PRIMARY KEY,
    host        VARCHAR(255) NOT NULL,
    started_at  VARCHAR(40) NOT NULL,
    seen_at     VARCHAR(40) NOT NULL
);

-- Registration is idempotent by job: one image version per job, whatever re-runs the stage.
CREATE UNIQUE INDEX image_versions_job ON image_versions(source_job);
