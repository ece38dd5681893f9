package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Windows test images (fixtures/make-windows-images.sh: sgdisk/sfdisk, mkfs.vfat, mkntfs,
 * ntfs-3g, hivexregedit, the real regipy BCD store edited with hivex, qemu-img) verified end to end,
 * and the assertions the tests share.
 */
final class WindowsImages {
    private WindowsImages() {
    }

    static VerificationReport verify(String variant, Path dir) throws Exception {
        return new VerificationService().verify(Fixtures.extract("windows/" + variant + ".vhd.zst", dir), "azure-platform");
    }

    static CheckResult check(VerificationReport r, String id) {
        return r.check(id).orElseThrow(() -> new AssertionError("no check " + id + " in " + r.checks()));
    }

    static String evidence(CheckResult c) {
        return String.join("\n", c.evidence());
    }

    /** Asserts every line is in the check's evidence, showing the evidence when one is not. */
    static void assertEvidence(CheckResult c, String... lines) {
        String ev = evidence(c);
        for (String l : lines) {
            assertTrue(ev.contains(l), c.id() + " evidence lacks '" + l + "':\n" + ev);
        }
    }

    static void assertPassed(VerificationReport r, String... ids) {
        for (String id : ids) {
            CheckResult c = check(r, id);
            assertEquals(CheckStatus.PASS, c.status(), id + ":\n" + evidence(c));
        }
    }

    /** Failed as a warning: reported failed at SHOULD, so it does not decide the verdict. */
    static void assertWarned(VerificationReport r, String... ids) {
        for (String id : ids) {
            CheckResult c = check(r, id);
            assertEquals(CheckStatus.FAIL, c.status(), id + ":\n" + evidence(c));
            assertEquals(Severity.SHOULD, c.severity(), id + ":\n" + evidence(c));
        }
    }

    /**
     * A Windows installation over a small tree holding {@code files} (a name ending in '/' is a
     * directory), located at {@code t}, with no SOFTWARE hive and no BCD lookup.
     */
    static WindowsSystem tree(Optional<Hive> system, Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getKey().endsWith("/") ? 0 : f.getValue().length);
                tar.putArchiveEntry(e);
                if (!f.getKey().endsWith("/")) {
                    tar.write(f.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        TreeFilesystem fs = TreeFilesystem.fromTar(new ByteArrayInputStream(bytes.toByteArray()));
        return new WindowsSystem("t", fs, system, Optional.empty(), List.of(),
                new BcdLookup(Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.of("not read by this test")));
    }

    /** A registry fixture (fixtures/make-hives.sh), e.g. {@code system.hive}. */
    static Hive hive(String name, Path dir) throws IOException {
        Path p = Fixtures.extract("registry/" + name + ".zst", dir);
        return Hive.open(new ByteArraySource(Files.readAllBytes(p), name));
    }

    /** The OS checks that failed at MUST: what decided a NOT_GENERALIZED verdict. */
    static List<String> mustFailures(VerificationReport r) {
        return r.checks().stream().filter(c -> !c.id().startsWith("G") && c.failed() && c.severity() == Severity.MUST)
                .map(CheckResult::id).toList();
    }
}
