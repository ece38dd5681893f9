-- The rest of Azure Compute Gallery's image definition fields, and where a version was uploaded.
-- One column per ALTER TABLE: SQLite accepts no more, and PostgreSQL takes the same statements.

ALTER TABLE image_definitions ADD COLUMN features_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE image_definitions ADD COLUMN privacy_statement_uri VARCHAR(1024);
ALTER TABLE image_definitions ADD COLUMN release_note_uri VARCHAR(1024);
-- Recommended machine configuration (GalleryImage.recommended): vCPUs and memory in GB.
ALTER TABLE image_definitions ADD COLUMN vcpus_min INTEGER;
ALTER TABLE image_definitions ADD COLUMN vcpus_max INTEGER;
ALTER TABLE image_definitions ADD COLUMN memory_gb_min INTEGER;
ALTER TABLE image_definitions ADD COLUMN memory_gb_max INTEGER;

-- Bytes of the virtual disk holding data (the rest are zero ranges an upload skips).
ALTER TABLE image_versions ADD COLUMN data_bytes BIGINT;
-- The page blob the package was uploaded to (no SAS token, ever), once its Content-MD5 is verified.
ALTER TABLE image_versions ADD COLUMN blob_uri VARCHAR(2048);
ALTER TABLE image_versions ADD COLUMN uploaded_at VARCHAR(40);

CREATE INDEX image_versions_image ON image_versions(gallery, image, major, minor, patch);
