package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VG text lvm2 wrote for the fixture (vgcfgbackup), extended and damaged by hand. */
class LvmMetadataTest {
    static final String TEXT = Fixtures.text("volume/gpt-esp-lvm.vgcfg.txt");

    /** The fixture text with {@code lvs} added to its logical_volumes section. */
    static String withLvs(String lvs) {
        int at = TEXT.indexOf("logical_volumes {") + "logical_volumes {".length();
        return TEXT.substring(0, at) + "\n" + lvs + "\n" + TEXT.substring(at);
    }

    static String lv(String name, String status, String... segments) {
        StringBuilder s = new StringBuilder(name + " {\n id = \"x-" + name + "\"\n status = [" + status + "]\n segment_count = "
                + segments.length + "\n");
        for (int i = 0; i < segments.length; i++) {
            s.append("segment").append(i + 1).append(" {\n").append(segments[i]).append("\n}\n");
        }
        return s.append("}\n").toString();
    }

    @Test
    void fixtureTextDescribesTheGroup() throws Exception {
        List<Finding> f = new ArrayList<>();
        LvmVolumeGroup vg = LvmText.parseVolumeGroup(TEXT, f);
        assertEquals("vftestvg", vg.name());
        assertEquals(1024 * 1024, vg.extentSize());
        assertEquals(List.of("root", "data", "var", "fast", "swap"), vg.logicalVolumes().stream().map(LvmVolumeGroup.LogicalVolume::name).toList());
        assertEquals(List.of(), f);
        assertTrue(vg.physicalVolumes().stream().allMatch(p -> p.volumeId().isEmpty()), "text alone locates no PV");
    }

    @Test
    void thinRaidCacheAndSnapshotAreReportedByNameNotRead() throws Exception {
        String text = withLvs(
                lv("pool", "\"READ\", \"WRITE\", \"VISIBLE\"", "start_extent = 0\nextent_count = 2\ntype = \"thin-pool\"\nmetadata = \"pool_tmeta\"\npool = \"pool_tdata\"")
                + lv("thinvol", "\"READ\", \"WRITE\", \"VISIBLE\"", "start_extent = 0\nextent_count = 4\ntype = \"thin\"\nthin_pool = \"pool\"\ndevice_id = 1")
                + lv("mirror", "\"READ\", \"WRITE\", \"VISIBLE\"", "start_extent = 0\nextent_count = 2\ntype = \"raid1\"\ndevice_count = 2\nraids = [\"a\", \"b\"]")
                + lv("cached", "\"READ\", \"WRITE\", \"VISIBLE\"", "start_extent = 0\nextent_count = 2\ntype = \"cache\"\ncache_pool = \"cp\"\norigin = \"x\"")
                + lv("snap", "\"READ\", \"WRITE\", \"VISIBLE\"", "start_extent = 0\nextent_count = 1\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", 26]")
                + lv("snapshot0", "\"READ\", \"WRITE\"", "start_extent = 0\nextent_count = 6\ntype = \"snapshot\"\nchunk_size = 8\norigin = \"root\"\ncow_store = \"snap\""));
        List<Finding> f = new ArrayList<>();
        LvmVolumeGroup vg = LvmText.parseVolumeGroup(text, f);
        assertEquals("segment type thin-pool", vg.logicalVolume("pool").orElseThrow().unsupported().orElseThrow());
        assertEquals("segment type thin", vg.logicalVolume("thinvol").orElseThrow().unsupported().orElseThrow());
        assertEquals("segment type raid1", vg.logicalVolume("mirror").orElseThrow().unsupported().orElseThrow());
        assertEquals("segment type cache", vg.logicalVolume("cached").orElseThrow().unsupported().orElseThrow());
        assertTrue(vg.logicalVolume("snap").orElseThrow().unsupported().orElseThrow().startsWith("snapshot"),
                "a snapshot's copy-on-write store is never read as a filesystem");
        assertFalse(vg.logicalVolume("snapshot0").orElseThrow().visible());
        assertTrue(vg.logicalVolume("root").orElseThrow().unsupported().isEmpty(), "the origin stays readable");
        List<String> reported = f.stream().filter(x -> x.code().equals("lvm.unsupported-lv")).map(Finding::detail).toList();
        assertEquals(5, reported.size(), reported.toString());
        assertTrue(reported.stream().anyMatch(d -> d.contains("vftestvg/thinvol") && d.contains("thin")));
    }

    @Test
    void absurdExtentsAndGapsMakeOnlyThatLvUnreadable() throws Exception {
        String text = withLvs(
                lv("huge", "\"VISIBLE\"", "start_extent = 0\nextent_count = 99999999999999\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", 0]")
                + lv("gap", "\"VISIBLE\"", "start_extent = 0\nextent_count = 1\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", 0]",
                        "start_extent = 5\nextent_count = 1\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", 1]")
                + lv("ghost", "\"VISIBLE\"", "start_extent = 0\nextent_count = 1\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv9\", 0]")
                + lv("past", "\"VISIBLE\"", "start_extent = 0\nextent_count = 2\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv1\", 24]")
                + lv("odd", "\"VISIBLE\"", "start_extent = 0\nextent_count = 3\ntype = \"striped\"\nstripe_count = 2\nstripe_size = 128\nstripes = [\"pv0\", 0, \"pv1\", 0]")
                + "many {\n id = \"m\"\n status = [\"VISIBLE\"]\n segment_count = 99999999\n}\n");
        List<Finding> f = new ArrayList<>();
        LvmVolumeGroup vg = LvmText.parseVolumeGroup(text, f);
        for (String name : List.of("huge", "gap", "ghost", "past", "odd", "many")) {
            assertTrue(vg.logicalVolume(name).orElseThrow().unsupported().orElseThrow().startsWith("damaged metadata"), name);
        }
        assertEquals(6, f.stream().filter(x -> x.code().equals("lvm.lv-damaged")).count(), f.toString());
        assertTrue(vg.logicalVolume("root").orElseThrow().unsupported().isEmpty());
    }

    @Test
    void absurdGroupNumbersAreTypedErrors() {
        assertThrows(DiskException.class, () -> LvmText.parseVolumeGroup(TEXT.replace("extent_size = 2048", "extent_size = 0")));
        assertThrows(DiskException.class, () -> LvmText.parseVolumeGroup(TEXT.replace("pe_count = 27", "pe_count = -5")));
        assertThrows(DiskException.class, () -> LvmText.parseVolumeGroup(TEXT.replace("pe_count = 27", "pe_count = 9223372036854775807")));
        assertThrows(DiskException.class, () -> LvmText.parseVolumeGroup("contents = \"Text Format Volume Group\"\n"));
    }

    @Test
    void sharedExtentsAreReportedByTheScan() throws Exception {
        // "var" and a forged LV both claim extent 10 of pv0.
        String text = withLvs(lv("thief", "\"VISIBLE\"", "start_extent = 0\nextent_count = 1\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", 10]"));
        LvmVolumeGroup vg = LvmText.parseVolumeGroup(text);
        List<Finding> f = new ArrayList<>();
        LvmScan.checkSharedExtents(vg, f);
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).detail().contains("thief") && f.get(0).detail().contains("var"), f.get(0).detail());
    }

    @Test
    void parserIsBoundedOnHostileText() {
        String deep = "a {".repeat(10_000) + "}".repeat(10_000);
        DiskException e = assertThrows(DiskException.class, () -> ConfigParser.parse(deep, "t", 100));
        assertTrue(e.getMessage().contains("deeper"));
        assertTrue(e.offset() > 100);
        String arrays = "a = " + "[".repeat(10_000);
        assertThrows(DiskException.class, () -> ConfigParser.parse(arrays, "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("a = \"never closed", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("a = 99999999999999999999999", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("a = 1\na = 2", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("a = [1, 2", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("}", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("a {", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("= 5", "t", -1));
        assertThrows(DiskException.class, () -> ConfigParser.parse("a = [" + "1,".repeat(300_000) + "1]", "t", -1));
    }

    @Test
    void parserReadsStringsWithEscapesNumbersAndComments() throws Exception {
        ConfigValue.Section s = ConfigParser.parse("# c\nk = \"a\\\"b\\\\c\" # tail\nn = -12\narr = [\"x\", 3]\nsub { z = 1 }\n", "t", -1);
        assertEquals("a\"b\\c", s.string("k").orElseThrow());
        assertEquals(-12L, s.number("n").orElseThrow());
        assertEquals(2, s.array("arr").orElseThrow().size());
        assertEquals(1L, s.section("sub").orElseThrow().number("z").orElseThrow());
    }
}
