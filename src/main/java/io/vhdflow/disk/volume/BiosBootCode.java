package io.vhdflow.disk.volume;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a BIOS would start from this disk: the boot code in sector 0 (bytes 0-439, before the disk
 * signature and the partition table) and, when it is GRUB 2's {@code boot.img}, the core image it
 * loads. Read only, four sectors at most; the check that judges it is G11.
 *
 * <p>GRUB 2 layout (grub-core/boot/i386/pc/boot.S, diskboot.S; include/grub/i386/pc/boot.h):
 * <pre>
 * boot.img (sector 0)
 *   0x05C  8  kernel_sector: LBA of core.img's first sector (diskboot.img)
 *   0x17D ... "GRUB \0Geom\0Hard Disk\0Read\0 Error" (its messages)
 * diskboot.img (core.img's first sector)
 *   0x1F4  8  blocklist start: LBA of the rest of core.img
 *   0x1FC  2  blocklist length, in sectors
 *   0x1FE  2  blocklist segment
 *   ...        "loading", "Geom", "Read", " Error" (its messages)
 * lzma_decompress.img (the blocklist's first sector; grub-core/boot/i386/pc/startup_raw.S)
 *   0x008  4  compressed_size: the LZMA-compressed kernel and modules that follow the decompressor
 * </pre>
 *
 * @param nonZeroBytes    how many of the 440 boot code bytes are not zero (0: no boot code at all)
 * @param loader          what the code is, when recognised
 * @param grubCoreSector  GRUB's kernel_sector, when the code is GRUB's
 * @param grubCore        the core image's first sector as read there, when the code is GRUB's and the
 *                        sector lies within the disk
 */
public record BiosBootCode(int nonZeroBytes, Loader loader, Optional<Long> grubCoreSector, Optional<GrubCore> grubCore) {

    static final int SECTOR = 512;
    /** Boot code bytes in an MBR: the rest of the sector is the disk signature, the table and 0x55AA. */
    public static final int CODE_BYTES = MasterBootRecord.DISK_SIGNATURE;
    static final int GRUB_KERNEL_SECTOR = 0x5C;
    static final int DISKBOOT_BLOCKLIST = 0x1F4;

    /** Boot code families told apart by the messages they carry. */
    public enum Loader {
        /** Bytes 0-439 all zero: nothing for a BIOS to run. */
        NONE("no boot code"),
        GRUB2("GRUB 2 boot.img"),
        WINDOWS("Windows MBR boot code"),
        SYSLINUX("SYSLINUX MBR boot code"),
        UNKNOWN("boot code vhdflow does not recognise");

        private final String description;

        Loader(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * GRUB's core image as found at {@code kernel_sector}.
     *
     * @param diskboot       whether the sector is diskboot.img (carries its messages)
     * @param blocklistStart where diskboot.img loads the rest of core.img from (LBA)
     * @param blocklistSectors how many sectors it loads
     * @param firstBlockHasData whether the first sector of that rest holds any non-zero byte
     * @param lastBlockHasData  whether its last sector does: grub-bios-setup writes exactly the core
     *                          image, so a zero last sector means the length was damaged, or the tail
     *                          of the image wiped
     * @param compressedSize    the decompressor's compressed_size, when its sector was read: the
     *                          blocklist must load at least that much after the decompressor
     */
    public record GrubCore(boolean diskboot, long blocklistStart, int blocklistSectors, boolean firstBlockHasData,
                           boolean lastBlockHasData, Optional<Long> compressedSize) {
    }
    static final int STARTUP_COMPRESSED_SIZE = 0x08;

    /** Reads sector 0 of {@code disk} and, for GRUB, the core image's first sector and first block. */
    public static BiosBootCode read(ByteSource disk) throws IOException {
        if (disk.size() < SECTOR) {
            return new BiosBootCode(0, Loader.NONE, Optional.empty(), Optional.empty());
        }
        byte[] s0 = disk.readBytes(0, SECTOR, "MBR boot code");
        int nonZero = 0;
        for (int i = 0; i < CODE_BYTES; i++) {
            nonZero += s0[i] != 0 ? 1 : 0;
        }
        if (nonZero == 0) {
            return new BiosBootCode(0, Loader.NONE, Optional.empty(), Optional.empty());
        }
        String text = new String(s0, 0, CODE_BYTES, StandardCharsets.ISO_8859_1);
        Loader loader = grubMessages(text) >= 3 ? Loader.GRUB2
                : text.contains("Invalid partition table") || text.contains("Error loading operating system")
                ? Loader.WINDOWS
                : text.contains("Multiple active partitions") ? Loader.SYSLINUX
                : Loader.UNKNOWN;
        if (loader != Loader.GRUB2) {
            return new BiosBootCode(nonZero, loader, Optional.empty(), Optional.empty());
        }
        long kernelSector = ByteBuffer.wrap(s0).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(GRUB_KERNEL_SECTOR);
        long sectors = disk.size() / SECTOR;
        if (kernelSector <= 0 || kernelSector >= sectors) {
            return new BiosBootCode(nonZero, loader, Optional.of(kernelSector), Optional.empty());
        }
        byte[] core = disk.readBytes(kernelSector * SECTOR, SECTOR, "GRUB core.img (diskboot.img)");
        String coreText = new String(core, StandardCharsets.ISO_8859_1);
        boolean diskboot = coreText.contains("loading\0") && coreText.contains(" Error");
        ByteBuffer b = ByteBuffer.wrap(core).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long start = b.getLong(DISKBOOT_BLOCKLIST);
        int length = Short.toUnsignedInt(b.getShort(DISKBOOT_BLOCKLIST + 8));
        boolean first = false;
        boolean last = false;
        Optional<Long> compressed = Optional.empty();
        if (diskboot && start > 0 && length > 0 && start + length <= sectors) {
            byte[] startup = disk.readBytes(start * SECTOR, SECTOR, "GRUB core.img (lzma_decompress.img)");
            first = hasData(startup);
            compressed = Optional.of(Integer.toUnsignedLong(ByteBuffer.wrap(startup)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(STARTUP_COMPRESSED_SIZE)));
            last = hasData(disk.readBytes((start + length - 1) * SECTOR, SECTOR, "GRUB core.img sector "
                    + (start + length - 1)));
        }
        return new BiosBootCode(nonZero, loader, Optional.of(kernelSector),
                Optional.of(new GrubCore(diskboot, start, length, first, last, compressed)));
    }

    /** How many of boot.img's five messages are intact: a damaged one is data, not code, so three tell GRUB. */
    static int grubMessages(String code) {
        int n = 0;
        for (String m : new String[] {"GRUB \0", "Geom\0", "Hard Disk\0", "Read\0", " Error\r\n"}) {
            n += code.contains(m) ? 1 : 0;
        }
        return n;
    }

    private static boolean hasData(byte[] sector) {
        for (byte x : sector) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }
}
