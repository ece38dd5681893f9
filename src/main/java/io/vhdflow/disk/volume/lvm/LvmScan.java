package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.LogicalVolume;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.PhysicalVolume;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.Segment;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup.Stripe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Finds LVM2 physical volumes among a disk's volumes, reads the newest metadata of each volume
 * group, and exposes its linear and striped logical volumes as volumes.
 */
public final class LvmScan {

    /**
     * What the scan found.
     *
     * @param groups         volume groups with at least one PV on the disk
     * @param logicalVolumes readable LVs, as volumes with ids {@code lvm:vg/lv}
     * @param pvVolumeIds    ids of the volumes that carry an LVM label
     */
    public record Result(List<LvmVolumeGroup> groups, List<Volume> logicalVolumes, Set<String> pvVolumeIds) {
    }

    /** Newest metadata seen for one VG, and where it came from. */
    private record Candidate(String vgName, ConfigValue.Section section, long seqno, String structure, long offset) {
    }

    private LvmScan() {
    }

    /** Scans {@code volumes} (partitions or the whole disk) for LVM PVs. */
    public static Result scan(List<Volume> volumes, List<Finding> findings) throws IOException {
        Map<String, Volume> pvVolumeByUuid = new LinkedHashMap<>();
        Map<String, Candidate> newest = new LinkedHashMap<>();
        Map<String, List<Long>> seqnos = new HashMap<>();
        for (Volume v : volumes) {
            if (v.hasRole(VolumeRole.EXTENDED)) {
                continue;
            }
            long base = v.diskOffset().orElse(0);
            Optional<PhysicalVolumeLabel> label;
            try {
                label = PhysicalVolumeLabel.read(v.source(), base);
            } catch (DiskException e) {
                findings.add(new Finding("lvm.label-damaged", e.offset(), v.id() + ": " + e.getMessage()));
                continue;
            }
            if (label.isEmpty()) {
                continue;
            }
            if (pvVolumeByUuid.putIfAbsent(label.get().uuid(), v) != null) {
                findings.add(new Finding("lvm.duplicate-pv", base + label.get().labelOffset(), v.id() + " carries PV "
                        + label.get().uuid() + " already seen on " + pvVolumeByUuid.get(label.get().uuid()).id()
                        + " (cloned disk?); the first is used"));
                continue;
            }
            for (PhysicalVolumeLabel.Area area : label.get().metadataAreas()) {
                String structure = "LVM metadata on " + v.id();
                try {
                    Optional<MetadataArea.Text> text = MetadataArea.readText(v.source(), area, base, findings);
                    if (text.isEmpty()) {
                        continue;
                    }
                    long at = base + area.offset();
                    // Positions in a text that wrapped around the circular buffer are approximate.
                    ConfigValue.Section root = ConfigParser.parse(text.get().text(), structure, text.get().offset());
                    Map.Entry<String, ConfigValue.Section> vg = VolumeGroupMetadata.vgSection(root, structure, at);
                    String vgUuid = vg.getValue().string("id").orElse(vg.getKey());
                    long seqno = vg.getValue().number("seqno").orElse(-1L);
                    seqnos.computeIfAbsent(vgUuid, k -> new ArrayList<>()).add(seqno);
                    Candidate c = newest.get(vgUuid);
                    if (c == null || seqno > c.seqno()) {
                        newest.put(vgUuid, new Candidate(vg.getKey(), vg.getValue(), seqno, structure, at));
                    }
                } catch (DiskException e) {
                    findings.add(new Finding("lvm.metadata-damaged", e.offset(), e.getMessage()));
                }
            }
        }
        Map<String, String> volumeIdByPvUuid = new HashMap<>();
        pvVolumeByUuid.forEach((uuid, v) -> volumeIdByPvUuid.put(uuid, v.id()));
        List<LvmVolumeGroup> groups = new ArrayList<>();
        List<Volume> lvVolumes = new ArrayList<>();
        for (Map.Entry<String, Candidate> e : newest.entrySet()) {
            Candidate c = e.getValue();
            if (seqnos.get(e.getKey()).stream().distinct().count() > 1) {
                findings.add(new Finding("lvm.metadata-seqno-mismatch", c.offset(), "VG " + c.vgName()
                        + " metadata copies disagree (seqno " + seqnos.get(e.getKey()) + "); using seqno " + c.seqno()));
            }
            LvmVolumeGroup group;
            try {
                group = VolumeGroupMetadata.build(c.vgName(), c.section(), volumeIdByPvUuid, c.structure(), c.offset(), findings);
            } catch (DiskException ex) {
                findings.add(new Finding("lvm.metadata-damaged", ex.offset(), ex.getMessage()));
                continue;
            }
            groups.add(group);
            if (!group.complete()) {
                findings.add(new Finding("lvm.vg-incomplete", c.offset(), "VG " + group.name() + " has PVs not on this disk: "
                        + group.physicalVolumes().stream().filter(p -> p.volumeId().isEmpty()).map(PhysicalVolume::uuid).toList()));
            }
            for (LogicalVolume lv : group.logicalVolumes()) {
                if (!lv.visible() || lv.unsupported().isPresent()) {
                    continue;
                }
                try {
                    toVolume(group, lv, pvVolumeByUuid, findings).ifPresent(lvVolumes::add);
                } catch (DiskException ex) {
                    findings.add(new Finding("lvm.lv-damaged", ex.offset(), "LV " + group.name() + "/" + lv.name()
                            + " cannot be read: " + ex.getMessage()));
                }
            }
        }
        for (LvmVolumeGroup g : groups) {
            checkSharedExtents(g, findings);
        }
        Set<String> pvIds = new java.util.LinkedHashSet<>();
        pvVolumeByUuid.values().forEach(v -> pvIds.add(v.id()));
        return new Result(groups, lvVolumes, pvIds);
    }

    /** Two LVs (or two segments) mapped onto the same PV extents corrupt each other; LVM never does that. */
    static void checkSharedExtents(LvmVolumeGroup g, List<Finding> findings) {
        record Run(String pv, long start, long end, String lv) {
        }
        List<Run> runs = new ArrayList<>();
        for (LogicalVolume lv : g.logicalVolumes()) {
            for (Segment s : lv.segments()) {
                if (s.stripes().isEmpty()) {
                    continue;
                }
                long per = s.extentCount() / s.stripes().size();
                for (Stripe st : s.stripes()) {
                    runs.add(new Run(st.pvName(), st.startExtent(), st.startExtent() + per, lv.name()));
                }
            }
        }
        runs.sort(java.util.Comparator.comparing(Run::pv).thenComparingLong(Run::start));
        for (int i = 1; i < runs.size(); i++) {
            Run a = runs.get(i - 1);
            Run b = runs.get(i);
            if (a.pv().equals(b.pv()) && b.start() < a.end()) {
                findings.add(new Finding("lvm.extents-shared", -1, "VG " + g.name() + ": LVs " + a.lv() + " and " + b.lv()
                        + " both map extents " + b.start() + ".." + (Math.min(a.end(), b.end()) - 1) + " of PV " + a.pv()));
            }
        }
    }

    private static Optional<Volume> toVolume(LvmVolumeGroup group, LogicalVolume lv, Map<String, Volume> pvVolumeByUuid,
                                             List<Finding> findings) throws DiskException {
        Map<String, PhysicalVolume> pvs = new HashMap<>();
        group.physicalVolumes().forEach(p -> pvs.put(p.name(), p));
        String id = "lvm:" + group.name() + "/" + lv.name();
        List<LogicalVolumeSource.Piece> pieces = new ArrayList<>();
        boolean linear = true;
        OptionalLong diskOffset = OptionalLong.empty();
        for (Segment s : lv.segments()) {
            int n = s.stripes().size();
            ByteSource[] sources = new ByteSource[n];
            long[] offsets = new long[n];
            long perStripe = s.extentCount() / n * group.extentSize();
            for (int i = 0; i < n; i++) {
                Stripe st = s.stripes().get(i);
                PhysicalVolume pv = pvs.get(st.pvName());
                Volume pvVolume = pvVolumeByUuid.get(pv.uuid().replace("-", ""));
                if (pvVolume == null) {
                    findings.add(new Finding("lvm.missing-pv", -1, "LV " + group.name() + "/" + lv.name()
                            + " needs PV " + pv.uuid() + ", which is not on this disk; the LV is not exposed"));
                    return Optional.empty();
                }
                sources[i] = pvVolume.source();
                offsets[i] = pv.peStart() + st.startExtent() * group.extentSize();
                LogicalVolumeSource.checkInside(pvVolume.source(), offsets[i], perStripe,
                        "LV " + group.name() + "/" + lv.name() + " on " + pvVolume.id());
                if (lv.segments().size() == 1 && n == 1 && pvVolume.diskOffset().isPresent()) {
                    diskOffset = OptionalLong.of(pvVolume.diskOffset().getAsLong() + offsets[i]);
                }
            }
            linear &= n == 1;
            pieces.add(new LogicalVolumeSource.Piece(s.startExtent() * group.extentSize(),
                    s.extentCount() * group.extentSize(), s.stripeSize(), sources, offsets));
        }
        LogicalVolumeSource source = new LogicalVolumeSource(id, pieces);
        return Optional.of(new Volume(id, source, diskOffset, source.size(), linear ? "lvm2:linear" : "lvm2:striped",
                linear ? "LVM2 logical volume (linear)" : "LVM2 logical volume (striped)",
                Optional.of(group.name() + "/" + lv.name()), Optional.of(lv.uuid()), false,
                EnumSet.of(VolumeRole.LVM_LV)));
    }
}
