package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * A VHDX header, one of two 4 KiB copies at 64 KiB and 128 KiB (the file type identifier holds
 * the first 64 KiB). All fields are little-endian. Source: [MS-VHDX] 2.2.
 *
 * <pre>
 * File type identifier, offset 0 (64 KiB):
 * Offset Size Field
 *      0    8 signature            "vhdxfile"
 *      8  512 creator              UTF-16LE, optional, diagnostic only
 *
 * Header, offsets 64 KiB and 128 KiB (4 KiB, checksummed; the rest of each 64 KiB is reserved):
 *      0    4 signature            "head"
 *      4    4 checksum             CRC-32C of the 4 KiB with this field taken as 0
 *      8    8 sequence number      the valid header with the greater number is current
 *     16   16 file write GUID
 *     32   16 data write GUID      identity of the virtual disk's content (a child's parent_linkage)
 *     48   16 log GUID             all zero: no log to replay; else entries carrying it are valid
 *     64    2 log version          0
 *     66    2 version              1
 *     68    4 log length           a multiple of 1 MiB
 *     72    8 log offset           a multiple of 1 MiB
 *     80 4016 reserved
 * </pre>
 * GUIDs are stored as Microsoft GUIDs: Data1 (4 bytes), Data2 and Data3 (2 bytes each) little-endian,
 * Data4 (8 bytes) as is.
 *
 * @param copy           1 or 2: which header this is
 * @param sequenceNumber sequence number
 * @param fileWriteGuid  file write GUID
 * @param dataWriteGuid  data write GUID
 * @param logGuid        log GUID (all zero: no log)
 * @param logVersion     log version
 * @param version        format version
 * @param logLength      length of the log
 * @param logOffset      file offset of the log
 * @param checksum       stored CRC-32C
 */
public record VhdxHeader(int copy, long sequenceNumber, UUID fileWriteGuid, UUID dataWriteGuid, UUID logGuid,
                         int logVersion, int version, long logLength, long logOffset, int checksum) {

    static final int SIZE = 4096;
    static final long HEADER_1 = 64 * 1024;
    static final long HEADER_2 = 128 * 1024;
    static final UUID ZERO_GUID = new UUID(0, 0);
    static final long MiB = 1L << 20;

    /** The file's creator string (file type identifier), for reports. */
    static String creator(byte[] identifier) {
        String s = new String(identifier, 8, Math.min(512, identifier.length - 8), StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        return (nul >= 0 ? s.substring(0, nul) : s).strip();
    }

    /** Whether a log must be replayed before the file is read. */
    public boolean hasLog() {
        return !logGuid.equals(ZERO_GUID);
    }

    /**
     * Parses header copy {@code copy} from its 4 KiB.
     *
     * @throws DiskException when the signature or checksum is wrong
     */
    static VhdxHeader parse(byte[] b, int copy) throws DiskException {
        long at = copy == 1 ? HEADER_1 : HEADER_2;
        String s = "VHDX header " + copy;
        if (b[0] != 'h' || b[1] != 'e' || b[2] != 'a' || b[3] != 'd') {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "no \"head\" signature");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int stored = bb.getInt(4);
        int computed = crc32c(b, 0, SIZE, 4);
        if (stored != computed) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 4, String.format("CRC-32C 0x%08x stored, 0x%08x computed",
                    stored, computed));
        }
        return new VhdxHeader(copy, bb.getLong(8), guid(b, 16), guid(b, 32), guid(b, 48),
                Short.toUnsignedInt(bb.getShort(64)), Short.toUnsignedInt(bb.getShort(66)),
                Integer.toUnsignedLong(bb.getInt(68)), bb.getLong(72), stored);
    }

    /** Reads a Microsoft-format GUID at {@code at}. */
    static UUID guid(byte[] b, int at) {
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long data1 = Integer.toUnsignedLong(le.getInt(at));
        long data2 = Short.toUnsignedLong(le.getShort(at + 4));
        long data3 = Short.toUnsignedLong(le.getShort(at + 6));
        long data4 = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getLong(at + 8);
        return new UUID(data1 << 32 | data2 << 16 | data3, data4);
    }

    /**
     * CRC-32C of {@code b[from, from + len)} with the 4-byte field at {@code from + checksumAt}
     * taken as zero, as every VHDX checksum is computed.
     */
    static int crc32c(byte[] b, int from, int len, int checksumAt) {
        CRC32C c = new CRC32C();
        c.update(b, from, checksumAt);
        c.update(new byte[4]);
        c.update(b, from + checksumAt + 4, len - checksumAt - 4);
        return (int) c.getValue();
    }
}
