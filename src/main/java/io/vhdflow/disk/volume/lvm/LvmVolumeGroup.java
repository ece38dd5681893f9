package io.vhdflow.disk.volume.lvm;

import java.util.List;
import java.util.Optional;

/**
 * An LVM2 volume group as its metadata describes it, with where each physical volume was found.
 *
 * @param name            VG name
 * @param uuid            VG UUID as LVM prints it (with dashes)
 * @param seqno           metadata sequence number of the copy used
 * @param extentSize      extent size in bytes
 * @param physicalVolumes the PVs the metadata lists
 * @param logicalVolumes  every LV the metadata lists, hidden ones and unsupported ones included
 */
public record LvmVolumeGroup(String name, String uuid, long seqno, long extentSize,
                             List<PhysicalVolume> physicalVolumes, List<LogicalVolume> logicalVolumes) {

    public LvmVolumeGroup {
        physicalVolumes = List.copyOf(physicalVolumes);
        logicalVolumes = List.copyOf(logicalVolumes);
    }

    /** The LV with this name. */
    public Optional<LogicalVolume> logicalVolume(String lvName) {
        return logicalVolumes.stream().filter(lv -> lv.name().equals(lvName)).findFirst();
    }

    /** True when every PV of the group was found on this disk. */
    public boolean complete() {
        return physicalVolumes.stream().allMatch(pv -> pv.volumeId().isPresent());
    }

    /**
     * A physical volume of the group.
     *
     * @param name     the PV's key in the metadata ({@code pv0})
     * @param uuid     PV UUID with dashes
     * @param peStart  offset of the first extent from the PV start, in bytes
     * @param peCount  number of extents
     * @param volumeId the volume of this disk carrying the PV ({@code gpt:p2}), empty when not on this disk
     */
    public record PhysicalVolume(String name, String uuid, long peStart, long peCount, Optional<String> volumeId) {
    }

    /**
     * A logical volume.
     *
     * @param name        LV name
     * @param uuid        LV UUID
     * @param status      status flags ({@code READ}, {@code WRITE}, {@code VISIBLE}, ...)
     * @param segments    segments in LV order
     * @param size        size in bytes
     * @param unsupported why the LV cannot be read as plain data (e.g. {@code segment type thin}), empty when readable
     */
    public record LogicalVolume(String name, String uuid, List<String> status, List<Segment> segments, long size,
                                Optional<String> unsupported) {

        public LogicalVolume {
            status = List.copyOf(status);
            segments = List.copyOf(segments);
        }

        /** Hidden LVs (no {@code VISIBLE} flag) are internal parts of others: pool data, RAID images, snapshot records. */
        public boolean visible() {
            return status.contains("VISIBLE");
        }
    }

    /**
     * A run of extents of an LV.
     *
     * @param startExtent first LV extent of the segment
     * @param extentCount number of LV extents
     * @param type        segment type ({@code striped} for linear and striped; {@code thin}, {@code raid1}, ...)
     * @param stripeSize  stripe size in bytes (0 for one stripe)
     * @param stripes     the PV areas, one per stripe (empty for non-striped types)
     */
    public record Segment(long startExtent, long extentCount, String type, long stripeSize, List<Stripe> stripes) {

        public Segment {
            stripes = List.copyOf(stripes);
        }
    }

    /** One stripe of a segment: PV key and first PV extent. */
    public record Stripe(String pvName, long startExtent) {
    }
}
