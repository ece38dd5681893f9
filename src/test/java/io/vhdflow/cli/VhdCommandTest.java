package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VhdCommandTest {

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void infoJsonShowsTheFooterAndBat(@TempDir Path dir) throws Exception {
        Path p = Fixtures.extract("vhd/dynamic.vhd.zst", dir);
        Cli.Run r = run("vhd", "info", p.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("dynamic VHD", j.get("format").asText());
        assertEquals(25165824, j.get("virtualSize").asLong());
        assertEquals("qem2", j.get("footer").get("creatorApplication").asText());
        assertEquals(6, j.get("blockAllocationTable").get("allocatedBlocks").asInt());
        Cli.Run text = run("vhd", "info", p.toString());
        assertTrue(text.out().contains("blockSize: 2.0 MiB (2097152 bytes)"), text.out());
    }

    @Test
    void checkFailsForDynamicAndPassesAfterConvert(@TempDir Path dir) throws Exception {
        Path p = Fixtures.extract("vhd/dynamic-odd.vhd.zst", dir);
        Cli.Run before = run("vhd", "check", p.toString());
        assertEquals(1, before.exit());
        assertTrue(before.out().contains("G2  fail "), before.out());
        assertTrue(before.out().contains("NOT READY"), before.out());

        Path out = dir.resolve("azure.vhd");
        Cli.Run conv = run("vhd", "convert", p.toString(), out.toString());
        assertEquals(0, conv.exit(), conv.err());
        assertTrue(conv.out().contains("md5"), conv.out());
        assertEquals(11L * (1 << 20) + 512, Files.size(out));
        Cli.Run again = run("vhd", "convert", p.toString(), out.toString());
        assertEquals(ExitCode.ENVIRONMENT, again.exit(), "existing output without --force");
        assertTrue(again.err().contains("already exists (pass -f or --force to replace it"), again.err());

        // 11 MiB now, a whole number of MiB, but below Azure's 20 MiB minimum.
        Cli.Run small = run("vhd", "check", out.toString(), "--json");
        JsonNode js = new ObjectMapper().readTree(small.out());
        assertEquals(1, small.exit());
        assertEquals("pass", js.get("checks").get(2).get("status").asText());
        assertEquals("fail", js.get("checks").get(3).get("status").asText());

        Path big = Fixtures.extract("vhd/dynamic.vhd.zst", dir);
        Cli.Run conv2 = run("vhd", "convert", "-f", "--json", big.toString(), out.toString());
        assertEquals(0, conv2.exit(), conv2.err());
        JsonNode cj = new ObjectMapper().readTree(conv2.out());
        assertEquals(out.toAbsolutePath().toString(), cj.get("output").asText());
        assertEquals(32, cj.get("md5").asText().length());
        assertEquals(24L << 20, cj.get("virtualSize").asLong());
        assertEquals(4, cj.get("dataRanges").get("rangeCount").asInt());
        Cli.Run after = run("vhd", "check", out.toString(), "--json");
        JsonNode j = new ObjectMapper().readTree(after.out());
        assertTrue(j.get("ready").asBoolean(), after.out());
        assertEquals(0, after.exit());
        assertEquals("G1", j.get("checks").get(0).get("id").asText());
        // Marketplace wants at least 30 GiB.
        assertEquals(1, run("vhd", "check", out.toString(), "--policy", "marketplace").exit());
        assertEquals(ExitCode.USAGE, run("vhd", "check", out.toString(), "--policy", "nonsense").exit());
    }

    @Test
    void mapListsTheDataRanges(@TempDir Path dir) throws Exception {
        Path p = Fixtures.extract("vhd/disk.raw.zst", dir);
        Cli.Run r = run("vhd", "map", p.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(4, j.get("rangeCount").asInt());
        assertEquals(65536 + (1 << 20) + (4 << 20) + 4096, j.get("dataBytes").asLong());
    }

    @Test
    void foreignImagesAreReadByMagicAndFailOnlyTheChecksPackagingFixes(@TempDir Path dir) throws Exception {
        Path q = Files.move(Fixtures.extract("vhd/tiny.qcow2.zst", dir), dir.resolve("x.vhd"));
        Cli.Run r = run("vhd", "info", q.toString());
        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("format: qcow2") && r.out().contains("clusterSize: 65536"), r.out());
        Cli.Run c = run("vhd", "check", q.toString());
        assertEquals(1, c.exit());
        assertTrue(c.out().contains("G2  fail ") && c.out().contains("G5  pass "), c.out());
        Path vdi = Files.move(Fixtures.extract("containers/tiny.vdi.zst", dir), dir.resolve("y.vhd"));
        Cli.Run u = run("vhd", "info", vdi.toString());
        assertEquals(ExitCode.INPUT_INVALID, u.exit(), "an image that cannot be read exits 3, as in every command");
        assertTrue(u.err().contains("VDI"), u.err());
    }

    @Test
    void progressBarLine() {
        String l = VhdCommand.ProgressBar.line(512L << 20, 1024L << 20, 2.0);
        assertTrue(l.contains("50.0%"), l);
        assertTrue(l.contains("256 MiB/s"), l);
        assertTrue(l.contains("ETA 00:02"), l);
    }
}
