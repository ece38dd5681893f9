package io.vhdflow.disk.volume;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The DOS master boot record in sector 0 and the chain of extended boot records (EBRs) that
 * describes logical partitions. Sectors are 512 bytes.
 *
 * <pre>
 * Boot record (MBR and every EBR), 512 bytes:
 *   0x000 440  boot code
 *   0x1B8   4  disk signature (MBR only), little-endian
 *   0x1BC   2  reserved
 *   0x1BE  64  four partition entries of 16 bytes
 *   0x1FE   2  boot signature 0x55 0xAA
 * Partition entry, 16 bytes:
 *   0x0  1  status: 0x80 active (bootable), 0x00 inactive; anything else is invalid
 *   0x1  3  CHS address of the first sector (ignored: LBA is authoritative)
 *   0x4  1  partition type
 *   0x5  3  CHS address of the last sector (ignored)
 *   0x8  4  LBA of the first sector (MBR: from the disk start; EBR entry 0: from this EBR;
 *           EBR entry 1: from the start of the extended partition)
 *   0xC  4  number of sectors
 * </pre>
 */
public final class MasterBootRecord {
    static final int SECTOR = 512;
    static final int DISK_SIGNATURE = 0x1B8;
    static final int ENTRIES = 0x1BE;
    static final int ENTRY_SIZE = 16;
    static final int BOOT_SIGNATURE = 0x1FE;

    /** Linux handles at most this many partitions on a disk; a longer EBR chain is hostile. */
    static final int MAX_LOGICAL = 256;

    /** One 16-byte partition entry, decoded. */
    record Entry(int slot, int status, int type, long firstLba, long sectors, long offset) {
        boolean isEmpty() {
            return type == MbrPartitionType.EMPTY || sectors == 0;
        }
    }

    private final long diskSignature;
    private final List<Entry> entries;

    private MasterBootRecord(long diskSignature, List<Entry> entries) {
        this.diskSignature = diskSignature;
        this.entries = entries;
    }

    /**
     * True when sector 0 ends in 0x55AA and every entry's status byte is 0x00 or 0x80. A FAT or
     * NTFS boot sector also ends in 0x55AA; callers check for those first.
     */
    public static boolean probe(ByteSource disk) throws IOException {
        if (disk.size() < SECTOR) {
            return false;
        }
        ByteBuffer b = disk.readBuffer(0, SECTOR, "MBR");
        return hasSignature(b) && statusBytesValid(b);
    }

    static boolean hasSignature(ByteBuffer sector) {
        return (sector.get(BOOT_SIGNATURE) & 0xFF) == 0x55 && (sector.get(BOOT_SIGNATURE + 1) & 0xFF) == 0xAA;
    }

    private static boolean statusBytesValid(ByteBuffer b) {
        for (int i = 0; i < 4; i++) {
            int status = b.get(ENTRIES + i * ENTRY_SIZE) & 0xFF;
            if (status != 0x00 && status != 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Reads and decodes sector 0. */
    public static MasterBootRecord read(ByteSource disk) throws IOException {
        ByteBuffer b = disk.readBuffer(0, SECTOR, "MBR");
        if (!hasSignature(b)) {
            throw new DiskException(ErrorKind.CORRUPT, "MBR", BOOT_SIGNATURE, "boot signature 0x55AA missing");
        }
        return new MasterBootRecord(b.getInt(DISK_SIGNATURE) & 0xFFFFFFFFL, decode(b, 0));
    }

    private static List<Entry> decode(ByteBuffer b, long sectorOffset) {
        List<Entry> out = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            int e = ENTRIES + i * ENTRY_SIZE;
            out.add(new Entry(i + 1, b.get(e) & 0xFF, b.get(e + 4) & 0xFF, b.getInt(e + 8) & 0xFFFFFFFFL,
                    b.getInt(e + 12) & 0xFFFFFFFFL, sectorOffset + e));
        }
        return out;
    }

    /** The four primary entries, empty ones included. */
    List<Entry> entries() {
        return entries;
    }

    /** The disk signature as {@code 0x1234abcd}. */
    public String diskSignature() {
        return String.format("0x%08x", diskSignature);
    }

    /** True when an entry has type 0xEE: the disk is GPT and this MBR only protects it. */
    public boolean isProtective() {
        return entries.stream().anyMatch(e -> e.type() == MbrPartitionType.GPT_PROTECTIVE);
    }

    /**
     * The partitions: primary slots 1-4 (non-empty ones, the extended container included, as
     * {@code mbr:pN}), then the logical partitions from the EBR chain numbered from 5 like Linux.
     */
    List<TableEntry> partitions(ByteSource disk, List<Finding> findings) throws IOException {
        List<TableEntry> out = new ArrayList<>();
        Entry extended = null;
        for (Entry e : entries) {
            if (e.isEmpty()) {
                continue;
            }
            if (e.status() != 0x00 && e.status() != 0x80) {
                findings.add(new Finding("mbr.bad-status", e.offset(), String.format(
                        "MBR entry %d has status byte 0x%02x (expected 0x00 or 0x80)", e.slot(), e.status())));
            }
            out.add(toTableEntry("mbr:p" + e.slot(), e, e.firstLba()));
            if (MbrPartitionType.isExtended(e.type())) {
                if (extended == null) {
                    extended = e;
                } else {
                    findings.add(new Finding("mbr.second-extended", e.offset(),
                            "MBR entry " + e.slot() + " is a second extended partition; only the first is followed"));
                }
            }
        }
        if (extended != null) {
            readLogical(disk, extended, out, findings);
        }
        return out;
    }

    private static TableEntry toTableEntry(String id, Entry e, long absoluteLba) {
        return new TableEntry(id, absoluteLba * SECTOR, e.sectors() * SECTOR, MbrPartitionType.code(e.type()),
                MbrPartitionType.name(e.type()), Optional.empty(), Optional.empty(), e.status() == 0x80,
                MbrPartitionType.roles(e.type()), e.offset());
    }

    /**
     * Walks the EBR chain. Each EBR's entry 0 is a logical partition relative to the EBR; entry 1
     * points to the next EBR relative to the extended partition's start. The chain is cut (with a
     * finding) when it leaves the extended partition, revisits an EBR, or exceeds {@link #MAX_LOGICAL}.
     */
    private static void readLogical(ByteSource disk, Entry extended, List<TableEntry> out, List<Finding> findings)
            throws IOException {
        long extStart = extended.firstLba();
        long extEnd = extStart + extended.sectors(); // exclusive, in sectors
        long diskSectors = disk.size() / SECTOR;
        Set<Long> visited = new HashSet<>();
        long ebr = extStart;
        int number = 5;
        while (true) {
            long ebrOffset = ebr * SECTOR;
            if (ebr >= diskSectors) {
                findings.add(new Finding("mbr.ebr-beyond-disk", ebrOffset,
                        "extended boot record at sector " + ebr + " lies beyond the end of the disk; logical partitions stop here"));
                return;
            }
            if (!visited.add(ebr)) {
                findings.add(new Finding("mbr.ebr-cycle", ebrOffset,
                        "the EBR chain returns to sector " + ebr + "; logical partitions stop here"));
                return;
            }
            if (visited.size() > MAX_LOGICAL) {
                findings.add(new Finding("mbr.ebr-too-many", ebrOffset,
                        "more than " + MAX_LOGICAL + " extended boot records; logical partitions stop here"));
                return;
            }
            ByteBuffer b = disk.readBuffer(ebrOffset, SECTOR, "EBR");
            if (!hasSignature(b)) {
                findings.add(new Finding("mbr.ebr-bad-signature", ebrOffset + BOOT_SIGNATURE,
                        "extended boot record at sector " + ebr + " lacks the 0x55AA signature; logical partitions stop here"));
                return;
            }
            List<Entry> e = decode(b, ebrOffset);
            Entry logical = e.get(0);
            if (!logical.isEmpty()) {
                long abs = ebr + logical.firstLba();
                if (abs < extStart || abs + logical.sectors() > extEnd) {
                    findings.add(new Finding("mbr.logical-outside-extended", logical.offset(), "logical partition "
                            + number + " (sectors " + abs + "+" + logical.sectors() + ") is not inside the extended partition"));
                }
                out.add(toTableEntry("mbr:p" + number, logical, abs));
                number++;
            }
            Entry next = e.get(1);
            if (next.isEmpty() || !MbrPartitionType.isExtended(next.type())) {
                return;
            }
            long nextEbr = extStart + next.firstLba();
            if (nextEbr < extStart || nextEbr >= extEnd) {
                findings.add(new Finding("mbr.ebr-outside-extended", next.offset(),
                        "next EBR at sector " + nextEbr + " is outside the extended partition; logical partitions stop here"));
                return;
            }
            ebr = nextEbr;
        }
    }
}
