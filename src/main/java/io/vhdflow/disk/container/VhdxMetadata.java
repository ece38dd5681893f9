package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The VHDX metadata region: a 64 KiB table, then the items it points to. Little-endian.
 * Source: [MS-VHDX] 2.6.
 *
 * <pre>
 * Metadata table header (32 bytes at the start of the region):
 * Offset Size Field
 *      0    8 signature            "metadata"
 *      8    2 reserved
 *     10    2 entry count          at most 2047
 *     12   20 reserved
 * Entries (32 bytes each, from offset 32):
 *      0   16 item id              GUID
 *     16    4 offset               from the start of the region, at least 64 KiB (0 when empty)
 *     20    4 length               at most 1 MiB
 *     24    4 flags                bit 0 is-user, bit 1 is-virtual-disk, bit 2 is-required
 *     28    4 reserved
 * Items:
 *   File Parameters      CAA16737-FA36-4D43-B3B6-33F0AA44E76B  u32 block size (1..256 MiB, a power
 *                        of 2), u32 flags: bit 0 leave blocks allocated (fixed), bit 1 has parent
 *   Virtual Disk Size    2FA54224-CD1B-4876-B211-5DBED83BF4B8  u64 bytes, a multiple of the
 *                        logical sector size, at most 64 TiB
 *   Virtual Disk ID      BECA12AB-B2E6-4523-93EF-C309E000C746  GUID
 *   Logical Sector Size  8141BF1D-A96F-4709-BA47-F233A8FAAB5F  u32 512 or 4096
 *   Physical Sector Size CDA348C7-445D-4471-9CC9-E9885251C556  u32 512 or 4096
 *   Parent Locator       A8D35F2D-B30B-454D-ABF7-D3D84834AB0C  header: locator type GUID (16;
 *                        VHDX: B04AEFB7-D19E-4A81-B789-25B8E9445913), reserved (2), key/value
 *                        count (2); then 12-byte entries: key offset u32, value offset u32 (from
 *                        the item's start), key length u16, value length u16; keys and values
 *                        UTF-16LE: parent_linkage, parent_linkage2, relative_path, volume_path,
 *                        absolute_win32_path
 * </pre>
 *
 * @param blockSize            payload block size
 * @param leaveBlocksAllocated the file is a fixed VHDX
 * @param hasParent            the file is a differencing VHDX
 * @param virtualSize          virtual disk size
 * @param virtualDiskId        virtual disk id
 * @param logicalSectorSize    logical sector size
 * @param physicalSectorSize   physical sector size
 * @param parentLocator        the parent locator's keys and values (differencing only)
 * @param parentLocatorAt      file offset of the parent locator item (-1 without one), for errors about the parent
 */
public record VhdxMetadata(long blockSize, boolean leaveBlocksAllocated, boolean hasParent, long virtualSize,
                           UUID virtualDiskId, int logicalSectorSize, int physicalSectorSize,
                           Map<String, String> parentLocator, long parentLocatorAt) {

    static final UUID FILE_PARAMETERS = UUID.fromString("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    static final UUID VIRTUAL_DISK_SIZE = UUID.fromString("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    static final UUID VIRTUAL_DISK_ID = UUID.fromString("BECA12AB-B2E6-4523-93EF-C309E000C746");
    static final UUID LOGICAL_SECTOR_SIZE = UUID.fromString("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
    static final UUID PHYSICAL_SECTOR_SIZE = UUID.fromString("CDA348C7-445D-4471-9CC9-E9885251C556");
    static final UUID PARENT_LOCATOR = UUID.fromString("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
    static final UUID VHDX_LOCATOR_TYPE = UUID.fromString("B04AEFB7-D19E-4A81-B789-25B8E9445913");
    static final int TABLE_SIZE = 64 * 1024;

    public VhdxMetadata {
        parentLocator = Map.copyOf(parentLocator);
    }

    /** "fixed", "dynamic" or "differencing". */
    public String type() {
        return hasParent ? "differencing" : leaveBlocksAllocated ? "fixed" : "dynamic";
    }

    /** Reads the metadata region {@code [at, at + length)} of {@code file}. */
    static VhdxMetadata read(ByteSource file, long at, long length) throws IOException {
        String s = "VHDX metadata table";
        if (length < TABLE_SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "the metadata region is " + length + " bytes, smaller"
                    + " than its 64 KiB table");
        }
        byte[] t = file.readBytes(at, TABLE_SIZE, s);
        if (!new String(t, 0, 8, StandardCharsets.US_ASCII).equals("metadata")) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "no \"metadata\" signature");
        }
        ByteBuffer bb = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        int count = Short.toUnsignedInt(bb.getShort(10));
        if (count > 2047) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 10, "entry count " + count + " is above 2047");
        }
        Map<UUID, Item> items = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int e = 32 + 32 * i;
            UUID id = VhdxHeader.guid(t, e);
            long offset = Integer.toUnsignedLong(bb.getInt(e + 16));
            long len = Integer.toUnsignedLong(bb.getInt(e + 20));
            int flags = bb.getInt(e + 24);
            boolean user = (flags & 1) != 0;
            boolean required = (flags & 4) != 0;
            String what = s + " entry " + i;
            if (len > VhdxHeader.MiB || (len > 0 && (offset < TABLE_SIZE || offset > length - len))
                    || (len == 0 && offset != 0)) {
                throw new DiskException(ErrorKind.CORRUPT, what, at + e + 16, "item " + id + " of " + len
                        + " bytes at " + offset + " lies outside the metadata region (" + length + " bytes)");
            }
            boolean known = !user && (id.equals(FILE_PARAMETERS) || id.equals(VIRTUAL_DISK_SIZE)
                    || id.equals(VIRTUAL_DISK_ID) || id.equals(LOGICAL_SECTOR_SIZE) || id.equals(PHYSICAL_SECTOR_SIZE)
                    || id.equals(PARENT_LOCATOR));
            if (required && !known) {
                throw new DiskException(ErrorKind.UNSUPPORTED, what, at + e, (user ? "user" : "system")
                        + " metadata item " + id + " is required but not one this reader knows");
            }
            if (!user && known) {
                if (items.containsKey(id)) {
                    throw new DiskException(ErrorKind.CORRUPT, what, at + e, "metadata item " + id + " listed twice");
                }
                items.put(id, new Item(file.readBytes(at + offset, (int) len, "VHDX metadata item " + id), at + offset));
            }
        }
        Item fp = item(items, FILE_PARAMETERS, 8, "file parameters", at);
        ByteBuffer f = ByteBuffer.wrap(fp.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        long blockSize = Integer.toUnsignedLong(f.getInt(0));
        int fpFlags = f.getInt(4);
        if (blockSize < VhdxHeader.MiB || blockSize > 256 * VhdxHeader.MiB || Long.bitCount(blockSize) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX file parameters", fp.at(), "block size " + blockSize
                    + " is not a power of 2 between 1 MiB and 256 MiB");
        }
        boolean hasParent = (fpFlags & 2) != 0;
        Item vs = item(items, VIRTUAL_DISK_SIZE, 8, "virtual disk size", at);
        long virtualSize = ByteBuffer.wrap(vs.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        UUID diskId = VhdxHeader.guid(item(items, VIRTUAL_DISK_ID, 16, "virtual disk id", at).bytes(), 0);
        Item ls = item(items, LOGICAL_SECTOR_SIZE, 4, "logical sector size", at);
        int logical = ByteBuffer.wrap(ls.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        Item ps = item(items, PHYSICAL_SECTOR_SIZE, 4, "physical sector size", at);
        int physical = ByteBuffer.wrap(ps.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (logical != 512 && logical != 4096) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX logical sector size", ls.at(), "logical sector size " + logical
                    + " is neither 512 nor 4096");
        }
        if (physical != 512 && physical != 4096) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX physical sector size", ps.at(), "physical sector size "
                    + physical + " is neither 512 nor 4096");
        }
        if (virtualSize <= 0 || virtualSize % logical != 0 || virtualSize > DiskImages.MAX_VIRTUAL_SIZE) {
            throw new DiskException(virtualSize > DiskImages.MAX_VIRTUAL_SIZE ? ErrorKind.LIMIT_EXCEEDED : ErrorKind.CORRUPT,
                    "VHDX virtual disk size", vs.at(), "virtual disk size " + Long.toUnsignedString(virtualSize)
                    + " is not a positive multiple of the " + logical + "-byte logical sector of at most "
                    + (DiskImages.MAX_VIRTUAL_SIZE >> 40) + " TiB");
        }
        Map<String, String> locator = Map.of();
        long locatorAt = -1;
        if (hasParent) {
            Item pl = item(items, PARENT_LOCATOR, 20, "parent locator", at);
            locator = parentLocator(pl);
            locatorAt = pl.at();
        }
        return new VhdxMetadata(blockSize, (fpFlags & 1) != 0, hasParent, virtualSize, diskId, logical, physical, locator,
                locatorAt);
    }

    /** A metadata item's bytes and where they are in the file. */
    private record Item(byte[] bytes, long at) {
    }

    private static Item item(Map<UUID, Item> items, UUID id, int minimum, String name, long at) throws DiskException {
        Item b = items.get(id);
        if (b == null) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX metadata table", at, "the required " + name
                    + " item is missing");
        }
        if (b.bytes().length < minimum) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX " + name, b.at(), "the item is " + b.bytes().length + " bytes, needs "
                    + minimum);
        }
        return b;
    }

    private static Map<String, String> parentLocator(Item item) throws DiskException {
        String s = "VHDX parent locator";
        byte[] p = item.bytes();
        long at = item.at();
        UUID type = VhdxHeader.guid(p, 0);
        if (!type.equals(VHDX_LOCATOR_TYPE)) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, at, "parent locator type " + type + " is not a VHDX"
                    + " parent; only VHDX parents are read");
        }
        ByteBuffer bb = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int count = Short.toUnsignedInt(bb.getShort(18));
        if (20L + 12L * count > p.length) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 18, count + " key/value entries do not fit in the "
                    + p.length + "-byte item");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int e = 20 + 12 * i;
            long ko = Integer.toUnsignedLong(bb.getInt(e));
            long vo = Integer.toUnsignedLong(bb.getInt(e + 4));
            int kl = Short.toUnsignedInt(bb.getShort(e + 8));
            int vl = Short.toUnsignedInt(bb.getShort(e + 10));
            if (ko == 0 || vo == 0 || kl == 0 || vl == 0 || ko + kl > p.length || vo + vl > p.length) {
                throw new DiskException(ErrorKind.CORRUPT, s + " entry " + i, at + e, "key or value lies outside the item"
                        + " or is empty");
            }
            String key = new String(p, (int) ko, kl, StandardCharsets.UTF_16LE);
            String value = new String(p, (int) vo, vl, StandardCharsets.UTF_16LE);
            if (out.put(key, value) != null) {
                throw new DiskException(ErrorKind.CORRUPT, s + " entry " + i, at + e, "key \"" + key + "\" appears twice");
            }
        }
        if (!out.containsKey("parent_linkage")) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "no parent_linkage key: the parent cannot be identified");
        }
        return out;
    }

    /** The parent's identity: parent_linkage (and parent_linkage2 if present), as GUIDs. */
    Optional<UUID> linkage(String key) {
        String v = parentLocator.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(v.replace("{", "").replace("}", "").strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
