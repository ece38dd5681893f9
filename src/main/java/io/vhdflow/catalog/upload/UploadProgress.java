package io.vhdflow.catalog.upload;

/**
 * How far an upload is. {@code sent + skippedZero + alreadyPresent} reaches {@code total} when
 * it is done.
 *
 * @param sent           bytes put to the blob by this run
 * @param skippedZero    bytes never sent because they are all zeros (a new page blob reads as zeros)
 * @param alreadyPresent bytes found on the blob from an interrupted earlier run, not sent again
 * @param total          length of the file
 * @param puts           put-page requests completed by this run
 * @param putOffset      first byte of the put just completed (-1 when none)
 * @param putLength      its length
 */
public record UploadProgress(long sent, long skippedZero, long alreadyPresent, long total, long puts, long putOffset,
                             long putLength) {

    /** Bytes accounted for so far. */
    public long done() {
        return sent + skippedZero + alreadyPresent;
    }
}
