package io.vhdflow.disk.volume;

import io.vhdflow.disk.detect.DiskLayout;

import io.vhdflow.disk.detect.VolumeSystems;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.fat.FatFilesystem;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our view of each fixture disk against sfdisk's and sgdisk's, recorded when the fixture was made. */
class VolumeSystemsFixtureTest {

    @TempDir
    Path tmp;

    private FileByteSource open(String fixture) throws Exception {
        return FileByteSource.open(Fixtures.extract("volume/" + fixture + ".img.zst", tmp));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mbr-single", "mbr-logical", "gpt-esp-root", "gpt-windows", "gpt-esp-lvm", "gpt-corrupt-primary", "gpt-4k"})
    void partitionsMatchSfdisk(String fixture) throws Exception {
        try (FileByteSource disk = open(fixture)) {
            DiskLayout layout = VolumeSystems.open(disk);
            var table = ToolViews.sfdisk(fixture);
            boolean gpt = table.get("label").asText().equals("gpt");
            long sector = table.get("sectorsize").asLong();
            assertEquals(gpt ? PartitionScheme.GPT : PartitionScheme.MBR, layout.scheme());
            assertEquals(table.get("id").asText().toUpperCase(), layout.diskId().orElseThrow().toUpperCase());
            List<ToolViews.SfdiskPartition> expected = ToolViews.sfdiskPartitions(fixture);
            Map<String, Volume> ours = layout.partitions().stream().collect(Collectors.toMap(Volume::id, Function.identity()));
            assertEquals(expected.size(), ours.size(), "partition count: " + ours.keySet());
            for (ToolViews.SfdiskPartition p : expected) {
                String id = (gpt ? "gpt:p" : "mbr:p") + p.number();
                Volume v = ours.get(id);
                assertTrue(v != null, "missing " + id + " in " + ours.keySet());
                assertEquals(p.start() * sector, v.diskOffset().getAsLong(), id + " start");
                assertEquals(p.size() * sector, v.length(), id + " length");
                assertEquals(p.size() * sector, v.source().size(), id + " source size");
                if (gpt) {
                    assertEquals(p.type(), v.typeCode(), id + " type");
                    assertEquals(p.uuid(), v.uuid().orElseThrow(), id + " uuid");
                    assertEquals(p.name(), v.name().orElse(null), id + " name");
                } else {
                    assertEquals(Integer.parseInt(p.type(), 16), Integer.decode(v.typeCode()), id + " type");
                    assertEquals(p.bootable(), v.bootable(), id + " active flag");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-esp-root", "gpt-windows", "gpt-esp-lvm", "gpt-corrupt-primary", "gpt-4k"})
    void gptMatchesSgdisk(String fixture) throws Exception {
        try (FileByteSource disk = open(fixture)) {
            DiskLayout layout = VolumeSystems.open(disk);
            assertEquals(ToolViews.sgdiskDiskGuid(fixture), layout.diskId().orElseThrow());
            List<ToolViews.SgdiskRow> rows = ToolViews.sgdiskRows(fixture);
            assertFalse(rows.isEmpty());
            long sector = ToolViews.sfdisk(fixture).get("sectorsize").asLong();
            for (ToolViews.SgdiskRow r : rows) {
                Volume v = layout.volume("gpt:p" + r.number()).orElseThrow();
                assertEquals(r.start() * sector, v.diskOffset().getAsLong());
                assertEquals((r.end() - r.start() + 1) * sector, v.length());
                String name = v.name().orElse("");
                if (r.name().endsWith("...")) {
                    assertTrue(name.startsWith(r.name().substring(0, r.name().length() - 3).strip()), name);
                } else {
                    assertEquals(r.name(), name);
                }
            }
        }
    }

    @Test
    void mbrSingleIsGeneration1WithNothingInTheFirst2MiB() throws Exception {
        try (FileByteSource disk = open("mbr-single")) {
            DiskLayout layout = VolumeSystems.open(disk);
            assertEquals(BootScheme.BIOS_MBR, layout.bootScheme());
            assertEquals(HyperVGeneration.V1, layout.hyperVGeneration().orElseThrow());
            assertFalse(layout.partitionStartsInFirst2MiB());
            Volume p1 = layout.volume("mbr:p1").orElseThrow();
            assertTrue(p1.bootable());
            assertEquals("Linux", p1.typeName());
            assertTrue(p1.hasRole(VolumeRole.LINUX_FILESYSTEM));
            assertEquals(List.of(), layout.findings());
        }
    }

    @Test
    void mbrLogicalPartitionsFollowTheEbrChain() throws Exception {
        try (FileByteSource disk = open("mbr-logical")) {
            DiskLayout layout = VolumeSystems.open(disk);
            assertEquals(List.of("mbr:p1", "mbr:p2", "mbr:p3", "mbr:p5", "mbr:p6", "mbr:p7", "mbr:p8"),
                    layout.volumes().stream().map(Volume::id).toList());
            assertTrue(layout.volume("mbr:p3").orElseThrow().hasRole(VolumeRole.EXTENDED));
            assertEquals(List.of("mbr:p5"), layout.swapVolumes().stream().map(Volume::id).toList());
            assertTrue(layout.volume("mbr:p6").orElseThrow().hasRole(VolumeRole.LVM_PV));
            assertTrue(layout.volume("mbr:p7").orElseThrow().hasRole(VolumeRole.BASIC_DATA));
            assertTrue(layout.volume("mbr:p2").orElseThrow().hasRole(VolumeRole.BASIC_DATA));
            // mkswap wrote its signature at the end of the first page of p5: the slice reads the right bytes.
            byte[] magic = layout.volume("mbr:p5").orElseThrow().source().readBytes(4086, 10, "swap header");
            assertEquals("SWAPSPACE2", new String(magic, StandardCharsets.US_ASCII));
            assertEquals(List.of(), layout.findings(), "the extended container is not an overlap");
            assertTrue(layout.partitionStartsInFirst2MiB());
            assertEquals(List.of("mbr:p1"), layout.partitionsInFirst2MiB().stream().map(Volume::id).toList());
        }
    }

    @Test
    void ubuntuShapeGptBootsBothWaysAndHasSwap() throws Exception {
        try (FileByteSource disk = open("gpt-esp-root")) {
            DiskLayout layout = VolumeSystems.open(disk);
            assertEquals(BootScheme.HYBRID_GPT, layout.bootScheme());
            assertEquals(HyperVGeneration.V2, layout.hyperVGeneration().orElseThrow());
            assertEquals("gpt:p15", layout.esp().orElseThrow().id());
            assertEquals("EFI System", layout.esp().orElseThrow().typeName());
            assertTrue(layout.volume("gpt:p14").orElseThrow().hasRole(VolumeRole.BIOS_BOOT));
            assertTrue(layout.volume("gpt:p1").orElseThrow().hasRole(VolumeRole.LINUX_FILESYSTEM));
            assertEquals(List.of("gpt:p2"), layout.swapVolumes().stream().map(Volume::id).toList(), "by its type GUID");
            assertEquals(List.of("gpt:p14"), layout.partitionsInFirst2MiB().stream().map(Volume::id).toList());
            assertEquals(List.of(), layout.findings());
            assertEspReadable(layout.esp().orElseThrow(), "fat16");
        }
    }

    @Test
    void windowsShapeGptIsGeneration2() throws Exception {
        try (FileByteSource disk = open("gpt-windows")) {
            DiskLayout layout = VolumeSystems.open(disk);
            assertEquals(BootScheme.UEFI_GPT, layout.bootScheme());
            assertEquals(HyperVGeneration.V2, layout.hyperVGeneration().orElseThrow());
            assertEquals(Set.of(VolumeRole.WINDOWS_RECOVERY), layout.volume("gpt:p1").orElseThrow().roles());
            assertEquals(Set.of(VolumeRole.ESP), layout.volume("gpt:p2").orElseThrow().roles());
            assertEquals(Set.of(VolumeRole.MSR), layout.volume("gpt:p3").orElseThrow().roles());
            assertEquals(Set.of(VolumeRole.BASIC_DATA), layout.volume("gpt:p4").orElseThrow().roles());
            assertEquals("Microsoft reserved", layout.volume("gpt:p3").orElseThrow().typeName());
            assertEquals("Microsoft reserved partition", layout.volume("gpt:p3").orElseThrow().name().orElseThrow());
            assertTrue(layout.swapVolumes().isEmpty());
            assertEspReadable(layout.esp().orElseThrow(), "fat32");
        }
    }

    @Test
    void damagedPrimaryGptIsReadFromTheBackupWithAFinding() throws Exception {
        try (FileByteSource disk = open("gpt-corrupt-primary")) {
            assertTrue(Fixtures.text("volume/gpt-corrupt-primary.sgdisk-v.txt").contains("Main header: ERROR"),
                    "sgdisk itself saw the damage");
            DiskLayout layout = VolumeSystems.open(disk);
            List<Finding> f = layout.findings();
            assertEquals(1, f.size(), f.toString());
            assertEquals("gpt.primary-damaged", f.get(0).code());
            assertEquals(512 + 0x10, f.get(0).offset(), "points at the primary header's CRC field");
            assertEquals(List.of("gpt:p1", "gpt:p2"), layout.volumes().stream().map(Volume::id).toList());
            assertEquals(HyperVGeneration.V2, layout.hyperVGeneration().orElseThrow());
        }
    }

    @Test
    void wholeDiskFatHasNoPartitionTable() throws Exception {
        try (FileByteSource disk = FileByteSource.open(Fixtures.extract("fat/fat16.img.zst", tmp))) {
            DiskLayout layout = VolumeSystems.open(disk);
            assertEquals(PartitionScheme.NONE, layout.scheme());
            assertEquals(BootScheme.UNKNOWN, layout.bootScheme());
            assertTrue(layout.hyperVGeneration().isEmpty());
            assertEquals(List.of("disk"), layout.volumes().stream().map(Volume::id).toList());
            assertTrue(FatFilesystem.probe(layout.volumes().get(0).source()));
        }
    }

    /** The ESPs were filled by the same script step as the FAT fixtures; mtools' checksums apply. */
    static void assertEspReadable(Volume esp, String type) throws Exception {
        assertTrue(FatFilesystem.probe(esp.source()));
        try (FatFilesystem fs = FatFilesystem.open(esp.source(), esp.diskOffset().getAsLong())) {
            assertEquals(type, fs.type());
            assertEquals("ESP", fs.label().orElseThrow());
            for (String line : Fixtures.text("fat/fat16.sha256.txt").split("\n")) {
                String[] p = line.split(" ", 3);
                if (p[2].startsWith("/EFI/")) {
                    byte[] data = fs.readAllBytes(p[2], 1 << 20);
                    assertEquals(Long.parseLong(p[1]), data.length, p[2]);
                    assertEquals(p[0], HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), p[2]);
                }
            }
            assertArrayEquals(fs.readAllBytes("/EFI/BOOT/BOOTX64.EFI", 4096), fs.readAllBytes("\\efi\\boot\\bootx64.efi", 4096));
        }
    }
}
