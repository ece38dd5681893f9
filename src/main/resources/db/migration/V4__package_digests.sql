-- Which digests a package has (issue 23). The data tree digest (vhdflow-dtree-sha256-v1, cost follows the
-- data) is always there; the whole-file MD5 and SHA-256 only when vhdflow.package.md5/sha256 were on, and
-- md5/sha256 then hold '' for a package made without them. Rows from before hold md5 and sha256.
-- One column per ALTER TABLE: SQLite accepts no more, and PostgreSQL takes the same statements.

-- Space-separated digest names, e.g. 'vhdflow-dtree-sha256-v1 md5'.
ALTER TABLE image_versions ADD COLUMN digests VARCHAR(200) NOT NULL DEFAULT 'md5 sha256';
-- The data tree digest of the virtual disk, hex.
ALTER TABLE image_versions ADD COLUMN integrity VARCHAR(64);
