package io.vhdflow.disk.container;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.VerificationService.Readiness;
import io.vhdflow.inspect.disk.DiskContext;
import io.vhdflow.inspect.disk.DiskSizeCheck;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The container checks G1-G8 as {@code vhdflow vhd check} runs them. */
class AzureReadinessTest {
    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;

    /** A sparse fixed VHD of {@code size} bytes with a footer from {@link VhdFooter#newFixed}. */
    static Path sparseFixed(Path dir, long size) throws Exception {
        Path p = dir.resolve("disk-" + size + ".vhd");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(VhdFooter.newFixed(size, UUID.randomUUID(), Instant.now()).encode()), size);
        }
        return p;
    }

    static CheckResult check(Readiness v, String id) {
        return v.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void everyVerdictListsG1ToG10InOrder(@TempDir Path dir) throws Exception {
        Readiness v = new VerificationService().readiness(sparseFixed(dir, 40 * GiB), Policy.MARKETPLACE.id());
        assertEquals(List.of("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "G10"),
                v.checks().stream().map(CheckResult::id).toList());
        assertTrue(v.ready(), v.toString());
        assertEquals(CheckStatus.NOT_RUN, check(v, "G6").status());
        assertEquals(CheckStatus.NOT_RUN, check(v, "G7").status());
        Readiness platform = new VerificationService().readiness(sparseFixed(dir, 40 * GiB + MiB), Policy.AZURE_PLATFORM.id());
        assertEquals(CheckStatus.NOT_APPLICABLE, check(platform, "G7").status());
    }

    @Test
    void sizeNotAWholeMibFailsG3WithTheRoundedSizeAsRemedy(@TempDir Path dir) throws Exception {
        Readiness v = new VerificationService().readiness(sparseFixed(dir, 30 * MiB + 512), Policy.AZURE_PLATFORM.id());
        CheckResult g3 = check(v, "G3");
        assertEquals(CheckStatus.FAIL, g3.status());
        assertTrue(String.join("; ", g3.evidence()).contains("not a whole number of MiB"), g3.evidence().toString());
        assertTrue(String.join("; ", g3.evidence()).contains(String.valueOf(31 * MiB)), g3.evidence().toString());
        assertFalse(v.ready());
    }

    @Test
    void savedStateFailsG8(@TempDir Path dir) throws Exception {
        Path p = sparseFixed(dir, 32 * MiB);
        long at = Files.size(p) - 512;
        HostileVhdTest.patch(p, at + 84, (byte) 1);
        HostileVhdTest.fixFooter(p, at);
        Readiness v = new VerificationService().readiness(p, Policy.AZURE_PLATFORM.id());
        assertEquals(CheckStatus.FAIL, check(v, "G8").status());
        assertFalse(v.ready());
        try (DiskImage img = DiskImages.open(p)) {
            assertTrue(img.findings().stream().anyMatch(f -> f.code().equals("vhd.saved-state")));
        }
    }

    @Test
    void rawImageFailsG1G2G3ButIsRecognised(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("disk.raw", dir);
        Readiness v = new VerificationService().readiness(p, Policy.AZURE_PLATFORM.id());
        assertEquals(CheckStatus.FAIL, check(v, "G1").status());
        assertEquals(CheckStatus.FAIL, check(v, "G2").status());
        assertEquals(CheckStatus.FAIL, check(v, "G3").status());
        assertEquals(CheckStatus.PASS, check(v, "G5").status());
        assertEquals(DiskFormat.RAW, v.format().orElseThrow());
    }

    /** G4 judged on a size alone. */
    static CheckResult size(long bytes, Policy policy) {
        DiskContext ctx = new DiskContext(new InspectedDisk(Path.of("disk.vhd"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of()), policy, List.of());
        return new DiskSizeCheck().judge(ctx, bytes);
    }

    static boolean blocking(CheckResult r) {
        return r.failed() && r.severity() == Severity.MUST;
    }

    @Test
    void sizeLimitsPerPolicy() {
        assertEquals(CheckStatus.FAIL, size(20 * MiB - 1, Policy.AZURE_PLATFORM).status());
        assertEquals(CheckStatus.PASS, size(20 * MiB, Policy.AZURE_PLATFORM).status());
        assertEquals(CheckStatus.PASS, size(2048 * GiB, Policy.AZURE_PLATFORM).status());
        CheckResult big = size(2049 * GiB, Policy.AZURE_PLATFORM);
        assertEquals(CheckStatus.FAIL, big.status());
        assertEquals(Severity.SHOULD, big.severity());
        CheckResult huge = size(32_768 * GiB, Policy.AZURE_PLATFORM);
        assertEquals(Severity.MUST, huge.severity());
        assertTrue(blocking(huge));
        assertEquals(CheckStatus.FAIL, size(29 * GiB, Policy.MARKETPLACE).status());
        assertEquals(CheckStatus.PASS, size(30 * GiB, Policy.MARKETPLACE).status());
        assertEquals(CheckStatus.PASS, size(1023 * GiB, Policy.MARKETPLACE).status());
        assertTrue(blocking(size(1024 * GiB, Policy.MARKETPLACE)));
        assertEquals(Policy.MARKETPLACE, Policy.parse("marketplace"));
        assertEquals(Policy.AZURE_PLATFORM, Policy.parse("azure-platform"));
    }

    @Test
    void geometryFollowsTheSpecAppendix() {
        // Values from the spec's algorithm, worked by hand.
        assertEquals(new DiskGeometry(963, 4, 17), DiskGeometry.forSize(32 * MiB + 4096));
        assertEquals(new DiskGeometry(65535, 16, 255), DiskGeometry.forSize(2048 * GiB));
        DiskGeometry g = DiskGeometry.forSize(30 * GiB);
        assertEquals(16, g.heads());
        assertEquals(63, g.sectorsPerTrack());
        assertEquals(30 * GiB / 512 / 63 / 16, g.cylinders());
        assertTrue(g.capacity() <= 30 * GiB);
    }
}
