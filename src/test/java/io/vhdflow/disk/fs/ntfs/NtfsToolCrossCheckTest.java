package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Live cross-check against ntfs-3g's ntfsprogs where they are installed (skipped elsewhere). */
class NtfsToolCrossCheckTest {

    static byte[] run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timeout: " + String.join(" ", cmd));
        }
        return out;
    }

    @Test
    void ntfscatAndNtfslsAgree(@TempDir Path dir) throws Exception {
        ExternalTools.require("ntfscat", "ntfs-3g");
        ExternalTools.require("ntfsls", "ntfs-3g");
        Path img = Fixtures.extract("ntfs/ntfs-main.img.zst", dir);
        try (FileByteSource src = FileByteSource.open(img); NtfsFilesystem fs = NtfsFilesystem.open(src)) {
            for (String f : List.of("/compressed/mixed.bin", "/compressed/random.bin", "/frag/b.bin",
                    "/names/Ünïcødé-日本語-файл.txt", "/bigdir/f0123.txt")) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (InputStream in = fs.newInputStream(f)) {
                    md.update(in.readAllBytes());
                }
                byte[] theirs = run("ntfscat", img.toString(), f);
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(theirs)),
                        HexFormat.of().formatHex(md.digest()), f);
            }
            // ntfsls without -a/-s: the user-visible names, DOS names excluded
            for (String d : List.of("/bigdir", "/names", "/links")) {
                String out = new String(run("ntfsls", "-p", d, img.toString()), StandardCharsets.UTF_8);
                Set<String> theirs = out.lines().filter(l -> !l.isBlank() && !l.equals(".") && !l.equals("..")).collect(Collectors.toCollection(TreeSet::new));
                Set<String> ours = fs.list(d).stream().map(DirEntry::name).collect(Collectors.toCollection(TreeSet::new));
                assertEquals(theirs, ours, d);
            }
        }
    }
}
