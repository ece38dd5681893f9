package io.vhdflow.disk.volume;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A GUID partition table: the primary header and entry array, or, when either fails its checks,
 * the backup header at the last LBA and its array (reported as a finding).
 *
 * <pre>
 * Partition entry (entry size bytes, of which 128 are defined):
 *   0x00 16  partition type GUID (all zero: unused entry)
 *   0x10 16  unique partition GUID
 *   0x20  8  first LBA
 *   0x28  8  last LBA (inclusive)
 *   0x30  8  attributes: bit 0 required by platform, bit 2 legacy BIOS bootable,
 *            bits 48-63 type-specific (Microsoft: 60 read-only, 62 hidden, 63 no drive letter)
 *   0x38 72  partition name, UTF-16LE, NUL-padded
 * </pre>
 */
public final class GuidPartitionTable {
    static final long ATTR_LEGACY_BIOS_BOOTABLE = 1L << 2;

    private final GptHeader header;
    private final List<TableEntry> partitions;

    private GuidPartitionTable(GptHeader header, List<TableEntry> partitions) {
        this.header = header;
        this.partitions = partitions;
    }

    /** Sector size at which a GPT signature is found (512 or 4096), or 0 when none is. */
    static int detectSectorSize(ByteSource disk) throws IOException {
        if (GptHeader.hasSignature(disk, 512)) {
            return 512;
        }
        if (GptHeader.hasSignature(disk, 4096)) {
            return 4096;
        }
        return 0;
    }

    /** True when a GPT header signature is present at LBA 1 (512- or 4096-byte sectors). */
    public static boolean probe(ByteSource disk) throws IOException {
        return detectSectorSize(disk) != 0;
    }

    /**
     * Reads the table, falling back to the backup header when the primary header or its array is
     * damaged. Fails only when neither copy is usable.
     */
    static GuidPartitionTable read(ByteSource disk, List<Finding> findings) throws IOException {
        int sectorSize = detectSectorSize(disk);
        if (sectorSize == 0) {
            sectorSize = 512;
        }
        long lastLba = disk.size() / sectorSize - 1;
        GptHeader primary = null;
        ByteBuffer entries = null;
        DiskException primaryFailure = null;
        try {
            primary = GptHeader.read(disk, 1, sectorSize, "primary");
            entries = primary.readEntries(disk, "primary");
        } catch (DiskException e) {
            primaryFailure = e;
        }
        if (primaryFailure == null) {
            checkBackup(disk, primary, entries, lastLba, sectorSize, findings);
            return new GuidPartitionTable(primary, decode(disk, primary, entries, findings));
        }
        // The backup is normally at the last LBA; a primary header that passed its own CRC (only its
        // array is bad) may point elsewhere, e.g. after a disk was grown without moving the backup.
        List<Long> candidates = new ArrayList<>();
        candidates.add(lastLba);
        if (primary != null && primary.alternateLba() != lastLba) {
            candidates.add(primary.alternateLba());
        }
        DiskException backupFailure = null;
        for (long lba : candidates) {
            try {
                GptHeader backup = GptHeader.read(disk, lba, sectorSize, "backup");
                ByteBuffer arr = backup.readEntries(disk, "backup");
                findings.add(new Finding("gpt.primary-damaged", primaryFailure.offset(), "primary GPT unusable ("
                        + primaryFailure.getMessage() + "); read the backup GPT header at LBA " + lba
                        + ". Repair the disk (e.g. sgdisk -e / gdisk recovery) before relying on it."));
                return new GuidPartitionTable(backup, decode(disk, backup, arr, findings));
            } catch (DiskException e) {
                backupFailure = e;
            }
        }
        throw new DiskException(ErrorKind.CORRUPT, "GPT", primaryFailure.offset(), "primary GPT unusable (" + primaryFailure.getMessage()
                + ") and backup GPT unusable (" + backupFailure.getMessage() + ")");
    }

    private static void checkBackup(ByteSource disk, GptHeader primary, ByteBuffer primaryEntries, long lastLba,
                                    int sectorSize, List<Finding> findings) throws IOException {
        if (primary.alternateLba() != lastLba) {
            findings.add(new Finding("gpt.backup-not-at-end", primary.offset() + 0x20, "primary GPT header places the backup at LBA "
                    + primary.alternateLba() + " but the disk's last LBA is " + lastLba
                    + " (disk resized or truncated?); sgdisk -e moves it"));
        }
        try {
            GptHeader backup = GptHeader.read(disk, lastLba, sectorSize, "backup");
            ByteBuffer backupEntries = backup.readEntries(disk, "backup");
            if (!backupEntries.equals(primaryEntries) || backup.entryCount() != primary.entryCount()) {
                findings.add(new Finding("gpt.backup-differs", backup.entriesLba() * sectorSize,
                        "the backup partition entry array differs from the primary one; the primary is used"));
            }
        } catch (DiskException e) {
            findings.add(new Finding("gpt.backup-damaged", e.offset() >= 0 ? e.offset() : lastLba * sectorSize,
                    "backup GPT unusable: " + e.getMessage()));
        }
    }

    private static List<TableEntry> decode(ByteSource disk, GptHeader h, ByteBuffer arr, List<Finding> findings) {
        List<TableEntry> out = new ArrayList<>();
        long base = h.entriesLba() * h.sectorSize();
        for (int i = 0; i < h.entryCount(); i++) {
            int at = i * h.entrySize();
            String type = Guid.read(arr, at);
            if (type.equals(Guid.ZERO)) {
                continue;
            }
            long entryOffset = base + at;
            String unique = Guid.read(arr, at + 0x10);
            long first = arr.getLong(at + 0x20);
            long last = arr.getLong(at + 0x28);
            long attrs = arr.getLong(at + 0x30);
            String id = "gpt:p" + (i + 1);
            if (first < 0 || last < first || last > Long.MAX_VALUE / h.sectorSize() - 1) {
                findings.add(new Finding("gpt.bad-partition-range", entryOffset + 0x20, id + " has first LBA "
                        + Long.toUnsignedString(first) + " and last LBA " + Long.toUnsignedString(last) + "; skipped"));
                continue;
            }
            if (first < h.firstUsableLba() || last > h.lastUsableLba()) {
                findings.add(new Finding("gpt.partition-outside-usable", entryOffset + 0x20, id + " (LBA " + first + ".."
                        + last + ") lies outside the usable range " + h.firstUsableLba() + ".." + h.lastUsableLba()));
            }
            out.add(new TableEntry(id, first * h.sectorSize(), (last - first + 1) * h.sectorSize(), type,
                    GptPartitionType.name(type), name(arr, at + 0x38), Optional.of(unique),
                    (attrs & ATTR_LEGACY_BIOS_BOOTABLE) != 0, GptPartitionType.roles(type), entryOffset));
        }
        return out;
    }

    private static Optional<String> name(ByteBuffer arr, int at) {
        int len = 0;
        while (len < 36 && arr.getShort(at + 2 * len) != 0) {
            len++;
        }
        if (len == 0) {
            return Optional.empty();
        }
        byte[] raw = new byte[2 * len];
        arr.get(at, raw);
        return Optional.of(new String(raw, StandardCharsets.UTF_16LE));
    }

    /** The disk GUID. */
    public String diskGuid() {
        return header.diskGuid();
    }

    /** Logical sector size the table was found with. */
    public int sectorSize() {
        return header.sectorSize();
    }

    List<TableEntry> partitions() {
        return partitions;
    }
}
