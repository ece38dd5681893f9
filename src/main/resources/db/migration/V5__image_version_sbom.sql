-- The CycloneDX SBOM of the packages installed in a version's image (sbom.cdx.json in its package
-- folder), when verification found an operating system.
ALTER TABLE image_versions ADD COLUMN sbom_path VARCHAR(1024);
