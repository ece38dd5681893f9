package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The qcow2 header (versions 2 and 3) and its header extensions, from the start of the first
 * cluster. All fields are big-endian. Source: QEMU {@code docs/interop/qcow2.rst}.
 *
 * <pre>
 * Offset Size Field
 *      0    4 magic                    "QFI\xfb"
 *      4    4 version                  2 or 3
 *      8    8 backing_file_offset      file offset of the backing file name (not NUL-terminated); 0: none
 *     16    4 backing_file_size        length of that name, at most 1023
 *     20    4 cluster_bits             cluster size = 1 &lt;&lt; cluster_bits; 9..21 (512 B..2 MiB)
 *     24    8 size                     virtual disk size in bytes
 *     32    4 crypt_method             0 none, 1 AES, 2 LUKS
 *     36    4 l1_size                  entries in the active L1 table
 *     40    8 l1_table_offset          file offset of the L1 table, cluster aligned
 *     48    8 refcount_table_offset    (not needed to read)
 *     56    4 refcount_table_clusters  (not needed to read)
 *     60    4 nb_snapshots             internal snapshots (their L1 tables are not read)
 *     64    8 snapshots_offset
 *   version 3 only:
 *     72    8 incompatible_features    bit 0 dirty, 1 corrupt, 2 external data file,
 *                                      3 compression type, 4 extended L2 entries
 *     80    8 compatible_features      bit 0 lazy refcounts
 *     88    8 autoclear_features
 *     96    4 refcount_order
 *    100    4 header_length            at least 104, a multiple of 8
 *    104    1 compression_type         0 deflate, 1 zstd (present when header_length &gt; 104)
 *
 * Header extensions follow the header (version 2: at 72; version 3: at header_length), each
 *      0    4 type                     0 end, 0xe2792aca backing file format, 0x6803f857 feature
 *                                      name table, 0x23852875 bitmaps, 0x0537be77 encryption
 *                                      header, 0x44415441 external data file name
 *      4    4 length                   of the data; the data is padded to a multiple of 8
 *      8    n data
 * </pre>
 *
 * @param version            2 or 3
 * @param backingFileOffset  where the backing file name is, 0 for none
 * @param backingFileSize    length of that name
 * @param clusterBits        log2 of the cluster size
 * @param size               virtual size
 * @param cryptMethod        encryption method
 * @param l1Size             entries in the L1 table
 * @param l1TableOffset      file offset of the L1 table
 * @param snapshots          number of internal snapshots
 * @param incompatible       incompatible feature bits (0 for version 2)
 * @param compatible         compatible feature bits
 * @param headerLength       header length (72 for version 2)
 * @param compressionType    0 deflate, 1 zstd
 * @param backingFormat      the backing file format extension, if any
 * @param featureNames       names the image gives its feature bits ("incompatible 4" -&gt; name)
 */
public record Qcow2Header(int version, long backingFileOffset, int backingFileSize, int clusterBits, long size,
                          int cryptMethod, long l1Size, long l1TableOffset, long snapshots, long incompatible,
                          long compatible, int headerLength, int compressionType, Optional<String> backingFormat,
                          Map<String, String> featureNames) {

    /** "QFI\xfb". */
    static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xFB};
    static final long DIRTY = 1;
    static final long CORRUPT = 1 << 1;
    static final long EXTERNAL_DATA = 1 << 2;
    static final long COMPRESSION_TYPE = 1 << 3;
    static final long EXTENDED_L2 = 1 << 4;
    static final long KNOWN_INCOMPATIBLE = DIRTY | CORRUPT | EXTERNAL_DATA | COMPRESSION_TYPE | EXTENDED_L2;
    static final long LAZY_REFCOUNTS = 1;
    static final int EXT_END = 0;
    static final int EXT_BACKING_FORMAT = 0xE2792ACA;
    static final int EXT_FEATURE_NAMES = 0x6803F857;
    static final int EXT_ENCRYPTION = 0x0537BE77;
    static final int EXT_DATA_FILE = 0x44415441;
    /** Header extensions read at most (a real image has a handful). */
    static final int MAX_EXTENSIONS = 64;

    public Qcow2Header {
        featureNames = Map.copyOf(featureNames);
    }

    /** Cluster size in bytes. */
    public int clusterSize() {
        return 1 << clusterBits;
    }

    /** Whether L2 entries are 128 bits with a subcluster bitmap. */
    public boolean extendedL2() {
        return (incompatible & EXTENDED_L2) != 0;
    }

    /** "deflate" or "zstd". */
    public String compression() {
        return compressionType == 1 ? "zstd" : "deflate";
    }

    /**
     * Parses the header at the start of {@code first} (the first cluster, or the whole file when
     * it is shorter).
     *
     * @throws DiskException for anything not a readable qcow2 header: ENCRYPTED for an encrypted
     *                       image, UNSUPPORTED for a version or feature this reader does not read
     */
    static Qcow2Header parse(byte[] first, long fileSize) throws DiskException {
        String s = "qcow2 header";
        if (first.length < 72) {
            throw new DiskException(ErrorKind.TRUNCATED, s, 0, "the file is " + first.length + " bytes, shorter than"
                    + " a qcow2 header (72)");
        }
        ByteBuffer b = ByteBuffer.wrap(first);
        for (int i = 0; i < 4; i++) {
            if (first[i] != MAGIC[i]) {
                throw new DiskException(ErrorKind.CORRUPT, s, 0, "no qcow2 magic QFI\\xfb");
            }
        }
        int version = b.getInt(4);
        if (version != 2 && version != 3) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, 4, "qcow2 version " + version + " (only 2 and 3 are read;"
                    + " version 1 is the old qcow format): convert it with qemu-img convert -O qcow2");
        }
        int clusterBits = b.getInt(20);
        if (clusterBits < 9 || clusterBits > 21) {
            throw new DiskException(ErrorKind.CORRUPT, s, 20, "cluster_bits " + clusterBits + " is outside 9..21"
                    + " (512 bytes to 2 MiB clusters)");
        }
        int clusterSize = 1 << clusterBits;
        long size = b.getLong(24);
        if (size < 0 || size > DiskImages.MAX_VIRTUAL_SIZE) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, s, 24, "virtual size " + Long.toUnsignedString(size)
                    + " bytes exceeds the " + (DiskImages.MAX_VIRTUAL_SIZE >> 40) + " TiB this reader accepts");
        }
        int crypt = b.getInt(32);
        if (crypt != 0) {
            throw new DiskException(ErrorKind.ENCRYPTED, s, 32, "the image is encrypted (crypt_method " + crypt
                    + (crypt == 1 ? ", AES" : crypt == 2 ? ", LUKS" : "") + "): its data cannot be read without the key;"
                    + " decrypt it first (qemu-img convert with --object secret,... -O qcow2) and drop the result");
        }
        long l1Size = Integer.toUnsignedLong(b.getInt(36));
        long l1Offset = b.getLong(40);
        long snapshots = Integer.toUnsignedLong(b.getInt(60));
        long backingOffset = b.getLong(8);
        int backingSize = b.getInt(16);
        long incompatible = 0;
        long compatible = 0;
        int headerLength = 72;
        int compressionType = 0;
        if (version == 3) {
            if (first.length < 104) {
                throw new DiskException(ErrorKind.TRUNCATED, s, 0, "a version 3 header needs 104 bytes");
            }
            incompatible = b.getLong(72);
            compatible = b.getLong(80);
            headerLength = b.getInt(100);
            if (headerLength < 104 || headerLength % 8 != 0 || headerLength > Math.min(clusterSize, first.length)) {
                throw new DiskException(ErrorKind.CORRUPT, s, 100, "header_length " + headerLength + " is not a multiple"
                        + " of 8 between 104 and the cluster size " + clusterSize);
            }
            if (headerLength > 104) {
                compressionType = first[104] & 0xFF;
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        Optional<String> backingFormat = Optional.empty();
        boolean dataFileName = false;
        int at = headerLength;
        int limit = Math.min(clusterSize, first.length);
        for (int n = 0; ; n++) {
            if (n >= MAX_EXTENSIONS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "qcow2 header extensions", headerLength, "more than "
                        + MAX_EXTENSIONS + " header extensions");
            }
            if (at + 8 > limit) {
                break; // no end marker before the cluster ends: version 2 images may omit it
            }
            int type = b.getInt(at);
            long len = Integer.toUnsignedLong(b.getInt(at + 4));
            if (type == EXT_END) {
                break;
            }
            if (len > limit - at - 8) {
                throw new DiskException(ErrorKind.CORRUPT, "qcow2 header extension 0x" + Integer.toHexString(type), at,
                        "length " + len + " runs past the first cluster");
            }
            switch (type) {
                case EXT_BACKING_FORMAT -> backingFormat = Optional.of(new String(first, at + 8, (int) len,
                        StandardCharsets.UTF_8));
                case EXT_FEATURE_NAMES -> {
                    for (int e = at + 8; e + 48 <= at + 8 + len; e += 48) {
                        String kind = switch (first[e]) {
                            case 0 -> "incompatible";
                            case 1 -> "compatible";
                            default -> "autoclear";
                        };
                        int end = e + 2;
                        while (end < e + 48 && first[end] != 0) {
                            end++;
                        }
                        names.put(kind + " " + (first[e + 1] & 0xFF), new String(first, e + 2, end - e - 2,
                                StandardCharsets.UTF_8));
                    }
                }
                case EXT_DATA_FILE -> dataFileName = true;
                default -> {
                    // Unknown and informational extensions can be ignored when reading.
                }
            }
            at += 8 + (int) ((len + 7) / 8 * 8);
        }
        long unknown = incompatible & ~KNOWN_INCOMPATIBLE;
        if (unknown != 0) {
            List<String> bits = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                if ((unknown & (1L << i)) != 0) {
                    String name = names.get("incompatible " + i);
                    bits.add(name == null ? Integer.toString(i) : i + " (" + name + ")");
                }
            }
            throw new DiskException(ErrorKind.UNSUPPORTED, s, 72, "incompatible feature bit(s) " + String.join(", ", bits)
                    + " this reader does not know; an implementation must not read such an image");
        }
        if ((incompatible & CORRUPT) != 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, 72, "QEMU marked the image corrupt (incompatible feature bit 1):"
                    + " any structure may be damaged; repair a copy with qemu-img check -r all and drop that");
        }
        if ((incompatible & EXTERNAL_DATA) != 0 || dataFileName) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, 72, "the image keeps its data in an external data file,"
                    + " which vhdflow does not read; convert it to a self-contained image (qemu-img convert -O qcow2)");
        }
        if ((incompatible & COMPRESSION_TYPE) != 0 ? compressionType != 1 : compressionType != 0) {
            throw new DiskException((incompatible & COMPRESSION_TYPE) != 0 && compressionType > 1 ? ErrorKind.UNSUPPORTED
                    : ErrorKind.CORRUPT, s, 104, "compression type " + compressionType + " with the compression-type"
                    + " feature bit " + ((incompatible & COMPRESSION_TYPE) != 0 ? "set" : "clear")
                    + " (0 deflate needs it clear, 1 zstd needs it set)");
        }
        if ((incompatible & EXTENDED_L2) != 0 && clusterBits < 14) {
            throw new DiskException(ErrorKind.CORRUPT, s, 20, "extended L2 entries need clusters of at least 16 KiB,"
                    + " cluster_bits is " + clusterBits);
        }
        if (l1Offset < 0 || l1Offset % clusterSize != 0 || (l1Size > 0 && (l1Offset == 0 || l1Offset >= fileSize))) {
            throw new DiskException(ErrorKind.CORRUPT, s, 40, "L1 table offset " + Long.toUnsignedString(l1Offset)
                    + " is not a cluster-aligned offset inside the file (" + fileSize + " bytes)");
        }
        if (backingOffset != 0) {
            if (backingSize <= 0 || backingSize > 1023 || backingOffset < 0 || backingOffset > fileSize - backingSize) {
                throw new DiskException(ErrorKind.CORRUPT, s, 8, "backing file name of " + backingSize + " bytes at "
                        + Long.toUnsignedString(backingOffset) + " is empty, longer than 1023 bytes or outside the file");
            }
        }
        return new Qcow2Header(version, backingOffset, backingOffset == 0 ? 0 : backingSize, clusterBits, size, crypt,
                l1Size, l1Offset, snapshots, incompatible, compatible, headerLength, compressionType, backingFormat, names);
    }
}
