package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The FAT boot sector and BIOS parameter block, validated, with the geometry derived from it.
 * The FAT type follows Microsoft's rule: fewer than 4085 clusters is FAT12, fewer than 65525 is
 * FAT16, otherwise FAT32.
 *
 * <pre>
 * Common BPB:
 *   0x00  3  jump instruction (EB xx 90 or E9 xx xx)
 *   0x03  8  OEM name
 *   0x0B  2  bytes per sector (512, 1024, 2048, 4096)
 *   0x0D  1  sectors per cluster (power of two, 1..128)
 *   0x0E  2  reserved sectors (>= 1; the FATs follow)
 *   0x10  1  number of FATs
 *   0x11  2  root directory entries (FAT12/16; 0 on FAT32)
 *   0x13  2  total sectors (16-bit; 0 when the 32-bit field is used)
 *   0x15  1  media descriptor (0xF0, 0xF8..0xFF)
 *   0x16  2  sectors per FAT (FAT12/16; 0 on FAT32)
 *   0x1C  4  hidden sectors
 *   0x20  4  total sectors (32-bit)
 * FAT12/16 extension:
 *   0x26  1  extended boot signature (0x29: the next three fields are valid)
 *   0x27  4  volume serial number
 *   0x2B 11  volume label
 *   0x36  8  filesystem type text (informative only)
 * FAT32 extension:
 *   0x24  4  sectors per FAT
 *   0x28  2  flags: bit 7 set = only the FAT numbered in bits 0-3 is active
 *   0x2A  2  version (0)
 *   0x2C  4  root directory first cluster
 *   0x30  2  FSInfo sector
 *   0x32  2  backup boot sector
 *   0x42  1  extended boot signature (0x29)
 *   0x43  4  volume serial number
 *   0x47 11  volume label
 *   0x52  8  filesystem type text
 *   0x1FE 2  0x55 0xAA
 * </pre>
 */
record FatBootSector(
        int bits,
        int bytesPerSector,
        int sectorsPerCluster,
        int reservedSectors,
        int fatCount,
        int rootEntryCount,
        long totalSectors,
        long fatSectors,
        int activeFat,
        long rootCluster,
        long clusterCount,
        Optional<Long> serial,
        Optional<String> label) {

    static final int MIN_FAT16_CLUSTERS = 4085;
    static final int MIN_FAT32_CLUSTERS = 65525;
    static final long MAX_FAT32_CLUSTERS = 0x0FFFFFF5L;

    int clusterSize() {
        return bytesPerSector * sectorsPerCluster;
    }

    /** Byte offset of the active FAT. */
    long fatOffset() {
        return ((long) reservedSectors + (long) activeFat * fatSectors) * bytesPerSector;
    }

    /** Byte offset of the fixed root directory (FAT12/16). */
    long rootDirOffset() {
        return ((long) reservedSectors + (long) fatCount * fatSectors) * bytesPerSector;
    }

    long rootDirBytes() {
        return (long) rootEntryCount * 32;
    }

    /** Byte offset of cluster 2, the first data cluster. */
    long dataOffset() {
        long rootSectors = (rootDirBytes() + bytesPerSector - 1) / bytesPerSector;
        return ((long) reservedSectors + (long) fatCount * fatSectors + rootSectors) * bytesPerSector;
    }

    long clusterOffset(long cluster) {
        return dataOffset() + (cluster - 2) * clusterSize();
    }

    long volumeBytes() {
        return totalSectors * bytesPerSector;
    }

    /** Reads and validates the boot sector of {@code volume}. */
    static FatBootSector read(ByteSource volume) throws IOException {
        String s = "FAT boot sector";
        if (volume.size() < 512) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0, "volume of " + volume.size() + " bytes is too small for a boot sector");
        }
        ByteBuffer b = volume.readBuffer(0, 512, s);
        int jump = b.get(0) & 0xFF;
        if (!(jump == 0xEB && (b.get(2) & 0xFF) == 0x90) && jump != 0xE9) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0, String.format("no x86 jump instruction (byte 0 is 0x%02x)", jump));
        }
        int bps = b.getShort(0x0B) & 0xFFFF;
        if (bps < 512 || bps > 4096 || Integer.bitCount(bps) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x0B, "bytes per sector " + bps + " is not 512, 1024, 2048 or 4096");
        }
        int spc = b.get(0x0D) & 0xFF;
        if (spc == 0 || Integer.bitCount(spc) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x0D, "sectors per cluster " + spc + " is not a power of two");
        }
        int reserved = b.getShort(0x0E) & 0xFFFF;
        if (reserved == 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x0E, "no reserved sectors");
        }
        int fats = b.get(0x10) & 0xFF;
        if (fats == 0 || fats > 4) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x10, "number of FATs " + fats + " outside 1..4");
        }
        int rootEntries = b.getShort(0x11) & 0xFFFF;
        int media = b.get(0x15) & 0xFF;
        if (media != 0xF0 && media < 0xF8) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x15, String.format("media descriptor 0x%02x is not 0xF0 or 0xF8..0xFF", media));
        }
        long total = b.getShort(0x13) & 0xFFFF;
        if (total == 0) {
            total = b.getInt(0x20) & 0xFFFFFFFFL;
        }
        if (total == 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x20, "total sector count is zero");
        }
        long fatSectors = b.getShort(0x16) & 0xFFFF;
        boolean fat32Layout = fatSectors == 0;
        if (fat32Layout) {
            fatSectors = b.getInt(0x24) & 0xFFFFFFFFL;
        }
        if (fatSectors == 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x16, "FAT size is zero");
        }
        long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
        long meta = reserved + fats * fatSectors + rootSectors;
        if (meta >= total) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x0E, "reserved, FAT and root directory sectors (" + meta
                    + ") leave no data area in " + total + " sectors");
        }
        long clusters = (total - meta) / spc;
        int bits = clusters < MIN_FAT16_CLUSTERS ? 12 : clusters < MIN_FAT32_CLUSTERS ? 16 : 32;
        if (bits == 32 && clusters > MAX_FAT32_CLUSTERS) {
            clusters = MAX_FAT32_CLUSTERS; // clusters beyond the FAT32 limit are unaddressable
        }
        if (bits == 32 != fat32Layout) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x16, clusters + " clusters make this FAT" + bits
                    + " but the BPB has the " + (fat32Layout ? "FAT32" : "FAT12/16") + " layout");
        }
        if ((bits == 32) == (rootEntries != 0)) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x11, "root directory entry count " + rootEntries + " is wrong for FAT" + bits);
        }
        if (fatSectors * bps * 8 / bits < clusters + 2) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0x16, "a FAT of " + fatSectors + " sectors cannot hold " + (clusters + 2) + " entries");
        }
        int activeFat = 0;
        long rootCluster = 0;
        int ext = 0x26;
        if (bits == 32) {
            int flags = b.getShort(0x28) & 0xFFFF;
            if ((flags & 0x80) != 0) {
                activeFat = flags & 0x0F;
                if (activeFat >= fats) {
                    throw new DiskException(ErrorKind.CORRUPT, s, 0x28, "active FAT " + activeFat + " but only " + fats + " FATs");
                }
            }
            rootCluster = b.getInt(0x2C) & 0xFFFFFFFFL;
            if (rootCluster < 2 || rootCluster > clusters + 1) {
                throw new DiskException(ErrorKind.CORRUPT, s, 0x2C, "root directory cluster " + rootCluster + " outside 2.." + (clusters + 1));
            }
            ext = 0x42;
        }
        Optional<Long> serial = Optional.empty();
        Optional<String> label = Optional.empty();
        int sig = b.get(ext) & 0xFF;
        if (sig == 0x29 || sig == 0x28) {
            serial = Optional.of(b.getInt(ext + 1) & 0xFFFFFFFFL);
            if (sig == 0x29) {
                byte[] l = new byte[11];
                b.get(ext + 5, l);
                label = cleanLabel(new String(l, StandardCharsets.ISO_8859_1));
            }
        }
        return new FatBootSector(bits, bps, spc, reserved, fats, rootEntries, total, fatSectors, activeFat, rootCluster,
                clusters, serial, label);
    }

    static Optional<String> cleanLabel(String raw) {
        String t = raw.strip();
        return t.isEmpty() || t.equals("NO NAME") ? Optional.empty() : Optional.of(t);
    }
}
