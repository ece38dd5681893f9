package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry value ({@code vk} cell). Layout of the cell data (after the 4-byte size):
 *
 * <pre>
 *  0 2 signature "vk"
 *  2 2 name length in bytes (0 = the key's default value)
 *  4 4 data size; bit 31 set = the data (at most 4 bytes) sits in the data offset field itself
 *  8 4 data offset (relative to the hive bins data), or the inline data
 * 12 4 data type (REG_*)
 * 16 2 flags: 0x0001 = name is one byte per character (Latin-1), otherwise UTF-16LE
 * 18 2 spare
 * 20 . name
 * </pre>
 *
 * Data larger than 16344 bytes is, from hive minor version 4 on, split across segments listed by a
 * big data ({@code db}) cell: +0 "db", +2 u16 segment count, +4 u32 offset of the segment list
 * cell (count x u32 segment cell offsets); every segment but the last holds 16344 bytes.
 */
public final class RegistryValue {
    /** Values bigger than this are refused instead of read into memory. */
    public static final int MAX_DATA = 32 * 1024 * 1024;
    static final int SEGMENT = 16344;
    private static final int FIXED = 20;

    private final Hive hive;
    private final long rel;
    private final String name;
    private final long dataSize;
    private final boolean inline;
    private final long dataField;
    private final int typeCode;

    private RegistryValue(Hive hive, long rel, String name, long dataSize, boolean inline, long dataField, int typeCode) {
        this.hive = hive;
        this.rel = rel;
        this.name = name;
        this.dataSize = dataSize;
        this.inline = inline;
        this.dataField = dataField;
        this.typeCode = typeCode;
    }

    static RegistryValue read(Hive hive, long rel) throws IOException {
        ByteBuffer c = hive.storage().cell(rel, "regf vk cell");
        long at = HiveStorage.abs(rel) + 4;
        String what = "regf vk cell at 0x" + Long.toHexString(HiveStorage.abs(rel));
        if (c.remaining() < FIXED || c.get(0) != 'v' || c.get(1) != 'k') {
            throw new DiskException(ErrorKind.CORRUPT, what, at, "not a key value (signature 'vk' expected)");
        }
        int nameLen = Short.toUnsignedInt(c.getShort(2));
        if (nameLen > c.remaining() - FIXED) {
            throw new DiskException(ErrorKind.CORRUPT, what, at + 2, "value name of " + nameLen + " bytes is longer than the cell");
        }
        int flags = Short.toUnsignedInt(c.getShort(16));
        String name = KeyNode.decodeName(c, FIXED, nameLen, (flags & 1) != 0);
        long size = Integer.toUnsignedLong(c.getInt(4));
        boolean inline = (size & 0x80000000L) != 0;
        size &= 0x7FFFFFFFL;
        if (inline && size > 4) {
            throw new DiskException(ErrorKind.CORRUPT, what, at + 4, "inline data of " + size + " bytes (at most 4 fit in the vk cell)");
        }
        return new RegistryValue(hive, rel, name, size, inline, Integer.toUnsignedLong(c.getInt(8)), c.getInt(12));
    }

    /** The value's name; {@code ""} for the key's default value. */
    public String name() {
        return name;
    }

    /** The type, {@link RegistryValueType#OTHER} for numbers this reader does not know. */
    public RegistryValueType type() {
        return RegistryValueType.of(typeCode);
    }

    /** The exact on-disk type number. */
    public int typeCode() {
        return typeCode;
    }

    /** Size of the data in bytes, as recorded in the vk cell. */
    public long dataSize() {
        return dataSize;
    }

    /** Absolute byte offset of the vk cell in the hive file. */
    public long offset() {
        return HiveStorage.abs(rel);
    }

    private String where() {
        return "regf vk cell at 0x" + Long.toHexString(offset());
    }

    /** The raw data bytes, whatever the type. */
    public byte[] asBytes() throws IOException {
        if (dataSize > MAX_DATA) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, where(), offset() + 8, "value '" + name + "' claims " + dataSize
                    + " bytes of data, more than the " + MAX_DATA + " this reader accepts");
        }
        int size = (int) dataSize;
        if (inline) {
            byte[] out = new byte[size];
            for (int i = 0; i < size; i++) {
                out[i] = (byte) (dataField >>> (8 * i));
            }
            return out;
        }
        if (size == 0) {
            return new byte[0];
        }
        HiveStorage s = hive.storage();
        ByteBuffer cell = s.cell(dataField, "regf value data cell");
        if (size > SEGMENT && hive.baseBlock().minorVersion() >= 4 && cell.remaining() >= 8
                && cell.remaining() < size && cell.get(0) == 'd' && cell.get(1) == 'b') {
            return bigData(s, cell, size);
        }
        if (size > cell.remaining()) {
            throw new DiskException(ErrorKind.CORRUPT, "regf value data cell at 0x" + Long.toHexString(HiveStorage.abs(dataField)),
                    HiveStorage.abs(dataField), "value '" + name + "' has " + size + " bytes of data but its cell holds "
                    + cell.remaining());
        }
        byte[] out = new byte[size];
        cell.get(0, out);
        return out;
    }

    private byte[] bigData(HiveStorage s, ByteBuffer db, int size) throws IOException {
        long dbAt = HiveStorage.abs(dataField);
        String what = "regf db cell at 0x" + Long.toHexString(dbAt);
        int count = Short.toUnsignedInt(db.getShort(2));
        long needed = (size + (long) SEGMENT - 1) / SEGMENT;
        if (count < needed) {
            throw new DiskException(ErrorKind.CORRUPT, what, dbAt + 6, count + " segments cannot hold the " + size
                    + " bytes of value '" + name + "' (" + needed + " needed)");
        }
        long listRel = Integer.toUnsignedLong(db.getInt(4));
        ByteBuffer list = s.cell(listRel, "regf db segment list");
        if ((long) count * 4 > list.remaining()) {
            throw new DiskException(ErrorKind.CORRUPT, "regf db segment list at 0x" + Long.toHexString(HiveStorage.abs(listRel)),
                    HiveStorage.abs(listRel), count + " segment offsets do not fit in a cell of " + list.remaining() + " bytes");
        }
        // Read (and so bound-check) every segment before allocating the result, so a db cell
        // claiming a large size costs no more memory than the segments that really exist.
        ByteBuffer[] segments = new ByteBuffer[(int) needed];
        long done = 0;
        for (int i = 0; i < needed; i++) {
            long seg = Integer.toUnsignedLong(list.getInt(i * 4));
            ByteBuffer sc = s.cell(seg, "regf db data segment");
            int n = (int) Math.min(SEGMENT, size - done);
            if (sc.remaining() < n) {
                throw new DiskException(ErrorKind.CORRUPT, "regf db data segment at 0x" + Long.toHexString(HiveStorage.abs(seg)),
                        HiveStorage.abs(seg), "segment " + i + " of value '" + name + "' holds " + sc.remaining()
                        + " bytes, " + n + " needed");
            }
            segments[i] = sc.limit(n);
            done += n;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (ByteBuffer sc : segments) {
            int n = sc.remaining();
            sc.get(0, out, at, n);
            at += n;
        }
        return out;
    }

    private DiskException wrongType(String wanted) {
        return new DiskException(ErrorKind.CORRUPT, where(), offset() + 16, "value '" + name + "' is "
                + type().regName() + " (type " + typeCode + "), not " + wanted);
    }

    /**
     * The data of a REG_SZ, REG_EXPAND_SZ or REG_LINK value as text (UTF-16LE), cut at the first
     * NUL as Windows' string APIs do.
     */
    public String asString() throws IOException {
        RegistryValueType t = type();
        if (t != RegistryValueType.SZ && t != RegistryValueType.EXPAND_SZ && t != RegistryValueType.LINK) {
            throw wrongType("a string type (REG_SZ, REG_EXPAND_SZ, REG_LINK)");
        }
        String s = utf16(asBytes());
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** The strings of a REG_MULTI_SZ value; the list ends at the first empty string. */
    public List<String> asMultiString() throws IOException {
        if (type() != RegistryValueType.MULTI_SZ) {
            throw wrongType("REG_MULTI_SZ");
        }
        String s = utf16(asBytes());
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int nul = s.indexOf('\0', start);
            int end = nul < 0 ? s.length() : nul;
            if (end == start) {
                break;
            }
            out.add(s.substring(start, end));
            start = end + 1;
        }
        return out;
    }

    /** A REG_DWORD (little-endian) or REG_DWORD_BIG_ENDIAN value, as an unsigned number. */
    public long asDword() throws IOException {
        RegistryValueType t = type();
        if (t != RegistryValueType.DWORD && t != RegistryValueType.DWORD_BIG_ENDIAN) {
            throw wrongType("REG_DWORD");
        }
        byte[] b = sized(4);
        ByteOrder order = t == RegistryValueType.DWORD ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(order).getInt());
    }

    /** A REG_QWORD value. */
    public long asQword() throws IOException {
        if (type() != RegistryValueType.QWORD) {
            throw wrongType("REG_QWORD");
        }
        return ByteBuffer.wrap(sized(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private byte[] sized(int n) throws IOException {
        if (dataSize != n) {
            throw new DiskException(ErrorKind.CORRUPT, where(), offset() + 4, "value '" + name + "' of type " + type().regName()
                    + " has " + dataSize + " bytes of data, " + n + " expected");
        }
        return asBytes();
    }

    private static String utf16(byte[] b) {
        return new String(b, 0, b.length & ~1, StandardCharsets.UTF_16LE);
    }

    @Override
    public String toString() {
        return "RegistryValue[" + name + " " + type().regName() + " " + dataSize + " bytes]";
    }
}
