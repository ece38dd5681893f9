package io.vhdflow.disk.fs.fat;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One file or directory in a FAT directory: its short (8.3) entry with the long name assembled from
 * the VFAT entries before it.
 *
 * <pre>
 * Short entry, 32 bytes:
 *   0x00  8  name, space-padded (0x00 = end of directory, 0xE5 = deleted, 0x05 = a leading 0xE5)
 *   0x08  3  extension
 *   0x0B  1  attributes: 0x01 read-only, 0x02 hidden, 0x04 system, 0x08 volume label,
 *            0x10 directory, 0x20 archive; 0x0F = long-name entry
 *   0x0C  1  case flags (Windows NT): 0x08 name in lower case, 0x10 extension in lower case
 *   0x0D  1  creation time, 10 ms units (0..199)
 *   0x0E  2  creation time; 0x10 2 creation date; 0x12 2 last access date
 *   0x14  2  first cluster, high 16 bits (FAT32)
 *   0x16  2  write time; 0x18 2 write date
 *   0x1A  2  first cluster, low 16 bits
 *   0x1C  4  file size in bytes
 * Long-name entry, 32 bytes:
 *   0x00  1  sequence number (1..20), 0x40 set on the last (first stored) entry
 *   0x01 10  characters 1-5, UTF-16LE
 *   0x0B  1  attributes 0x0F
 *   0x0D  1  checksum of the short name
 *   0x0E 12  characters 6-11
 *   0x1A  2  zero
 *   0x1C  4  characters 12-13
 * Dates: bits 15-9 year since 1980, 8-5 month, 4-0 day. Times: bits 15-11 hour, 10-5 minute,
 * 4-0 seconds / 2. FAT stores local time without a zone; it is reported as if UTC.
 * </pre>
 *
 * @param name         long name, or the short name when there is no valid long name
 * @param shortName    the 8.3 name as {@code NAME.EXT}
 * @param attributes   attribute byte
 * @param firstCluster first cluster (0 for an empty file)
 * @param size         size in bytes (0 for directories)
 * @param entryOffset  byte offset of the short entry in the volume
 */
record FatDirectoryEntry(String name, String shortName, int attributes, long firstCluster, long size,
                         Optional<Instant> modified, Optional<Instant> accessed, Optional<Instant> created,
                         long entryOffset) {

    static final int ATTR_VOLUME_LABEL = 0x08;
    static final int ATTR_DIRECTORY = 0x10;
    static final int ATTR_LONG_NAME = 0x0F;
    private static final Charset OEM = oemCharset();

    boolean isDirectory() {
        return (attributes & ATTR_DIRECTORY) != 0;
    }

    boolean matches(String wanted) {
        return name.equalsIgnoreCase(wanted) || shortName.equalsIgnoreCase(wanted);
    }

    /** What a directory's entries hold besides files: the volume label (root directory only). */
    record Parsed(List<FatDirectoryEntry> entries, Optional<String> volumeLabel) {
    }

    /**
     * Decodes a directory's bytes.
     *
     * @param offsets absolute volume offset of each 32-byte slot, parallel to the slots in {@code dir}
     */
    static Parsed parse(ByteBuffer dir, long[] offsets) {
        List<FatDirectoryEntry> out = new ArrayList<>();
        Optional<String> label = Optional.empty();
        char[] lfn = new char[20 * 13];
        int expected = 0;      // next sequence number expected, 0 when no long name is pending
        int lfnChecksum = -1;
        int lfnCount = 0;
        int slots = dir.remaining() / 32;
        for (int i = 0; i < slots; i++) {
            int e = i * 32;
            int first = dir.get(e) & 0xFF;
            if (first == 0x00) {
                break;
            }
            int attr = dir.get(e + 0x0B) & 0xFF;
            if (first == 0xE5) {
                expected = 0;
                continue;
            }
            if ((attr & 0x3F) == ATTR_LONG_NAME) {
                int seq = first & 0x1F;
                int sum = dir.get(e + 0x0D) & 0xFF;
                if ((first & 0x40) != 0 && seq >= 1 && seq <= 20) {
                    expected = seq;
                    lfnCount = seq;
                    lfnChecksum = sum;
                    java.util.Arrays.fill(lfn, '\uFFFF');
                } else if (expected == 0 || seq != expected || sum != lfnChecksum) {
                    expected = 0;
                    continue;
                }
                int base = (seq - 1) * 13;
                int[] at = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
                for (int k = 0; k < 13; k++) {
                    lfn[base + k] = (char) (dir.getShort(e + at[k]) & 0xFFFF);
                }
                expected = seq - 1;
                if (expected == 0) {
                    expected = -1; // complete: the short entry must follow
                }
                continue;
            }
            boolean longNameReady = expected == -1;
            expected = 0;
            byte[] raw = new byte[11];
            dir.get(e, raw);
            if ((attr & ATTR_VOLUME_LABEL) != 0 && (attr & ATTR_DIRECTORY) == 0) {
                label = FatBootSector.cleanLabel(new String(raw, OEM));
                continue;
            }
            String shortName = shortName(raw, dir.get(e + 0x0C) & 0xFF);
            if (shortName.equals(".") || shortName.equals("..")) {
                continue;
            }
            String name = shortName;
            if (longNameReady && checksum(raw) == lfnChecksum) {
                int len = 0;
                while (len < lfnCount * 13 && lfn[len] != 0 && lfn[len] != '\uFFFF') {
                    len++;
                }
                if (len > 0) {
                    name = new String(lfn, 0, len);
                }
            }
            long cluster = (dir.getShort(e + 0x1A) & 0xFFFFL) | (dir.getShort(e + 0x14) & 0xFFFFL) << 16;
            long size = dir.getInt(e + 0x1C) & 0xFFFFFFFFL;
            int tenths = dir.get(e + 0x0D) & 0xFF;
            out.add(new FatDirectoryEntry(name, shortName, attr, cluster, (attr & ATTR_DIRECTORY) != 0 ? 0 : size,
                    time(dir.getShort(e + 0x18), dir.getShort(e + 0x16), 0),
                    time(dir.getShort(e + 0x12), (short) 0, 0),
                    time(dir.getShort(e + 0x10), dir.getShort(e + 0x0E), tenths),
                    offsets[i]));
        }
        return new Parsed(List.copyOf(out), label);
    }

    /** The short-name checksum a long name carries to prove it belongs to this entry. */
    static int checksum(byte[] name11) {
        int sum = 0;
        for (byte b : name11) {
            sum = (((sum & 1) << 7) | ((sum & 0xFF) >>> 1)) + (b & 0xFF);
            sum &= 0xFF;
        }
        return sum;
    }

    private static String shortName(byte[] raw, int caseFlags) {
        byte[] n = raw.clone();
        if ((n[0] & 0xFF) == 0x05) {
            n[0] = (byte) 0xE5;
        }
        String base = new String(n, 0, 8, OEM).stripTrailing();
        String ext = new String(n, 8, 3, OEM).stripTrailing();
        if ((caseFlags & 0x08) != 0) {
            base = base.toLowerCase(java.util.Locale.ROOT);
        }
        if ((caseFlags & 0x10) != 0) {
            ext = ext.toLowerCase(java.util.Locale.ROOT);
        }
        return ext.isEmpty() ? base : base + "." + ext;
    }

    private static Optional<Instant> time(short date, short time, int tenMs) {
        int d = date & 0xFFFF;
        int t = time & 0xFFFF;
        if (d == 0) {
            return Optional.empty();
        }
        int year = 1980 + (d >>> 9);
        int month = (d >>> 5) & 0x0F;
        int day = d & 0x1F;
        int hour = t >>> 11;
        int minute = (t >>> 5) & 0x3F;
        int second = (t & 0x1F) * 2;
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
            return Optional.empty();
        }
        try {
            LocalDateTime ldt = LocalDateTime.of(year, month, day, hour, minute, second);
            return Optional.of(ldt.toInstant(ZoneOffset.UTC).plusMillis(Math.min(tenMs, 199) * 10L));
        } catch (java.time.DateTimeException e) {
            return Optional.empty(); // e.g. 31 February
        }
    }

    private static Charset oemCharset() {
        try {
            return Charset.forName("IBM437");
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }
}
