package io.vhdflow.disk.volume;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A GPT header (primary at LBA 1, backup at the last LBA), validated.
 *
 * <pre>
 *   0x00  8  signature "EFI PART"
 *   0x08  4  revision (1.0 = 0x00010000)
 *   0x0C  4  header size (92 ... sector size)
 *   0x10  4  CRC32 of the header (header size bytes, with this field taken as zero)
 *   0x14  4  reserved, zero
 *   0x18  8  LBA of this header
 *   0x20  8  LBA of the other header
 *   0x28  8  first usable LBA
 *   0x30  8  last usable LBA
 *   0x38 16  disk GUID
 *   0x48  8  LBA of the partition entry array
 *   0x50  4  number of partition entries
 *   0x54  4  size of one entry (128 * 2^n)
 *   0x58  4  CRC32 of the entry array (entries * entry size bytes)
 * </pre>
 *
 * @param offset absolute byte offset of this header in the disk
 */
record GptHeader(long offset, int sectorSize, long myLba, long alternateLba, long firstUsableLba,
                 long lastUsableLba, String diskGuid, long entriesLba, int entryCount, int entrySize,
                 int entriesCrc) {

    static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    static final int MIN_HEADER_SIZE = 92;
    /** Far above any real table (128 entries); bounds the allocation for the entry array. */
    static final int MAX_ENTRIES = 16384;
    static final int MIN_ENTRY_SIZE = 128;
    static final int MAX_ENTRY_SIZE = 4096;
    static final int MAX_ARRAY_BYTES = 4 * 1024 * 1024;

    /** True when {@code "EFI PART"} is at LBA 1 for this sector size. */
    static boolean hasSignature(ByteSource disk, int sectorSize) throws IOException {
        if (disk.size() < 2L * sectorSize) {
            return false;
        }
        byte[] sig = disk.readBytes(sectorSize, SIGNATURE.length, "GPT header");
        return java.util.Arrays.equals(sig, SIGNATURE);
    }

    /** Reads and validates the header at {@code lba}; every failure names the header's byte offset. */
    static GptHeader read(ByteSource disk, long lba, int sectorSize, String which) throws IOException {
        String structure = which + " GPT header";
        long diskSectors = disk.size() / sectorSize;
        if (lba < 1 || lba >= diskSectors) {
            throw new DiskException(ErrorKind.CORRUPT, structure, -1, "LBA " + lba + " is outside the disk (" + diskSectors + " sectors)");
        }
        long off = lba * sectorSize;
        ByteBuffer b = disk.readBuffer(off, sectorSize, structure);
        byte[] sig = new byte[8];
        b.get(0, sig);
        if (!java.util.Arrays.equals(sig, SIGNATURE)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off, "signature \"EFI PART\" missing");
        }
        int headerSize = b.getInt(0x0C);
        if (headerSize < MIN_HEADER_SIZE || headerSize > sectorSize) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x0C, "header size " + Integer.toUnsignedString(headerSize)
                    + " outside " + MIN_HEADER_SIZE + ".." + sectorSize);
        }
        int storedCrc = b.getInt(0x10);
        byte[] h = new byte[headerSize];
        b.get(0, h);
        h[0x10] = h[0x11] = h[0x12] = h[0x13] = 0;
        CRC32 crc = new CRC32();
        crc.update(h);
        if ((int) crc.getValue() != storedCrc) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x10, String.format(
                    "header CRC32 mismatch (stored %08x, computed %08x)", storedCrc, (int) crc.getValue()));
        }
        long myLba = b.getLong(0x18);
        long alternate = b.getLong(0x20);
        long firstUsable = b.getLong(0x28);
        long lastUsable = b.getLong(0x30);
        String guid = Guid.read(b, 0x38);
        long entriesLba = b.getLong(0x48);
        int count = b.getInt(0x50);
        int size = b.getInt(0x54);
        if (myLba != lba) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x18, "header says it is at LBA " + myLba + " but was read at LBA " + lba);
        }
        if (count < 0 || count > MAX_ENTRIES) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x50, "partition entry count "
                    + Integer.toUnsignedString(count) + " outside 0.." + MAX_ENTRIES);
        }
        if (size < MIN_ENTRY_SIZE || size > MAX_ENTRY_SIZE || Integer.bitCount(size) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x54, "partition entry size "
                    + Integer.toUnsignedString(size) + " is not 128 * 2^n up to " + MAX_ENTRY_SIZE);
        }
        if ((long) count * size > MAX_ARRAY_BYTES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, off + 0x50, "partition entry array of " + count + " x " + size
                    + " bytes is larger than " + MAX_ARRAY_BYTES);
        }
        if (firstUsable < 0 || lastUsable < firstUsable || lastUsable >= diskSectors) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x28, "usable LBA range " + firstUsable + ".." + lastUsable
                    + " does not fit a disk of " + diskSectors + " sectors");
        }
        if (entriesLba < 1 || entriesLba >= diskSectors
                || (long) count * size > (diskSectors - entriesLba) * sectorSize) {
            throw new DiskException(ErrorKind.CORRUPT, structure, off + 0x48, "partition entry array at LBA " + entriesLba
                    + " does not fit in the disk");
        }
        return new GptHeader(off, sectorSize, myLba, alternate, firstUsable, lastUsable, guid, entriesLba, count,
                size, b.getInt(0x58));
    }

    /** Reads the entry array and checks its CRC32. */
    ByteBuffer readEntries(ByteSource disk, String which) throws IOException {
        long at = entriesLba * sectorSize;
        ByteBuffer arr = disk.readBuffer(at, entryCount * entrySize, which + " GPT partition entry array");
        CRC32 crc = new CRC32();
        crc.update(arr.duplicate());
        if ((int) crc.getValue() != entriesCrc) {
            throw new DiskException(ErrorKind.CORRUPT, which + " GPT partition entry array", at, String.format(
                    "CRC32 mismatch (header at byte %d says %08x, computed %08x)", offset, entriesCrc, (int) crc.getValue()));
        }
        return arr;
    }
}
