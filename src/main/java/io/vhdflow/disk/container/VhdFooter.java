package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The 512-byte VHD footer ("hard disk footer"). It ends every VHD; dynamic and differencing
 * disks also carry a copy at offset 0. All fields are big-endian.
 *
 * <pre>
 * Offset Size Field
 *      0    8 cookie               "conectix"
 *      8    4 features             0x1 temporary; the spec requires reserved bit 0x2 set
 *     12    4 file format version  0x00010000
 *     16    8 data offset          absolute offset of the dynamic header; all ones for fixed disks
 *     24    4 timestamp            seconds since 2000-01-01T00:00:00Z
 *     28    4 creator application  "vpc ", "win ", "qemu", "qem2", "d2v ", "wa\0\0", "vhfl" (us), ...
 *     32    4 creator version
 *     36    4 creator host OS      "Wi2k", "Mac "
 *     40    8 original size        bytes at creation
 *     48    8 current size         the virtual size: the only size this reader uses
 *     56    4 disk geometry        cylinders u16, heads u8, sectors per track u8
 *     60    4 disk type            2 fixed, 3 dynamic, 4 differencing
 *     64    4 checksum             one's complement of the byte sum with this field taken as 0
 *     68   16 unique id            UUID, big-endian as stored
 *     84    1 saved state          1 when the disk belongs to a saved (hibernated) VM
 *     85  427 reserved             zeros
 * </pre>
 *
 * @param features          features bit field
 * @param formatVersion     file format version
 * @param dataOffset        absolute offset of the dynamic header, or -1 (all ones) for fixed disks
 * @param timestamp         creation time as stored (seconds since 2000-01-01, unsigned)
 * @param creatorApplication the four creator bytes as ISO-8859-1 text (NULs kept)
 * @param creatorVersion    creator version
 * @param creatorHostOs     creator host OS code
 * @param originalSize      size at creation
 * @param currentSize       current virtual size in bytes
 * @param geometry          CHS geometry
 * @param diskTypeCode      the raw disk type code
 * @param checksum          stored checksum
 * @param uniqueId          unique id
 * @param savedState        saved state flag
 */
public record VhdFooter(int features, int formatVersion, long dataOffset, long timestamp,
                        String creatorApplication, int creatorVersion, int creatorHostOs,
                        long originalSize, long currentSize, DiskGeometry geometry, int diskTypeCode,
                        int checksum, UUID uniqueId, boolean savedState) {

    /** Size of the footer on disk. */
    public static final int SIZE = 512;
    /** The cookie at offset 0. */
    public static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
    /** The creator application vhdflow writes: "vhfl" (VHD flow). */
    public static final String VHDFLOW_CREATOR = "vhfl";
    /** Seconds between the Unix epoch and the VHD epoch 2000-01-01T00:00:00Z. */
    public static final long VHD_EPOCH = 946_684_800L;
    /** Data offset of a fixed disk (all ones). */
    public static final long NO_DATA_OFFSET = -1L;
    static final int CHECKSUM_OFFSET = 64;
    private static final int VERSION_1_0 = 0x00010000;
    private static final int FEATURE_RESERVED = 0x2;

    private static final Map<String, String> KNOWN_CREATORS = Map.of(
            "vpc ", "Microsoft Virtual PC",
            "win ", "Microsoft Hyper-V / Windows",
            "qemu", "QEMU (sized by CHS geometry)",
            "qem2", "QEMU with force_size",
            "d2v ", "Sysinternals Disk2vhd",
            "tap\0", "XenServer blktap",
            "CTXS", "Citrix XenConverter",
            "wa\0\0", "Azure (exported disk)",
            VHDFLOW_CREATOR, "vhdflow");

    /** True when {@code b} starts with the footer cookie at {@code off}. */
    static boolean hasCookie(byte[] b, int off) {
        if (b.length - off < COOKIE.length) {
            return false;
        }
        for (int i = 0; i < COOKIE.length; i++) {
            if (b[off + i] != COOKIE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a footer read at absolute offset {@code at}, verifying cookie, checksum, version and
     * disk type.
     */
    public static VhdFooter parse(byte[] raw, long at, String structure) throws DiskException {
        if (raw.length != SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "needs " + SIZE + " bytes, got " + raw.length);
        }
        if (!hasCookie(raw, 0)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "cookie \"conectix\" not found (found \""
                    + printable(raw, 0, 8) + "\"): not a VHD, or the file is truncated or damaged");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        int stored = b.getInt(CHECKSUM_OFFSET);
        int computed = checksum(raw, CHECKSUM_OFFSET);
        if (stored != computed) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + CHECKSUM_OFFSET, String.format(
                    "checksum 0x%08x stored but 0x%08x computed: the footer is damaged", stored, computed));
        }
        int version = b.getInt(12);
        if (version >>> 16 != 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 12,
                    String.format("file format version 0x%08x is not 1.x", version));
        }
        int typeCode = b.getInt(60);
        if (VhdDiskType.fromCode(typeCode).isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 60,
                    "disk type " + typeCode + " is not fixed (2), dynamic (3) or differencing (4)");
        }
        long currentSize = b.getLong(48);
        if (currentSize < 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 48, "current size " + Long.toUnsignedString(currentSize)
                    + " is larger than any disk");
        }
        return new VhdFooter(b.getInt(8), version, b.getLong(16), Integer.toUnsignedLong(b.getInt(24)),
                new String(raw, 28, 4, StandardCharsets.ISO_8859_1), b.getInt(32), b.getInt(36),
                b.getLong(40), currentSize, DiskGeometry.decode(b.getInt(56)), typeCode, stored,
                new UUID(b.getLong(68), b.getLong(76)), raw[84] != 0);
    }

    /**
     * Creator application that every qemu release sizes by current size, as Azure does: "win "
     * (Hyper-V). qemu before its 2025 change ("vpc: Read images exported from Azure correctly")
     * sizes any creator it does not list, {@link #VHDFLOW_CREATOR} included, by CHS geometry,
     * which is smaller than the current size unless the geometry is the maximum one.
     */
    public static final String HYPERV_CREATOR = "win ";

    /** A footer for a new fixed disk of {@code size} bytes written by vhdflow ({@link #VHDFLOW_CREATOR}). */
    public static VhdFooter newFixed(long size, UUID uniqueId, Instant created) {
        return newFixed(size, uniqueId, created, VHDFLOW_CREATOR);
    }

    /** A footer for a new fixed disk of {@code size} bytes with the given 4-character creator application. */
    public static VhdFooter newFixed(long size, UUID uniqueId, Instant created, String creator) {
        if (creator.getBytes(StandardCharsets.ISO_8859_1).length != 4) {
            throw new IllegalArgumentException("creator application must be 4 characters: \"" + creator + "\"");
        }
        long ts = Math.max(0, Math.min(0xFFFF_FFFFL, created.getEpochSecond() - VHD_EPOCH));
        VhdFooter unsummed = new VhdFooter(FEATURE_RESERVED, VERSION_1_0, NO_DATA_OFFSET, ts, creator,
                0x0001_0000, 0x5769_326B /* Wi2k: what Azure and Hyper-V expect */, size, size,
                DiskGeometry.forSize(size), VhdDiskType.FIXED.code(), 0, uniqueId, false);
        byte[] raw = unsummed.encodeWithChecksum(0);
        return unsummed.withChecksum(checksum(raw, CHECKSUM_OFFSET));
    }

    private VhdFooter withChecksum(int sum) {
        return new VhdFooter(features, formatVersion, dataOffset, timestamp, creatorApplication, creatorVersion,
                creatorHostOs, originalSize, currentSize, geometry, diskTypeCode, sum, uniqueId, savedState);
    }

    /** The 512 bytes of this footer, with its stored checksum. */
    public byte[] encode() {
        return encodeWithChecksum(checksum);
    }

    private byte[] encodeWithChecksum(int sum) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        b.put(COOKIE);
        b.putInt(8, features);
        b.putInt(12, formatVersion);
        b.putLong(16, dataOffset);
        b.putInt(24, (int) timestamp);
        byte[] creator = creatorApplication.getBytes(StandardCharsets.ISO_8859_1);
        b.put(28, creator, 0, Math.min(4, creator.length));
        b.putInt(32, creatorVersion);
        b.putInt(36, creatorHostOs);
        b.putLong(40, originalSize);
        b.putLong(48, currentSize);
        b.putInt(56, geometry.encode());
        b.putInt(60, diskTypeCode);
        b.putInt(CHECKSUM_OFFSET, sum);
        b.putLong(68, uniqueId.getMostSignificantBits());
        b.putLong(76, uniqueId.getLeastSignificantBits());
        b.put(84, (byte) (savedState ? 1 : 0));
        return b.array();
    }

    /**
     * The VHD checksum: one's complement of the sum of all bytes, the 4-byte checksum field at
     * {@code checksumOffset} taken as zero. Shared by the footer and the dynamic header.
     */
    static int checksum(byte[] raw, int checksumOffset) {
        int sum = 0;
        for (int i = 0; i < raw.length; i++) {
            if (i < checksumOffset || i >= checksumOffset + 4) {
                sum += raw[i] & 0xFF;
            }
        }
        return ~sum;
    }

    /** The disk type. */
    public VhdDiskType diskType() {
        return VhdDiskType.fromCode(diskTypeCode).orElseThrow();
    }

    /** Creation time. */
    public Instant created() {
        return Instant.ofEpochSecond(VHD_EPOCH + timestamp);
    }

    /** The creator application printable, NULs shown as {@code \0}. */
    public String creatorDisplay() {
        return creatorApplication.replace("\0", "\\0");
    }

    /** What the creator application is, when it is one this reader knows. */
    public Optional<String> knownCreator() {
        return Optional.ofNullable(KNOWN_CREATORS.get(creatorApplication));
    }

    /** Whether the reserved feature bit 0x2, required by the spec, is set. */
    public boolean reservedFeatureBitSet() {
        return (features & FEATURE_RESERVED) != 0;
    }

    /**
     * Whether qemu (and Virtual PC) size this disk from its CHS geometry rather than its current
     * size: true for the {@code vpc } and {@code qemu} creators.
     */
    public boolean sizedByGeometryInQemu() {
        return "vpc ".equals(creatorApplication) || "qemu".equals(creatorApplication);
    }

    static String printable(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < Math.min(b.length, off + len); i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
