package io.vhdflow.disk.container;

/**
 * Cylinder/head/sector geometry stored in a VHD footer (offset 56, 4 bytes: cylinders u16,
 * heads u8, sectors per track u8). Azure and modern tools size a disk by the footer's current
 * size, not by this; it is kept because the spec requires it and older readers (Virtual PC,
 * qemu with the {@code vpc }/{@code qemu} creators) size the disk from it.
 */
public record DiskGeometry(int cylinders, int heads, int sectorsPerTrack) {

    /** The largest geometry the VHD spec allows: 65535 cylinders, 16 heads, 255 sectors. */
    public static final long MAX_CHS_SECTORS = 65535L * 16 * 255;

    /**
     * The geometry the VHD specification's appendix computes for {@code size} bytes. Sectors
     * beyond the largest geometry are capped, as the spec says.
     */
    public static DiskGeometry forSize(long size) {
        long totalSectors = Math.min(size / 512, MAX_CHS_SECTORS);
        int spt;
        int heads;
        long cth;
        if (totalSectors >= 65535L * 16 * 63) {
            spt = 255;
            heads = 16;
            cth = totalSectors / spt;
        } else {
            spt = 17;
            cth = totalSectors / spt;
            heads = (int) ((cth + 1023) / 1024);
            if (heads < 4) {
                heads = 4;
            }
            if (cth >= (long) heads * 1024 || heads > 16) {
                spt = 31;
                heads = 16;
                cth = totalSectors / spt;
            }
            if (cth >= (long) heads * 1024) {
                spt = 63;
                heads = 16;
                cth = totalSectors / spt;
            }
        }
        long cylinders = cth / heads;
        return new DiskGeometry((int) Math.min(cylinders, 65535), heads, spt);
    }

    /** Decodes the 4-byte footer field. */
    static DiskGeometry decode(int packed) {
        return new DiskGeometry((packed >>> 16) & 0xFFFF, (packed >>> 8) & 0xFF, packed & 0xFF);
    }

    int encode() {
        return (cylinders & 0xFFFF) << 16 | (heads & 0xFF) << 8 | (sectorsPerTrack & 0xFF);
    }

    /** Bytes addressed by this geometry: cylinders × heads × sectors × 512. */
    public long capacity() {
        return (long) cylinders * heads * sectorsPerTrack * 512;
    }

    @Override
    public String toString() {
        return cylinders + "/" + heads + "/" + sectorsPerTrack;
    }
}
