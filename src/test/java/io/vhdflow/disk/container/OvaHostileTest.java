package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crafted OVAs: typed errors, bounded work, and no disk opened outside the archive. */
class OvaHostileTest {
    @TempDir
    Path dir;

    private DiskException rejected(Path p) {
        return ContainerFixtures.rejected(p);
    }

    private Path tar(String name, Map<String, byte[]> members) throws IOException {
        Path out = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                t.putArchiveEntry(e);
                t.write(m.getValue());
                t.closeArchiveEntry();
            }
        }
        return out;
    }

    static byte[] ovf(String href) {
        return ("<?xml version=\"1.0\"?><Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\""
                + " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"><References><File ovf:id=\"f1\" ovf:href=\""
                + href + "\"/></References><DiskSection><Info>disks</Info><Disk ovf:diskId=\"d1\" ovf:fileRef=\"f1\"/>"
                + "</DiskSection></Envelope>").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMemberRunningPastTheArchivesEndIsTruncated() throws Exception {
        byte[] disk = Files.readAllBytes(ContainerFixtures.extract("stream.vmdk", dir));
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x.ovf", ovf("d.vmdk"));
        m.put("d.vmdk", disk);
        Path ova = tar("cut.ova", m);
        byte[] b = Files.readAllBytes(ova);
        Files.write(ova, java.util.Arrays.copyOf(b, b.length - 10240 - disk.length / 2));
        DiskException e = rejected(ova);
        assertTrue(e.kind() == ErrorKind.TRUNCATED || e.kind() == ErrorKind.CORRUPT, e.toString());
    }

    @Test
    void anArchiveOfCountlessMembersIsRefusedAtTheHeaderBudget() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x.ovf", ovf("d.vmdk"));
        for (int i = 0; i < 9000; i++) {
            m.put("junk-" + i, new byte[0]);
        }
        DiskException e = rejected(tar("many.ova", m));
        assertEquals(ErrorKind.LIMIT_EXCEEDED, e.kind());
    }

    @Test
    void aDiskThatIsItselfAnOvaOrADifferencingDiskIsRefused() throws Exception {
        Path inner = ContainerFixtures.extract("linux.ova", dir);
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x.ovf", ovf("inner.ova"));
        m.put("inner.ova", Files.readAllBytes(inner));
        assertEquals(ErrorKind.UNSUPPORTED, rejected(tar("nested.ova", m)).kind());
        m = new LinkedHashMap<>();
        m.put("x.ovf", ovf("child.qcow2"));
        m.put("child.qcow2", Files.readAllBytes(ContainerFixtures.extract("child.qcow2", dir)));
        ContainerFixtures.extractAs("plain.qcow2", "base.qcow2", dir);
        DiskException e = rejected(tar("diff.ova", m));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind(), "no parent is looked for outside the archive: " + e);
    }

    @Test
    void twoDescriptorsAreRefused() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.ovf", ovf("d.vmdk"));
        m.put("b.ovf", ovf("d.vmdk"));
        m.put("d.vmdk", Files.readAllBytes(ContainerFixtures.extract("stream.vmdk", dir)));
        assertEquals(ErrorKind.UNSUPPORTED, rejected(tar("two.ova", m)).kind());
    }

    @Test
    void anOvfWithoutDisksOrNotXmlIsCorrupt() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x.ovf", "<Envelope/>".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorKind.CORRUPT, rejected(tar("nodisk.ova", m)).kind());
        m.put("x.ovf", "not xml at all <".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorKind.CORRUPT, rejected(tar("notxml.ova", m)).kind());
    }

    @Test
    void ovfProblemsNameTheDescriptorsByteInTheArchive() throws Exception {
        byte[] disk = Files.readAllBytes(ContainerFixtures.extract("stream.vmdk", dir));
        String secret = Files.writeString(dir.resolve("host-secret.txt"), "never read").toUri().toString();
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("dtd", ("<?xml version=\"1.0\"?><!DOCTYPE Envelope [<!ENTITY x SYSTEM \"" + secret + "\">]>"
                + "<Envelope>&x;</Envelope>").getBytes(StandardCharsets.UTF_8));
        cases.put("gzip", new String(ovf("d.vmdk"), StandardCharsets.UTF_8).replace("ovf:href=\"d.vmdk\"",
                "ovf:href=\"d.vmdk\" ovf:compression=\"gzip\"").getBytes(StandardCharsets.UTF_8));
        cases.put("absent", ovf("elsewhere.vmdk"));
        Map<String, ErrorKind> kinds = Map.of("dtd", ErrorKind.CORRUPT, "gzip", ErrorKind.UNSUPPORTED,
                "absent", ErrorKind.CORRUPT);
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("x.ovf", c.getValue());
            m.put("d.vmdk", disk);
            DiskException e = rejected(tar(c.getKey() + ".ova", m));
            assertEquals(kinds.get(c.getKey()), e.kind(), c.getKey() + ": " + e);
            assertEquals(512, e.offset(), c.getKey() + ": the descriptor's data follows its 512-byte tar header: " + e);
            assertTrue(e.getMessage().contains(" at byte 512: "), e.getMessage());
            assertTrue(!e.getMessage().contains("never read"), "no entity was expanded: " + e.getMessage());
        }
    }
}
