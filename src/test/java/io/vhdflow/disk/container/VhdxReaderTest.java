package io.vhdflow.disk.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VHDX images made by qemu-img, plus the two synthetic cases of fixtures/containers-synthetic.py
 * (an unreplayed log, a differencing disk), read by vhdflow and compared with qemu-img's reading
 * (for the log: qemu's own replay of a copy) or with the expected disk the script composed.
 */
class VhdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"dynamic.vhdx", "dynamic-default.vhdx", "fixed.vhdx", "linux.vhdx"})
    void readsLikeQemu(String name) throws Exception {
        Path img = ContainerFixtures.extract(name, dir);
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve(name + ".raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(DiskFormat.VHDX, image.format());
            ContainerFixtures.assertSameDisk(image, raw);
            Map<String, Object> facts = image.facts().orElseThrow().describe();
            assertEquals(name.startsWith("fixed") ? "fixed" : "dynamic", facts.get("type"));
            assertEquals("empty", facts.get("log"));
        }
    }

    @Test
    void dynamicBlocksThatWereNeverWrittenAreNotAllocated() throws Exception {
        try (DiskImage image = DiskImages.open(ContainerFixtures.extract("dynamic.vhdx", dir))) {
            // 1 MiB blocks; data in blocks 0, 1, 2 (the "cross" run ends 512 bytes into block 2), 5-8, 23.
            assertEquals((1L + 2 + 4 + 1) << 20, image.allocatedBytes());
        }
    }

    @Test
    void anUnappliedLogIsReplayedInMemoryLikeQemuReplaysItOnDisk() throws Exception {
        Path img = ContainerFixtures.extract("log.vhdx", dir);
        byte[] before = Files.readAllBytes(img);
        // qemu refuses to read a VHDX with a pending log read-only; `check -r all` replays it into a copy.
        Path copy = Files.copy(img, dir.resolve("replayed-by-qemu.vhdx"), StandardCopyOption.REPLACE_EXISTING);
        ContainerFixtures.qemuImg("check", "-r", "all", copy.toString());
        Path raw = ContainerFixtures.qemuRaw(copy, dir.resolve("log.raw"));
        JsonNode facts = new ObjectMapper().readTree(ContainerFixtures.text("log.vhdx.json"));
        try (DiskImage image = DiskImages.open(img)) {
            ContainerFixtures.assertSameDisk(image, raw);
            assertTrue(image.findings().stream().anyMatch(f -> f.code().equals("vhdx.log-replayed")), image.findings()
                    .toString());
            String log = (String) image.facts().orElseThrow().describe().get("log");
            assertTrue(log.contains("2 entries") && log.contains(facts.at("/sequence/0").asText() + ".."
                    + facts.at("/sequence/1").asText()), log);
            // The logged BAT update made blocks 16 and 20 present.
            assertEquals((1L + 2 + 4 + 1 + 2) << 20, image.allocatedBytes());
        }
        assertArrayEquals(before, Files.readAllBytes(img), "the input is never written");
    }

    @Test
    void aLogWithoutAValidSequenceIsRefused() throws Exception {
        Path img = ContainerFixtures.extract("log.vhdx", dir);
        byte[] b = Files.readAllBytes(img);
        // Damage the first entry's checksummed body: neither sequence is complete any more.
        b[(1 << 20) + 100] ^= 0x55;
        Files.write(img, b);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals("VHDX log", e.structure());
        assertTrue(e.getMessage().contains("no valid, complete sequence"), e.getMessage());
    }

    @Test
    void aDifferencingDiskReadsItsParentBesideItSectorBySector() throws Exception {
        Path child = ContainerFixtures.extract("diff-child.vhdx", dir);
        JsonNode expected = new ObjectMapper().readTree(ContainerFixtures.text("diff-child.vhdx.json"));
        // The synthetic child names its parent by the data write GUID of this very file.
        ContainerFixtures.extractAs("dynamic.vhdx", "diff-parent.vhdx", dir);
        assertIsTheRecordedParent(dir.resolve("diff-parent.vhdx"), expected.path("parentDataWriteGuid").asText());
        try (DiskImage image = DiskImages.open(child)) {
            assertEquals(1, image.chainDepth());
            assertEquals("differencing", image.facts().orElseThrow().describe().get("type"));
            assertEquals(expected.path("sha256").asText(), VhdFixtures.sha256(image.virtualDisk()));
        }
    }

    @Test
    void aDifferencingDiskWithTheWrongParentIsRefused() throws Exception {
        Path child = ContainerFixtures.extract("diff-child.vhdx", dir);
        ContainerFixtures.extractAs("fixed.vhdx", "diff-parent.vhdx", dir);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(child));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("parent_linkage") && e.getMessage().contains("diff-parent.vhdx"),
                e.getMessage());
    }

    @Test
    void aDifferencingDiskWithoutItsParentSaysWhereItLooked() throws Exception {
        Path child = ContainerFixtures.extract("diff-child.vhdx", dir);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(child));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("relative_path") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    /** The script made diff-parent.vhdx as a copy of dynamic.vhdx, and recorded its data write GUID. */
    private static void assertIsTheRecordedParent(Path parent, String recorded) throws Exception {
        try (DiskImage p = DiskImages.open(parent)) {
            String actual = p.facts().orElseThrow().describe().get("dataWriteGuid").toString();
            assertEquals(recorded, actual, "diff-parent.vhdx of the fixture script is dynamic.vhdx");
        }
    }
}
