package io.vhdflow.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A registered image version ({@code galleries/images/versions}).
 *
 * @param excludeFromLatest when true, "latest" skips this version
 * @param endOfLife    informational end-of-life date, ISO-8601, or null
 * @param publishedAt  ISO-8601 instant of registration
 * @param packagePath  folder of the package (fixed VHD, manifest, SHA256SUMS)
 * @param virtualSize  virtual disk size in bytes (a whole MiB)
 * @param fileSize     size of the fixed VHD file (virtual size + 512-byte footer)
 * @param md5          MD5 of the fixed VHD file (Azure's Content-MD5), hex; empty when the package has none
 * @param sha256       SHA-256 of the fixed VHD file, hex; empty when the package has none
 * @param sourceSha256 SHA-256 of the VHD as dropped, used to spot duplicates
 * @param verdict      the verification verdict at registration
 * @param sourceJob    the job that registered it
 * @param dataBytes    bytes of the virtual disk holding data (an upload sends these plus the footer), when known
 * @param blobUri      the page blob it was uploaded to (never with a SAS token), once verified
 * @param uploadedAt   ISO-8601 instant the upload was verified
 * @param digests      the digests the package has ({@code vhdflow-dtree-sha256-v1}, {@code md5}, {@code sha256})
 * @param integrity    the data tree digest of its virtual disk, hex, when it has one
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
        String sourceJob,
        Optional<Long> dataBytes,
        Optional<String> blobUri,
        Optional<String> uploadedAt,
        List<String> digests,
        Optional<String> integrity) {

    public ImageVersionRecord {
        digests = List.copyOf(digests);
    }

    /** A version with the digests every package had before the data tree digest existed. */
    public ImageVersionRecord(String gallery, String image, SemanticVersion version, boolean excludeFromLatest,
                              String endOfLife, String publishedAt, String packagePath, long virtualSize,
                              long fileSize, String md5, String sha256, String sourceSha256, String verdict,
                              String sourceJob, Optional<Long> dataBytes, Optional<String> blobUri,
                              Optional<String> uploadedAt) {
        this(gallery, image, version, excludeFromLatest, endOfLife, publishedAt, packagePath, virtualSize, fileSize,
                md5, sha256, sourceSha256, verdict, sourceJob, dataBytes, blobUri, uploadedAt,
                List.of("md5", "sha256"), Optional.empty());
    }

    /** A version not uploaded (yet), data bytes unknown. */
    public ImageVersionRecord(String gallery, String image, SemanticVersion version, boolean excludeFromLatest,
                              String endOfLife, String publishedAt, String packagePath, long virtualSize,
                              long fileSize, String md5, String sha256, String sourceSha256, String verdict,
                              String sourceJob) {
        this(gallery, image, version, excludeFromLatest, endOfLife, publishedAt, packagePath, virtualSize, fileSize,
                md5, sha256, sourceSha256, verdict, sourceJob, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same version with its data bytes known. */
    public ImageVersionRecord withDataBytes(long bytes) {
        return new ImageVersionRecord(gallery, image, version, excludeFromLatest, endOfLife, publishedAt, packagePath,
                virtualSize, fileSize, md5, sha256, sourceSha256, verdict, sourceJob, Optional.of(bytes), blobUri,
                uploadedAt, digests, integrity);
    }

    /** The same version with the digests its package has. */
    public ImageVersionRecord withDigests(List<String> names, Optional<String> integrityDigest) {
        return new ImageVersionRecord(gallery, image, version, excludeFromLatest, endOfLife, publishedAt, packagePath,
                virtualSize, fileSize, md5, sha256, sourceSha256, verdict, sourceJob, dataBytes, blobUri,
                uploadedAt, names, integrityDigest);
    }
}
