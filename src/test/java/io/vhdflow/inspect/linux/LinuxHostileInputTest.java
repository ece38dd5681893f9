package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckCatalog;

import io.vhdflow.inspect.VerdictRule;

import io.vhdflow.inspect.Assessment;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.testing.TreeFilesystem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detector and the checks read untrusted images: hostile file content never escapes as an exception. */
class LinuxHostileInputTest {

    static final List<String> TARGETS = List.of("/etc/os-release", "/usr/lib/os-release", "/etc/shadow", "/etc/shadow-",
            "/etc/passwd", "/etc/login.defs", "/etc/waagent.conf", "/etc/fstab", "/etc/hostname", "/etc/machine-id",
            "/etc/sudoers.d/waagent", "/var/lib/waagent/provisioned", "/var/lib/waagent/ovf-env.xml",
            "/etc/cloud/cloud.cfg", "/etc/cloud/cloud.cfg.d/90_dpkg.cfg", "/usr/bin/dash", "/etc/resolv.conf",
            "/home/azureuser/.ssh/authorized_keys", "/root/.bash_history");

    @Provide
    Arbitrary<String> target() {
        return Arbitraries.of(TARGETS);
    }

    @Provide
    Arbitrary<byte[]> content() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
        Arbitrary<byte[]> texty = Arbitraries.strings().withChars("=:\"'\\#[]{}-&*!\n \tAzure$yxroot0123456789")
                .ofMaxLength(4096).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(random, texty);
    }

    @Property(tries = 200)
    void mutatedFilesNeverThrow(@ForAll("target") String path, @ForAll("content") byte[] data,
                                @ForAll("variant") String variant) throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/" + variant + ".tar.zst");
        fs.replaceContent(path, data);
        LinuxOs os = new LinuxOsDetector().detect(fs, "mbr:p1/ext4").orElseThrow();
        Assessment a = VerdictRule.assess(LinuxInspector.run(LinuxContext.of(fs, os)), Set.of());
        assertEquals(CheckCatalog.standard().checks(LinuxCheck.class).size(), a.checks().size());
        // Nothing but I/O trouble may stop a check; content is never a reason to crash.
        assertTrue(a.checks().stream().noneMatch(c -> c.status() == CheckStatus.NOT_RUN), a.checks().toString());
    }

    @Provide
    Arbitrary<String> variant() {
        return Arbitraries.of("generalized", "provisioned", "cloudinit-leftover");
    }

    @Test
    void symlinkLoopIsANoteNotACrash() throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(
                new String[] {"etc/", "dir"}, new String[] {"etc/fstab", "file", "/dev/sda1 / ext4 defaults 0 1\n"},
                new String[] {"etc/os-release", "link", "os-release"}, new String[] {"etc/hostname", "link", "/etc/hostname2"},
                new String[] {"etc/hostname2", "link", "hostname"}));
        LinuxOs os = new LinuxOsDetector().detect(fs, "x").orElseThrow();
        assertTrue(os.notes().stream().anyMatch(n -> n.startsWith("/etc/os-release")), os.notes().toString());
        assertEquals("unknown", os.distroId());
    }

    @Test
    void oversizedFilesAreNeverReadWhole() throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/generalized.tar.zst");
        fs.replaceContent("/var/lib/waagent/ovf-env.xml", new byte[3 << 20]);
        fs.replaceContent("/etc/shadow", new byte[2 << 20]);
        fs.replaceContent("/etc/waagent.conf", new byte[2 << 20]);
        LinuxOs os = new LinuxOsDetector().detect(fs, "mbr:p1/ext4").orElseThrow();
        assertTrue(os.notes().stream().anyMatch(n -> n.startsWith("/etc/waagent.conf: /etc/waagent.conf: 2097152 bytes")),
                os.notes().toString());
        Assessment a = VerdictRule.assess(LinuxInspector.run(LinuxContext.of(fs, os), io.vhdflow.testing.Fixtures.generalizationChecks()), Set.of());
        CheckResult l1 = a.checks().stream().filter(c -> c.id().equals("L1")).findFirst().orElseThrow();
        // Presence decides L1; the oversized content is not read.
        assertEquals(CheckStatus.FAIL, l1.status());
        assertTrue(l1.evidence().get(0).equals("mbr:p1/ext4:/var/lib/waagent/ovf-env.xml exists (3145728 bytes)"), l1.evidence().toString());
        CheckResult l6 = a.checks().stream().filter(c -> c.id().equals("L6")).findFirst().orElseThrow();
        assertEquals(CheckStatus.NOT_RUN, l6.status());
        assertTrue(l6.evidence().get(0).contains("(limit-exceeded)"), l6.evidence().toString());
        // waagent.conf could not be read: the MUST check on it does not run (no defaults assumed), and
        // L1's failure still decides.
        CheckResult l9 = a.checks().stream().filter(c -> c.id().equals("L9")).findFirst().orElseThrow();
        assertEquals(CheckStatus.NOT_RUN, l9.status());
        assertEquals(Verdict.NOT_READY, a.verdict());
        fs.replaceContent("/var/lib/waagent/ovf-env.xml", new byte[0]);
    }

    @Test
    void notALinuxRoot() throws IOException {
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(new String[] {"Windows/System32/config/SYSTEM", "file", "regf"}));
        assertEquals(Optional.empty(), new LinuxOsDetector().detect(fs, "x"));
    }

    @Test
    void anUnreadableMustCheckMakesTheVerdictCannotDetermine() throws IOException {
        TreeFilesystem tree = TreeFilesystem.fromResource("/fixtures/linux/generalized.tar.zst");
        LinuxOs os = new LinuxOsDetector().detect(tree, "gpt:p3/lvm:rootvg/root/xfs").orElseThrow();
        Filesystem broken = new Failing(tree, "/var/lib/waagent");
        Assessment a = VerdictRule.assess(LinuxInspector.run(LinuxContext.of(broken, os), io.vhdflow.testing.Fixtures.generalizationChecks()), Set.of());
        CheckResult l1 = a.checks().get(0);
        assertEquals("L1", l1.id());
        assertEquals(CheckStatus.NOT_RUN, l1.status());
        assertTrue(l1.evidence().get(0).contains("(corrupt)"), l1.evidence().toString());
        assertEquals(Verdict.CANNOT_DETERMINE, a.verdict());
        assertTrue(a.reasons().get(0).startsWith("L1 (MUST) could not run"));
    }

    /** A filesystem whose directory {@code bad} is corrupt. */
    record Failing(Filesystem inner, String bad) implements Filesystem {
        private void check(String path) throws IOException {
            if (path.startsWith(bad)) {
                throw new DiskException(ErrorKind.CORRUPT, "xfs directory block", 123456789L, "bad magic");
            }
        }

        @Override
        public String type() {
            return inner.type();
        }

        @Override
        public Optional<String> label() {
            return Optional.empty();
        }

        @Override
        public Optional<String> uuid() {
            return Optional.empty();
        }

        @Override
        public FileAttributes stat(String path) throws IOException {
            check(path);
            return inner.stat(path);
        }

        @Override
        public FileAttributes lstat(String path) throws IOException {
            check(path);
            return inner.lstat(path);
        }

        @Override
        public List<DirEntry> list(String path) throws IOException {
            check(path);
            return inner.list(path);
        }

        @Override
        public InputStream newInputStream(String path) throws IOException {
            check(path);
            return inner.newInputStream(path);
        }

        @Override
        public io.vhdflow.disk.container.ByteSource open(String path) throws IOException {
            check(path);
            return inner.open(path);
        }

        @Override
        public String readlink(String path) throws IOException {
            check(path);
            return inner.readlink(path);
        }
    }

    /** A tar stream of {name, kind, content-or-target} entries. */
    static InputStream tar(String[]... entries) throws IOException {
        return TreeFilesystem.tar(entries);
    }
}
