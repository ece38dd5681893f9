package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.testing.ExternalTools;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OVAs assembled by the fixture script with tar around streamOptimized VMDKs: the disks are read
 * in place and compared with qemu-img's reading of the same member unpacked by tar; the OVF's
 * boot order picks the OS disk.
 */
class OvaReaderTest {
    @TempDir
    Path dir;

    @Test
    void theOsDiskIsReadInPlaceLikeQemuReadsTheUnpackedMember() throws Exception {
        Path ova = ContainerFixtures.extract("linux.ova", dir);
        Path member = untar(ova, "linux-disk1.vmdk");
        Path raw = ContainerFixtures.qemuRaw(member, dir.resolve("linux.raw"));
        try (DiskImage image = DiskImages.open(ova)) {
            assertEquals(DiskFormat.OVA, image.format());
            assertEquals(64L << 20, image.virtualSize());
            ContainerFixtures.assertSameDisk(image, raw);
            Map<String, Object> facts = image.facts().orElseThrow().describe();
            assertEquals("linux.ovf", facts.get("descriptor"));
            assertEquals("VMDK", facts.get("osDiskFormat"));
            assertTrue(image.findings().isEmpty(), image.findings().toString());
        }
    }

    @Test
    void theOvfBootOrderNamesTheOsDiskAndEveryDiskIsListed() throws Exception {
        Path ova = ContainerFixtures.extract("two-disks.ova", dir);
        List<OvaDisk> disks = DiskImages.ovaDisks(ova);
        assertEquals(List.of("system.vmdk", "data.vmdk"), disks.stream().map(OvaDisk::member).toList(),
                "SCSI 0:0 before 0:1, whatever the disk section's order");
        assertTrue(disks.get(0).osDisk());
        assertFalse(disks.get(1).osDisk());
        assertEquals(64L << 20, disks.get(0).capacity().orElseThrow());
        assertEquals("SCSI controller 0", disks.get(0).controller().orElseThrow());
        try (DiskImage image = DiskImages.open(ova)) {
            assertEquals(64L << 20, image.virtualSize());
            assertTrue(image.findings().stream().anyMatch(f -> f.code().equals("ova.more-disks")));
        }
        Path data = untar(ova, "data.vmdk");
        Path raw = ContainerFixtures.qemuRaw(data, dir.resolve("data.raw"));
        try (DiskImage image = DiskImages.openOvaDisk(ova, disks.get(1))) {
            assertEquals(DiskFormat.VMDK, image.format());
            ContainerFixtures.assertSameDisk(image, raw);
        }
    }

    @Test
    void aTarWithoutAnOvfIsNotAnOva() throws Exception {
        Path tar = tar("no-ovf.ova", Map.of("disk.vmdk", Files.readAllBytes(ContainerFixtures.extract("stream.vmdk", dir))));
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(tar));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("no .ovf"), e.getMessage());
    }

    @Test
    void aDiskTheArchiveLacksIsNamed() throws Exception {
        Path tar = tar("missing.ova", Map.of("x.ovf", ovf("gone.vmdk", "").getBytes(StandardCharsets.UTF_8)));
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(tar));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("gone.vmdk"), e.getMessage());
    }

    @Test
    void aCompressedDiskFileIsRefusedAsUnreadableInPlace() throws Exception {
        Path tar = tar("gz.ova", Map.of("x.ovf", ovf("d.vmdk.gz", " ovf:compression=\"gzip\"")
                .getBytes(StandardCharsets.UTF_8), "d.vmdk.gz", new byte[1024]));
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(tar));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void anOvfWithADoctypeIsRefusedBeforeAnyEntityIsResolved() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + ovf("d.vmdk", "").replaceFirst("<\\?xml[^>]*>", "").replace("<Info>", "<Info>&x;");
        Path tar = tar("xxe.ova", Map.of("x.ovf", xxe.getBytes(StandardCharsets.UTF_8), "d.vmdk",
                Files.readAllBytes(ContainerFixtures.extract("stream.vmdk", dir))));
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(tar));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
    }

    private Path untar(Path ova, String member) throws IOException, InterruptedException {
        ExternalTools.require("tar", "tar");
        Path out = Files.createDirectories(dir.resolve("untarred"));
        Process p = new ProcessBuilder("tar", "-xf", ova.toString(), "-C", out.toString(), member)
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, text);
        return out.resolve(member);
    }

    private Path tar(String name, Map<String, byte[]> members) throws IOException {
        Path out = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            for (Map.Entry<String, byte[]> m : new java.util.TreeMap<>(members).descendingMap().entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                t.putArchiveEntry(e);
                t.write(m.getValue());
                t.closeArchiveEntry();
            }
        }
        return out;
    }

    private static String ovf(String href, String fileAttributes) {
        return "<?xml version=\"1.0\"?><Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\""
                + " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"><References><File ovf:id=\"f1\" ovf:href=\""
                + href + "\"" + fileAttributes + "/></References><DiskSection><Info>disks</Info><Disk ovf:diskId=\"d1\""
                + " ovf:fileRef=\"f1\" ovf:capacity=\"24\" ovf:capacityAllocationUnits=\"byte * 2^20\"/></DiskSection>"
                + "</Envelope>";
    }
}
