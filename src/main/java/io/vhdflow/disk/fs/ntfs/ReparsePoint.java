package io.vhdflow.disk.fs.ntfs;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A {@code $REPARSE_POINT} value (attribute 0xC0, MS-FSCC 2.1.2).
 * <pre>
 *   0x00 4 reparse tag   0x04 2 data length   0x06 2 reserved   0x08 data
 * Symbolic link (0xA000000C) and mount point / junction (0xA0000003) data:
 *   +0 2 substitute name offset   +2 2 substitute name length (bytes, into the path buffer)
 *   +4 2 print name offset        +6 2 print name length
 *   [+8 4 flags, symbolic links only: 1 = relative target]
 *   then the UTF-16LE path buffer
 * </pre>
 *
 * @param tag    reparse tag
 * @param target substitute name for symlinks and mount points (e.g. {@code \??\C:\Windows})
 * @param relative whether a symlink target is relative to the link's directory
 * @param raw      the whole reparse value
 */
record ReparsePoint(int tag, Optional<String> target, boolean relative, byte[] raw) {
    static final int TAG_MOUNT_POINT = 0xA0000003;
    static final int TAG_SYMLINK = 0xA000000C;
    static final int TAG_WOF = 0x80000017;

    static ReparsePoint parse(byte[] v) {
        if (v.length < 8) {
            return new ReparsePoint(0, Optional.empty(), false, v);
        }
        int tag = AttributeRecord.i32(v, 0);
        int dataLen = Math.min(Fixups.u16(v, 4), v.length - 8);
        int header = tag == TAG_SYMLINK ? 12 : tag == TAG_MOUNT_POINT ? 8 : -1;
        if (header < 0 || dataLen < header) {
            return new ReparsePoint(tag, Optional.empty(), false, v);
        }
        int subOff = Fixups.u16(v, 8);
        int subLen = Fixups.u16(v, 10);
        boolean relative = tag == TAG_SYMLINK && (AttributeRecord.i32(v, 16) & 1) != 0;
        int start = 8 + header + subOff;
        if (subLen % 2 != 0 || start + subLen > 8 + dataLen) {
            return new ReparsePoint(tag, Optional.empty(), relative, v);
        }
        return new ReparsePoint(tag, Optional.of(new String(v, start, subLen, StandardCharsets.UTF_16LE)), relative, v);
    }

    /** Symbolic links and junctions are presented as symbolic links. */
    boolean isLink() {
        return tag == TAG_SYMLINK || tag == TAG_MOUNT_POINT;
    }

    /**
     * For a WOF reparse point: WOF_EXTERNAL_INFO (+8: u32 version, u32 provider: 1 WIM, 2 FILE) and,
     * for the FILE provider, FILE_PROVIDER_EXTERNAL_INFO_V1 (+16: u32 version, u32 algorithm:
     * 0 XPRESS4K, 1 LZX, 2 XPRESS8K, 3 XPRESS16K).
     */
    String wofDescription() {
        if (raw.length < 16) {
            return "WOF provider unknown";
        }
        int provider = AttributeRecord.i32(raw, 12);
        if (provider == 1) {
            return "WIM-backed (WIMBoot) provider";
        }
        if (provider != 2 || raw.length < 24) {
            return "WOF provider " + provider;
        }
        int alg = AttributeRecord.i32(raw, 20);
        String name = switch (alg) {
            case 0 -> "XPRESS4K";
            case 1 -> "LZX";
            case 2 -> "XPRESS8K";
            case 3 -> "XPRESS16K";
            default -> "algorithm " + alg;
        };
        return "file provider, " + name;
    }
}
