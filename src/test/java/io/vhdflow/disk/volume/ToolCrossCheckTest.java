package io.vhdflow.disk.volume;

import io.vhdflow.disk.detect.DiskLayout;

import io.vhdflow.disk.detect.VolumeSystems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.fat.FatFilesystem;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the tools are installed, ask them again about the unpacked fixtures, live. Skipped elsewhere, outside CI. */
class ToolCrossCheckTest {
    @TempDir
    Path tmp;

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tool failed: " + String.join(" ", cmd));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mbr-logical", "gpt-windows", "gpt-esp-lvm"})
    void sfdiskAgreesLive(String fixture) throws Exception {
        ExternalTools.require("sfdisk", "fdisk");
        Path img = Fixtures.extract("volume/" + fixture + ".img.zst", tmp);
        JsonNode t = new ObjectMapper().readTree(run("sfdisk", "--json", img.toString())).get("partitiontable");
        try (FileByteSource disk = FileByteSource.open(img)) {
            DiskLayout layout = VolumeSystems.open(disk);
            String prefix = t.get("label").asText().equals("gpt") ? "gpt:p" : "mbr:p";
            for (JsonNode p : t.get("partitions")) {
                String n = p.get("node").asText().substring(img.toString().length());
                Volume v = layout.volume(prefix + n).orElseThrow();
                assertEquals(p.get("start").asLong() * 512, v.diskOffset().getAsLong());
                assertEquals(p.get("size").asLong() * 512, v.length());
            }
            assertEquals(t.get("partitions").size(), layout.partitions().size());
        }
    }

    @Test
    void mdirAgreesLive() throws Exception {
        ExternalTools.require("mdir", "mtools");
        Path img = Fixtures.extract("fat/fat32.img.zst", tmp);
        Set<String> expected = new TreeSet<>();
        for (String line : run("env", "MTOOLS_SKIP_CHECK=1", "mdir", "-i", img.toString(), "-/", "-b", "::/").split("\n")) {
            if (!line.isBlank()) {
                expected.add(line.substring(2));
            }
        }
        try (FileByteSource src = FileByteSource.open(img); FatFilesystem fs = FatFilesystem.open(src)) {
            Set<String> ours = new TreeSet<>();
            walk(fs, "/", ours);
            assertEquals(expected, ours);
        }
    }

    private static void walk(FatFilesystem fs, String dir, Set<String> out) throws Exception {
        for (DirEntry e : fs.list(dir)) {
            String p = (dir.equals("/") ? "/" : dir + "/") + e.name();
            out.add(e.type() == FileType.DIRECTORY ? p + "/" : p);
            if (e.type() == FileType.DIRECTORY) {
                walk(fs, p, out);
            }
        }
    }
}
