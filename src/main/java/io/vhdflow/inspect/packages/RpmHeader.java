package io.vhdflow.inspect.packages;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An RPM package header as the rpm database stores it (rpm's {@code lib/header.c}, "header blob":
 * the on-disk header without its 8-byte magic). All integers big-endian.
 * <pre>
 *   0        4   il: number of index entries
 *   4        4   dl: bytes of the data store
 *   8        16*il index entries: tag (4), type (4), offset into the data store (4), count (4)
 *   8+16*il  dl  data store
 * </pre>
 * Types used: 4 INT32 ({@code count} values), 6 STRING (NUL-terminated), 8 STRING_ARRAY,
 * 9 I18NSTRING (one string per locale, the first is the default). Limits as rpm's own
 * ({@code hdrchkTags}, {@code hdrchkData}): at most 0xFFFF entries and 0x0FFFFFFF data bytes.
 */
final class RpmHeader {

    static final int NAME = 1000;
    static final int VERSION = 1001;
    static final int RELEASE = 1002;
    static final int EPOCH = 1003;
    static final int VENDOR = 1011;
    static final int LICENSE = 1014;
    static final int ARCH = 1022;

    private static final int TYPE_INT32 = 4;
    private static final int TYPE_STRING = 6;
    private static final int TYPE_STRING_ARRAY = 8;
    private static final int TYPE_I18NSTRING = 9;
    private static final int MAX_TAGS = 0xFFFF;
    private static final int MAX_DATA = 0x0FFFFFFF;

    private final ByteBuffer blob;
    private final int il;
    private final int dataStart;
    private final int dl;

    private RpmHeader(ByteBuffer blob, int il, int dl) {
        this.blob = blob;
        this.il = il;
        this.dl = dl;
        this.dataStart = 8 + 16 * il;
    }

    /** Parses a header blob; {@code where} names it in errors (e.g. {@code rpmdb.sqlite Packages hnum 12}). */
    static RpmHeader parse(byte[] bytes, String where) throws DiskException {
        if (bytes.length < 8) {
            throw new DiskException(ErrorKind.TRUNCATED, where, 0, "header blob of " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int il = b.getInt(0);
        int dl = b.getInt(4);
        if (il < 1 || il > MAX_TAGS || dl < 0 || dl > MAX_DATA) {
            throw new DiskException(ErrorKind.CORRUPT, where, 0, "index length " + Integer.toUnsignedString(il)
                    + " / data length " + Integer.toUnsignedString(dl) + " outside rpm's limits");
        }
        long expected = 8L + 16L * il + dl;
        if (expected != bytes.length) {
            throw new DiskException(bytes.length < expected ? ErrorKind.TRUNCATED : ErrorKind.CORRUPT, where, 0,
                    "header declares " + expected + " bytes, the blob has " + bytes.length);
        }
        return new RpmHeader(b, il, dl);
    }

    /** A string tag's value (the first string of an array or i18n string). */
    Optional<String> string(int tag) {
        int e = find(tag);
        if (e < 0) {
            return Optional.empty();
        }
        int type = blob.getInt(8 + 16 * e + 4);
        if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING) {
            return Optional.empty();
        }
        int off = blob.getInt(8 + 16 * e + 8);
        if (off < 0 || off >= dl) {
            return Optional.empty();
        }
        int start = dataStart + off;
        int end = start;
        int limit = dataStart + dl;
        while (end < limit && blob.get(end) != 0) {
            end++;
        }
        if (end == limit) {
            return Optional.empty();
        }
        return Optional.of(new String(blob.array(), start, end - start, StandardCharsets.UTF_8));
    }

    /** The first value of an INT32 tag. */
    Optional<Long> int32(int tag) {
        int e = find(tag);
        if (e < 0 || blob.getInt(8 + 16 * e + 4) != TYPE_INT32) {
            return Optional.empty();
        }
        int off = blob.getInt(8 + 16 * e + 8);
        if (off < 0 || off > dl - 4 || (off & 3) != 0) {
            return Optional.empty();
        }
        return Optional.of(Integer.toUnsignedLong(blob.getInt(dataStart + off)));
    }

    private int find(int tag) {
        for (int i = 0; i < il; i++) {
            if (blob.getInt(8 + 16 * i) == tag) {
                return i;
            }
        }
        return -1;
    }
}
