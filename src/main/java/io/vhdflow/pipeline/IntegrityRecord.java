package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteRange;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.DataTreeDigest;
import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.FixedVhdWriter;
import io.vhdflow.disk.container.ProgressListener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A package's integrity record, the {@code integrity} object of its {@code manifest.json}
 * ({@value PackagingService#INTEGRITY_SCHEMA}), and the check of a disk against it: the data tree
 * digest of the virtual disk, recomputed by reading only what may hold data, plus the fixed VHD's
 * footer. The check's cost follows the data of what is checked: a dynamic VHD's allocated blocks,
 * a page blob's written pages; a fixed VHD or raw file has no allocation map Java can read, so
 * its whole virtual disk is read (holes read back as zeros, cheaply, but in proportion to its size).
 *
 * @param file         the package's fixed VHD file name
 * @param fileSize     its length (virtual size + 512-byte footer)
 * @param virtualSize  bytes of the virtual disk the digest covers
 * @param digest       the data tree digest, hex
 * @param dataBytes    bytes in data sectors
 * @param leaves       pieces hashed
 * @param footerSha256 SHA-256 of the fixed VHD's footer, hex
 * @param contentMd5   the whole file's MD5, base64, when the package has it
 */
public record IntegrityRecord(String file, long fileSize, long virtualSize, String digest, long dataBytes, long leaves,
                              String footerSha256, Optional<String> contentMd5) {

    /** Reads the record from a parsed {@code manifest.json}. */
    public static IntegrityRecord fromManifest(JsonNode manifest, Path where) throws IOException {
        JsonNode i = manifest.path("integrity");
        JsonNode t = i.path("dataTree");
        if (!i.isObject() || !DataTreeDigest.ALGORITHM.equals(t.path("algorithm").asText())) {
            throw new DiskException(ErrorKind.UNSUPPORTED, "manifest integrity record", 0, where
                    + " has no " + DataTreeDigest.ALGORITHM + " integrity record (a package made before vhdflow "
                    + "recorded one: check it with its SHA256SUMS)");
        }
        return new IntegrityRecord(i.path("file").asText(), i.path("fileSize").asLong(), t.path("virtualSize").asLong(),
                t.path("digest").asText(), t.path("dataBytes").asLong(), t.path("leaves").asLong(),
                i.path("footerSha256").asText(),
                i.hasNonNull("contentMd5") ? Optional.of(i.path("contentMd5").asText()) : Optional.empty());
    }

    /**
     * What a check found.
     *
     * @param problems   each difference from the record; empty when the disk matches
     * @param notes      what was checked and how, for the report
     * @param bytesRead  bytes read
     */
    public record Check(List<String> problems, List<String> notes, long bytesRead) {
        public boolean matches() {
            return problems.isEmpty();
        }
    }

    /**
     * Checks an opened disk image (the package's fixed VHD, or any image of the same disk, such as
     * the job's backup) against the record.
     */
    public Check check(DiskImage image, ProgressListener progress) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long read = 0;
        if (FixedVhdWriter.targetSize(image.virtualSize()) != virtualSize) {
            problems.add("virtual size " + image.virtualSize() + " bytes, the record covers " + virtualSize);
            return new Check(problems, notes, 0);
        }
        if (image.format() == DiskFormat.VHD_FIXED && image.fileSize() == fileSize) {
            read += checkFooter(image.file(), problems);
            notes.add("footer checked");
        } else {
            notes.add("footer not checked: " + image.format().displayName() + ", not the package's fixed VHD");
        }
        DataTreeDigest.Computed c = DataTreeDigest.compute(image.virtualDisk(), image.allocatedRanges(), virtualSize,
                progress);
        compare(c, problems);
        notes.add("read " + c.bytesRead() + " of " + virtualSize + " virtual bytes ("
                + (image.format() == DiskFormat.VHD_FIXED || image.format() == DiskFormat.RAW
                ? "no allocation map: the whole disk" : "allocated blocks only") + ")");
        return new Check(problems, notes, read + c.bytesRead());
    }

    /**
     * Checks a page blob holding the package's fixed VHD: {@code blob} is its bytes, {@code written}
     * its written page ranges (ascending), {@code blobContentMd5} its Content-MD5 property.
     */
    public Check checkBlob(ByteSource blob, Iterator<ByteRange> written, Optional<String> blobContentMd5,
                           ProgressListener progress) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (blob.size() != fileSize) {
            problems.add("blob is " + blob.size() + " bytes, the package's fixed VHD " + fileSize);
            return new Check(problems, notes, 0);
        }
        long read = checkFooter(blob, problems);
        DataTreeDigest.Computed c = DataTreeDigest.compute(blob.slice(0, virtualSize, "blob disk"), written,
                virtualSize, progress);
        compare(c, problems);
        notes.add("footer checked");
        notes.add("read " + c.bytesRead() + " bytes of written pages of a " + fileSize + "-byte blob");
        if (contentMd5.isPresent()) {
            if (blobContentMd5.isEmpty()) {
                notes.add("the blob has no Content-MD5 (the package has " + contentMd5.get() + ")");
            } else if (!blobContentMd5.get().equals(contentMd5.get())) {
                problems.add("blob Content-MD5 " + blobContentMd5.get() + ", the package's MD5 " + contentMd5.get());
            }
        }
        return new Check(problems, notes, read + c.bytesRead());
    }

    private int checkFooter(ByteSource file, List<String> problems) throws IOException {
        byte[] footer = file.readBytes(fileSize - 512, 512, "VHD footer");
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(footer));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!sha.equals(footerSha256)) {
            problems.add("footer at byte " + (fileSize - 512) + " has SHA-256 " + sha + ", the record " + footerSha256);
        }
        return 512;
    }

    private void compare(DataTreeDigest.Computed c, List<String> problems) {
        DataTreeDigest.Result r = c.result();
        if (!r.hex().equals(digest)) {
            problems.add(DataTreeDigest.ALGORITHM + " " + r.hex() + " (" + r.dataBytes() + " data bytes in "
                    + r.leaves() + " pieces), the record " + digest + " (" + dataBytes + " in " + leaves + ")");
        }
    }
}
