package io.vhdflow.disk.volume;

import io.vhdflow.disk.detect.DiskLayout;

import io.vhdflow.disk.detect.VolumeSystems;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LVM fixture (GPT, ESP, two PVs, VG vftestvg) against lvm2's own pvs/vgs/lvs reports. */
class LvmFixtureTest {
    static final String FIXTURE = "gpt-esp-lvm";

    @TempDir
    Path tmp;
    FileByteSource disk;
    DiskLayout layout;

    @BeforeEach
    void open() throws Exception {
        disk = FileByteSource.open(Fixtures.extract("volume/" + FIXTURE + ".img.zst", tmp));
        layout = VolumeSystems.open(disk);
    }

    @AfterEach
    void close() throws Exception {
        disk.close();
    }

    @Test
    void physicalVolumesMatchPvs() throws Exception {
        assertEquals(List.of(), layout.findings());
        assertEquals(1, layout.volumeGroups().size());
        LvmVolumeGroup vg = layout.volumeGroups().get(0);
        JsonNode vgs = ToolViews.lvmReport(FIXTURE, "vg").get(0);
        assertEquals(vgs.get("vg_name").asText(), vg.name());
        assertEquals(vgs.get("vg_uuid").asText(), vg.uuid());
        assertEquals(vgs.get("vg_seqno").asLong(), vg.seqno());
        assertEquals(ToolViews.bytes(vgs.get("vg_extent_size")), vg.extentSize());
        assertTrue(vg.complete());
        JsonNode pvs = ToolViews.lvmReport(FIXTURE, "pv");
        assertEquals(pvs.size(), vg.physicalVolumes().size());
        for (JsonNode p : pvs) {
            // The script recorded each PV under the id of the partition it was made on.
            String volumeId = p.get("pv_name").asText();
            LvmVolumeGroup.PhysicalVolume pv = vg.physicalVolumes().stream()
                    .filter(x -> x.uuid().equals(p.get("pv_uuid").asText())).findFirst().orElseThrow();
            assertEquals(volumeId, pv.volumeId().orElseThrow());
            assertEquals(ToolViews.bytes(p.get("pe_start")), pv.peStart());
            assertEquals(p.get("pv_pe_count").asLong(), pv.peCount());
            assertTrue(layout.volume(volumeId).orElseThrow().hasRole(VolumeRole.LVM_PV));
        }
        assertEquals(vgs.get("lv_count").asInt(), layout.logicalVolumes().size());
    }

    @Test
    void logicalVolumeSegmentsMatchLvs() throws Exception {
        LvmVolumeGroup vg = layout.volumeGroups().get(0);
        JsonNode lvs = ToolViews.lvmReport(FIXTURE, "lv");
        int segmentsSeen = 0;
        for (JsonNode row : lvs) {
            String name = row.get("lv_name").asText();
            LvmVolumeGroup.LogicalVolume lv = vg.logicalVolume(name).orElseThrow();
            assertEquals(row.get("lv_uuid").asText(), lv.uuid());
            assertEquals(ToolViews.bytes(row.get("lv_size")), lv.size());
            Volume v = layout.volume("lvm:vftestvg/" + name).orElseThrow();
            assertEquals(lv.size(), v.length());
            assertEquals(lv.size(), v.source().size());
            long segStart = ToolViews.bytes(row.get("seg_start"));
            LvmVolumeGroup.Segment seg = lv.segments().stream()
                    .filter(s -> s.startExtent() * vg.extentSize() == segStart).findFirst().orElseThrow();
            segmentsSeen++;
            assertEquals(ToolViews.bytes(row.get("seg_size")), seg.extentCount() * vg.extentSize(), name);
            assertEquals(row.get("stripes").asInt(), seg.stripes().size(), name);
            assertEquals(ToolViews.bytes(row.get("stripe_size")), seg.stripeSize(), name);
            // seg_pe_ranges: "gpt:p2:6-9 gpt:p3:0-3", one range per stripe.
            List<String> ranges = new ArrayList<>();
            for (LvmVolumeGroup.Stripe st : seg.stripes()) {
                String volumeId = vg.physicalVolumes().stream().filter(p -> p.name().equals(st.pvName()))
                        .findFirst().orElseThrow().volumeId().orElseThrow();
                long per = seg.extentCount() / seg.stripes().size();
                ranges.add(volumeId + ":" + st.startExtent() + "-" + (st.startExtent() + per - 1));
            }
            assertEquals(row.get("seg_pe_ranges").asText(), String.join(" ", ranges), name);
            String segtype = row.get("segtype").asText();
            assertEquals("lvm2:" + segtype, v.typeCode(), name);
        }
        assertEquals(lvs.size(), segmentsSeen);
        assertEquals(2, vg.logicalVolume("data").orElseThrow().segments().size(), "data was extended past var");
        assertEquals("lvm2:striped", layout.volume("lvm:vftestvg/fast").orElseThrow().typeCode());
        assertTrue(layout.volume("lvm:vftestvg/fast").orElseThrow().diskOffset().isEmpty());
        assertTrue(layout.volume("lvm:vftestvg/data").orElseThrow().diskOffset().isEmpty());
    }

    @Test
    void markersAreFoundAtTheirLogicalVolumeOffsets() throws Exception {
        String[] lines = Fixtures.text("volume/" + FIXTURE + ".markers.txt").split("\n");
        assertTrue(lines.length >= 10);
        for (String line : lines) {
            String[] p = line.split(" ");
            Volume v = layout.volume("lvm:vftestvg/" + p[0]).orElseThrow();
            long at = Long.parseLong(p[1]);
            byte[] got = v.source().readBytes(at, p[2].length(), "marker");
            assertEquals(p[2], new String(got, StandardCharsets.US_ASCII), line);
        }
    }

    @Test
    void linearSingleSegmentVolumeHasItsDiskOffset() throws Exception {
        Volume root = layout.volume("lvm:vftestvg/root").orElseThrow();
        Volume p2 = layout.volume("gpt:p2").orElseThrow();
        LvmVolumeGroup vg = layout.volumeGroups().get(0);
        long peStart = vg.physicalVolumes().stream().filter(p -> p.volumeId().orElseThrow().equals("gpt:p2"))
                .findFirst().orElseThrow().peStart();
        assertEquals(p2.diskOffset().getAsLong() + peStart, root.diskOffset().getAsLong());
        byte[] viaDisk = disk.readBytes(root.diskOffset().getAsLong(), 6, "root");
        assertEquals("root@0", new String(viaDisk, StandardCharsets.US_ASCII));
        assertEquals("vftestvg/root", root.name().orElseThrow());
        assertEquals(Boolean.TRUE, root.hasRole(VolumeRole.LVM_LV));
    }

    @Test
    void readsAcrossSegmentAndStripeBoundariesInOneCall() throws Exception {
        Volume data = layout.volume("lvm:vftestvg/data").orElseThrow();
        long boundary = 4L * 1024 * 1024;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(12);
        data.source().readFully(boundary - 4, buf, "test");
        assertEquals("data@4194300", new String(buf.array(), StandardCharsets.US_ASCII));
        Volume fast = layout.volume("lvm:vftestvg/fast").orElseThrow();
        buf = java.nio.ByteBuffer.allocate(11);
        assertEquals(11, fast.source().read(65530, buf), "a striped read continues on the next stripe");
        assertEquals("fast@65530", new String(buf.array(), 0, 10, StandardCharsets.US_ASCII));
        assertEquals(-1, fast.source().read(fast.length(), java.nio.ByteBuffer.allocate(1)));
    }

    @Test
    void swapLogicalVolumeIsFoundByItsSignature() throws Exception {
        // mkswap's header was copied into LV "swap": L14 must see swap that no partition type announces.
        assertEquals(List.of("lvm:vftestvg/swap"), layout.swapVolumes().stream().map(Volume::id).toList());
        assertTrue(layout.volume("lvm:vftestvg/root").orElseThrow().roles().equals(java.util.Set.of(VolumeRole.LVM_LV)));
    }

    @Test
    void espIsReadableBesideTheVolumeGroup() throws Exception {
        assertEquals(BootScheme.UEFI_GPT, layout.bootScheme());
        VolumeSystemsFixtureTest.assertEspReadable(layout.esp().orElseThrow(), "fat16");
    }

    @Test
    void vgcfgbackupTextParsesToTheSameGroup() throws Exception {
        // lvm2's own vgcfgbackup text of the same VG, through the same parser used for the on-disk text.
        LvmVolumeGroup fromBackup = io.vhdflow.disk.volume.lvm.LvmText.parseVolumeGroup(
                Fixtures.text("volume/" + FIXTURE + ".vgcfg.txt"));
        LvmVolumeGroup onDisk = layout.volumeGroups().get(0);
        assertEquals(onDisk.uuid(), fromBackup.uuid());
        assertEquals(onDisk.logicalVolumes().stream().map(LvmVolumeGroup.LogicalVolume::segments).toList(),
                fromBackup.logicalVolumes().stream().map(LvmVolumeGroup.LogicalVolume::segments).toList());
    }

    @Test
    void physicalVolumeOnABareDiskWithItsPartnerMissing() throws Exception {
        // Only the first PV's bytes, as if that partition had been copied out as a whole disk.
        Volume p2 = layout.volume("gpt:p2").orElseThrow();
        DiskLayout bare = VolumeSystems.open(disk.slice(p2.diskOffset().getAsLong(), p2.length(), "pv-a"));
        assertEquals(PartitionScheme.NONE, bare.scheme());
        assertTrue(bare.volume("disk").orElseThrow().hasRole(VolumeRole.LVM_PV));
        assertEquals(List.of("lvm:vftestvg/root", "lvm:vftestvg/data", "lvm:vftestvg/var", "lvm:vftestvg/swap"),
                bare.logicalVolumes().stream().map(Volume::id).toList());
        List<String> codes = bare.findings().stream().map(io.vhdflow.disk.Finding::code).toList();
        assertTrue(codes.contains("lvm.vg-incomplete"), codes.toString());
        assertTrue(codes.contains("lvm.missing-pv"), "the striped LV needs the other PV: " + codes);
        byte[] m = bare.volume("lvm:vftestvg/data").orElseThrow().source().readBytes(9437168, 12, "marker");
        assertEquals("data@9437168", new String(m, StandardCharsets.US_ASCII));
        assertTrue(bare.volume("lvm:vftestvg/root").orElseThrow().diskOffset().isPresent());
    }

    @Test
    void physicalVolumeBehindAnEmptyMbrIsStillFound() throws Exception {
        Volume p3 = layout.volume("gpt:p3").orElseThrow();
        byte[] pv = p3.source().readBytes(0, 2 * 1024 * 1024, "pv");
        pv[510] = 0x55;
        pv[511] = (byte) 0xAA;
        DiskLayout bare = VolumeSystems.open(new ByteArraySource(pv, "pv-b"));
        assertEquals(PartitionScheme.NONE, bare.scheme());
        assertTrue(bare.volume("disk").orElseThrow().hasRole(VolumeRole.LVM_PV));
        assertEquals(1, bare.volumeGroups().size());
    }
}
