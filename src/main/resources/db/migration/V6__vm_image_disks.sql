-- Multi-disk VM images (issue 19): the disks of a job, each disk's progress through the stages, and the
-- data disk images of a registered version (the OS disk image stays in image_versions). Only new tables:
-- a single-disk job has no rows here. Written in SQL that also runs on PostgreSQL.

-- One row per disk of a multi-disk job: disk 0 is the OS disk, then the data disks in LUN order.
CREATE TABLE job_disks (
    job_id         VARCHAR(64) NOT NULL REFERENCES jobs(id),
    disk_no        INTEGER NOT NULL,
    file_name      VARCHAR(1024) NOT NULL,
    role           VARCHAR(8) NOT NULL,
    lun            INTEGER,
    host_caching   VARCHAR(16),
    size_bytes     BIGINT NOT NULL,
    -- Modification time at intake, ISO-8601: a disk still being written changes it.
    modified_at    VARCHAR(40) NOT NULL,
    source_sha256  VARCHAR(64),
    PRIMARY KEY (job_id, disk_no)
);

CREATE TABLE job_disk_stages (
    job_id         VARCHAR(64) NOT NULL,
    disk_no        INTEGER NOT NULL,
    stage          VARCHAR(20) NOT NULL,
    state          VARCHAR(20) NOT NULL,
    started_at     VARCHAR(40),
    finished_at    VARCHAR(40),
    bytes_total    BIGINT NOT NULL DEFAULT 0,
    bytes_done     BIGINT NOT NULL DEFAULT 0,
    result_json    TEXT,
    error          TEXT,
    PRIMARY KEY (job_id, disk_no, stage),
    FOREIGN KEY (job_id, disk_no) REFERENCES job_disks(job_id, disk_no)
);

-- storageProfile.dataDiskImages[] of a gallery image version.
CREATE TABLE image_version_data_disks (
    gallery        VARCHAR(80) NOT NULL,
    image          VARCHAR(80) NOT NULL,
    version        VARCHAR(40) NOT NULL,
    lun            INTEGER NOT NULL,
    host_caching   VARCHAR(16) NOT NULL,
    vhd            VARCHAR(1024) NOT NULL,
    virtual_size   BIGINT NOT NULL,
    file_size      BIGINT NOT NULL,
    data_bytes     BIGINT,
    -- Whole-file digests, '' when not computed (vhdflow.package.md5/.sha256); the data tree digest always.
    md5            VARCHAR(32) NOT NULL,
    sha256         VARCHAR(64) NOT NULL,
    integrity      VARCHAR(64),
    source_sha256  VARCHAR(64) NOT NULL,
    blob_uri       VARCHAR(2048),
    PRIMARY KEY (gallery, image, version, lun),
    FOREIGN KEY (gallery, image, version) REFERENCES image_versions(gallery, image, version)
);
