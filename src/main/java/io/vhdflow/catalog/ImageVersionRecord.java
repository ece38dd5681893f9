package io.vhdflow.catalog;

/**
 * A registered image version.
 *
 * @param packagePath  folder of the package (fixed VHD, manifest, SHA256SUMS)
 * @param virtualSize  virtual disk size in bytes (a whole MiB)
 * @param fileSize     size of the fixed VHD file (virtual size + 512-byte footer)
 * @param md5          MD5 of the fixed VHD file (Azure's Content-MD5), hex
 * @param sha256       SHA-256 of the fixed VHD file, hex
 * @param sourceSha256 SHA-256 of the VHD as dropped, used to spot duplicates
 * @param verdict      the verification verdict at registration
 * @param sourceJob    the job that registered it
 */
public record ImageVersionRecord(
        String gallery,
        String image,
        SemanticVersion version,
        boolean excludeFromLatest,
        String endOfLife,
        String publishedAt,
        String packagePath,
        long virtualSize,
        long fileSize,
        String md5,
        String sha256,
        String sourceSha256,
        String verdict,
        String sourceJob) {
}
