-- Job journal: one row per job, one per stage attempt state, one per batch.
-- Timestamps are ISO-8601 UTC text; sizes are bytes.

CREATE TABLE batches (
    id           VARCHAR(64) PRIMARY KEY,
    created_at   VARCHAR(40) NOT NULL,
    finished_at  VARCHAR(40),
    job_count    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE jobs (
    id             VARCHAR(64) PRIMARY KEY,
    batch_id       VARCHAR(64) REFERENCES batches(id),
    source_name    VARCHAR(1024) NOT NULL,
    source_size    BIGINT NOT NULL,
    image_name     VARCHAR(80) NOT NULL,
    metadata_json  TEXT NOT NULL,
    state          VARCHAR(20) NOT NULL,
    current_stage  VARCHAR(20),
    source_sha256  VARCHAR(64),
    image_version  VARCHAR(40),
    verdict        VARCHAR(40),
    created_at     VARCHAR(40) NOT NULL,
    updated_at     VARCHAR(40) NOT NULL,
    finished_at    VARCHAR(40),
    error_json     TEXT
);

CREATE INDEX jobs_state ON jobs(state);
CREATE INDEX jobs_batch ON jobs(batch_id);
CREATE INDEX jobs_image ON jobs(image_name);

CREATE TABLE stages (
    job_id         VARCHAR(64) NOT NULL REFERENCES jobs(id),
    stage          VARCHAR(20) NOT NULL,
    state          VARCHAR(20) NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    started_at     VARCHAR(40),
    finished_at    VARCHAR(40),
    bytes_total    BIGINT NOT NULL DEFAULT 0,
    bytes_done     BIGINT NOT NULL DEFAULT 0,
    bytes_read     BIGINT NOT NULL DEFAULT 0,
    bytes_written  BIGINT NOT NULL DEFAULT 0,
    result_json    TEXT,
    error          TEXT,
    PRIMARY KEY (job_id, stage)
);
