package io.vhdflow.catalog.upload;

/**
 * A completed, verified upload.
 *
 * @param blobUri         the page blob's URL, without any SAS token
 * @param fileSize        bytes of the fixed VHD (= blob size)
 * @param sent            bytes put by this run
 * @param skippedZero     bytes skipped as zeros
 * @param alreadyPresent  bytes already on the blob from an earlier, interrupted run
 * @param puts            put-page requests made by this run
 * @param resumed         an interrupted upload was continued
 * @param alreadyComplete the blob was already complete and verified; nothing was sent
 * @param contentMd5      the blob's Content-MD5 (base64) as read back; empty when the package has no whole-file MD5
 * @param seconds         wall time of this run
 */
public record UploadResult(String blobUri, long fileSize, long sent, long skippedZero, long alreadyPresent,
                           long puts, boolean resumed, boolean alreadyComplete, String contentMd5, double seconds) {

    /** Bytes per second sent by this run. */
    public double throughput() {
        return seconds <= 0 ? 0 : sent / seconds;
    }
}
