package io.vhdflow.source;

/**
 * What a fetch did.
 *
 * @param url            the blob (no token)
 * @param blobType       PageBlob, BlockBlob, ...
 * @param blobSize       the blob's length, the local file's length
 * @param pageRanges     allocated page ranges listed (1 for a block blob: the whole of it)
 * @param allocatedBytes bytes in those ranges
 * @param fetchedBytes   bytes downloaded in this run (a resumed run skips what an earlier one landed)
 * @param resumedAt      where this run resumed, 0 for a fresh one
 * @param contentMd5     the blob's Content-MD5 (base64) when it has one: the local file's MD5 matched it
 * @param md5Verified    whether Content-MD5 was there to verify against
 * @param etag           the blob version fetched
 * @param seconds        wall time of this run
 */
public record FetchResult(String url, String blobType, long blobSize, long pageRanges, long allocatedBytes,
                          long fetchedBytes, long resumedAt, String contentMd5, boolean md5Verified, String etag,
                          double seconds) {

    /** The result as the journal and the API show it. */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("source", "blob");
        m.put("url", url);
        m.put("blobType", blobType);
        m.put("blobSize", blobSize);
        m.put("pageRanges", pageRanges);
        m.put("allocatedBytes", allocatedBytes);
        m.put("fetchedBytes", fetchedBytes);
        m.put("resumedAt", resumedAt);
        m.put("contentMd5", contentMd5);
        m.put("md5Verified", md5Verified);
        m.put("etag", etag);
        m.put("seconds", seconds);
        return m;
    }
}
