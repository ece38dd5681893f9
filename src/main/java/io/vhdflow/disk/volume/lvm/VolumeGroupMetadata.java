package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.LogicalVolume;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.PhysicalVolume;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.Segment;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.Stripe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a parsed VG configuration text into an {@link LvmVolumeGroup}, checking every number
 * against the others: extents within their PV, segments contiguous, stripe counts and sizes sane.
 * A malformed VG is a {@link DiskException}; a malformed LV only makes that LV unreadable
 * (with a finding), so one bad LV does not hide the others.
 */
final class VolumeGroupMetadata {
    static final long SECTOR = 512;
    /** LVM allows extents up to 16 GiB; a larger size is corrupt. */
    static final long MAX_EXTENT_SECTORS = 16L * 1024 * 1024 * 1024 / SECTOR;
    static final long MAX_EXTENTS = 1L << 40;
    static final int MAX_SEGMENTS = 65_536;
    static final int MAX_STRIPES = 128;
    static final int MAX_LVS = 16_384;
    static final int MAX_PVS = 4_096;
    static final Set<String> READABLE_TYPES = Set.of("striped", "linear");

    private VolumeGroupMetadata() {
    }

    /** The VG section of a metadata text: the top-level section holding {@code physical_volumes}. */
    static Map.Entry<String, ConfigValue.Section> vgSection(ConfigValue.Section root, String structure, long offset)
            throws DiskException {
        Map.Entry<String, ConfigValue.Section> found = null;
        for (Map.Entry<String, ConfigValue> e : root.entries().entrySet()) {
            if (e.getValue() instanceof ConfigValue.Section s && s.entries().containsKey("physical_volumes")) {
                if (found != null) {
                    throw new DiskException(ErrorKind.UNSUPPORTED, structure, offset, "metadata text describes more than one volume group");
                }
                found = Map.entry(e.getKey(), s);
            }
        }
        if (found == null) {
            throw new DiskException(ErrorKind.CORRUPT, structure, offset, "metadata text holds no volume group section");
        }
        return found;
    }

    static LvmVolumeGroup build(String vgName, ConfigValue.Section vg, Map<String, String> pvVolumeByUuid,
                                String structure, long offset, List<Finding> findings) throws DiskException {
        String uuid = vg.string("id").orElseThrow(() -> missing(structure, offset, vgName, "id"));
        long seqno = vg.number("seqno").orElseThrow(() -> missing(structure, offset, vgName, "seqno"));
        long extentSectors = vg.number("extent_size").orElseThrow(() -> missing(structure, offset, vgName, "extent_size"));
        if (extentSectors <= 0 || extentSectors > MAX_EXTENT_SECTORS) {
            throw new DiskException(ErrorKind.CORRUPT, structure, offset, "VG " + vgName + " extent_size " + extentSectors
                    + " sectors is outside 1.." + MAX_EXTENT_SECTORS);
        }
        long extentSize = extentSectors * SECTOR;
        ConfigValue.Section pvs = vg.section("physical_volumes")
                .orElseThrow(() -> missing(structure, offset, vgName, "physical_volumes"));
        if (pvs.entries().size() > MAX_PVS) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, "VG " + vgName + " lists more than " + MAX_PVS + " PVs");
        }
        Map<String, PhysicalVolume> pvByName = new HashMap<>();
        List<PhysicalVolume> pvList = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : pvs.entries().entrySet()) {
            if (!(e.getValue() instanceof ConfigValue.Section p)) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, "VG " + vgName + " PV " + e.getKey() + " is not a section");
            }
            String pvUuid = p.string("id").orElseThrow(() -> missing(structure, offset, e.getKey(), "id"));
            long peStart = p.number("pe_start").orElseThrow(() -> missing(structure, offset, e.getKey(), "pe_start"));
            long peCount = p.number("pe_count").orElseThrow(() -> missing(structure, offset, e.getKey(), "pe_count"));
            if (peStart < 0 || peStart > Long.MAX_VALUE / 4 / SECTOR || peCount < 0 || peCount > MAX_EXTENTS
                    || peCount > (Long.MAX_VALUE / 4) / extentSize) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, "PV " + e.getKey() + " of VG " + vgName + " has pe_start "
                        + peStart + " and pe_count " + peCount + ", out of range");
            }
            PhysicalVolume pv = new PhysicalVolume(e.getKey(), pvUuid, peStart * SECTOR, peCount,
                    Optional.ofNullable(pvVolumeByUuid.get(pvUuid.replace("-", ""))));
            pvByName.put(e.getKey(), pv);
            pvList.add(pv);
        }
        List<LogicalVolume> lvs = new ArrayList<>();
        Optional<ConfigValue.Section> lvSection = vg.section("logical_volumes");
        if (lvSection.isPresent()) {
            if (lvSection.get().entries().size() > MAX_LVS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, "VG " + vgName + " lists more than " + MAX_LVS + " LVs");
            }
            Set<String> cowStores = new HashSet<>();
            for (ConfigValue v : lvSection.get().entries().values()) {
                if (v instanceof ConfigValue.Section s) {
                    for (ConfigValue sv : s.entries().values()) {
                        if (sv instanceof ConfigValue.Section seg && "snapshot".equals(seg.string("type").orElse(""))) {
                            seg.string("cow_store").ifPresent(cowStores::add);
                        }
                    }
                }
            }
            for (Map.Entry<String, ConfigValue> e : lvSection.get().entries().entrySet()) {
                if (!(e.getValue() instanceof ConfigValue.Section s)) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, offset, "LV " + e.getKey() + " of VG " + vgName + " is not a section");
                }
                lvs.add(logicalVolume(vgName, e.getKey(), s, extentSize, pvByName, cowStores.contains(e.getKey()),
                        structure, offset, findings));
            }
        }
        return new LvmVolumeGroup(vgName, uuid, seqno, extentSize, pvList, lvs);
    }

    private static LogicalVolume logicalVolume(String vgName, String lvName, ConfigValue.Section lv, long extentSize,
                                               Map<String, PhysicalVolume> pvs, boolean isCowStore, String structure,
                                               long offset, List<Finding> findings) {
        String uuid = lv.string("id").orElse("");
        List<String> status = lv.strings("status");
        List<Segment> segments = new ArrayList<>();
        String problem = null;
        String unsupported = null;
        long extents = 0;
        try {
            long count = lv.number("segment_count").orElseThrow(() -> missing(structure, offset, lvName, "segment_count"));
            if (count < 1 || count > MAX_SEGMENTS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, "segment_count " + count + " outside 1.." + MAX_SEGMENTS);
            }
            for (int i = 1; i <= count; i++) {
                String key = "segment" + i;
                ConfigValue.Section seg = lv.section(key).orElseThrow(() -> missing(structure, offset, lvName, key));
                Segment s = segment(lvName, key, seg, extentSize, pvs, structure, offset);
                if (s.startExtent() != extents) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, offset, key + " starts at extent " + s.startExtent()
                            + " but the previous segments end at extent " + extents);
                }
                extents += s.extentCount();
                if (extents > MAX_EXTENTS || extents > Long.MAX_VALUE / 4 / extentSize) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, "LV larger than " + MAX_EXTENTS + " extents or 2^61 bytes");
                }
                segments.add(s);
                if (!READABLE_TYPES.contains(s.type()) && unsupported == null) {
                    unsupported = "segment type " + s.type();
                }
            }
        } catch (DiskException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            findings.add(new Finding("lvm.lv-damaged", offset, "LV " + vgName + "/" + lvName
                    + " cannot be read: " + problem));
            return new LogicalVolume(lvName, uuid, status, List.of(), 0, Optional.of("damaged metadata: " + problem));
        }
        if (unsupported == null && isCowStore) {
            unsupported = "snapshot (copy-on-write store)";
        }
        long size = extents * extentSize;
        if (unsupported != null && status.contains("VISIBLE")) {
            findings.add(new Finding("lvm.unsupported-lv", offset, "LV " + vgName + "/" + lvName + " is not read: "
                    + unsupported + " is not supported (only linear and striped LVs are)"));
        }
        return new LogicalVolume(lvName, uuid, status, segments, size, Optional.ofNullable(unsupported));
    }

    private static Segment segment(String lvName, String key, ConfigValue.Section seg, long extentSize,
                                   Map<String, PhysicalVolume> pvs, String structure, long offset)
            throws DiskException {
        String where = "LV " + lvName + " " + key;
        long start = seg.number("start_extent").orElseThrow(() -> missing(structure, offset, where, "start_extent"));
        long count = seg.number("extent_count").orElseThrow(() -> missing(structure, offset, where, "extent_count"));
        String type = seg.string("type").orElseThrow(() -> missing(structure, offset, where, "type"));
        if (start < 0 || start > MAX_EXTENTS || count < 1 || count > MAX_EXTENTS) {
            throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " has start_extent " + start + " and extent_count "
                    + count + ", out of range");
        }
        if (!READABLE_TYPES.contains(type)) {
            return new Segment(start, count, type, 0, List.of());
        }
        long stripeCount = seg.number("stripe_count").orElse(1L);
        if (stripeCount < 1 || stripeCount > MAX_STRIPES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, where + " stripe_count " + stripeCount + " outside 1.." + MAX_STRIPES);
        }
        long stripeSize = 0;
        if (stripeCount > 1) {
            long sectors = seg.number("stripe_size").orElseThrow(() -> missing(structure, offset, where, "stripe_size"));
            if (sectors <= 0 || Long.bitCount(sectors) != 1 || sectors * SECTOR > extentSize) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " stripe_size " + sectors
                        + " sectors is not a power of two up to the extent size");
            }
            stripeSize = sectors * SECTOR;
            if (count % stripeCount != 0) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " extent_count " + count
                        + " is not a multiple of its " + stripeCount + " stripes");
            }
        }
        List<ConfigValue> raw = seg.array("stripes").orElseThrow(() -> missing(structure, offset, where, "stripes"));
        if (raw.size() != 2 * stripeCount) {
            throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " lists " + raw.size() / 2 + " stripes but stripe_count is "
                    + stripeCount);
        }
        long perStripe = count / stripeCount;
        List<Stripe> stripes = new ArrayList<>();
        for (int i = 0; i < raw.size(); i += 2) {
            if (!(raw.get(i) instanceof ConfigValue.Str pvName) || !(raw.get(i + 1) instanceof ConfigValue.Num pvStart)) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " stripe " + i / 2 + " is not [\"pvN\", extent]");
            }
            PhysicalVolume pv = pvs.get(pvName.value());
            if (pv == null) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " uses unknown PV \"" + pvName.value() + "\"");
            }
            if (pvStart.value() < 0 || pvStart.value() > pv.peCount() || perStripe > pv.peCount() - pvStart.value()) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, where + " uses extents " + pvStart.value() + "+" + perStripe
                        + " of PV " + pv.name() + ", which has only " + pv.peCount());
            }
            stripes.add(new Stripe(pvName.value(), pvStart.value()));
        }
        return new Segment(start, count, type, stripeSize, stripes);
    }

    private static DiskException missing(String structure, long offset, String where, String key) {
        return new DiskException(ErrorKind.CORRUPT, structure, offset, where + " has no \"" + key + "\"");
    }
}
