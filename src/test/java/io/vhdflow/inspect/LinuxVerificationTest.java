package io.vhdflow.inspect;

import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian 12 images generalized by the real {@code waagent -deprovision+user} (and left provisioned),
 * in the two layouts the issue names: ext4 on MBR and XFS on LVM on GPT (fixtures/make-linux-images.sh).
 * Read offline end to end: VHD → partitions → LVM → filesystem → checks → verdict.
 */
class LinuxVerificationTest {
    @TempDir
    Path dir;

    private VerificationReport verify(String image, Set<String> waivers) throws Exception {
        return new VerificationService(Fixtures.generalizationChecks()).verify(Fixtures.extract("linux-images/" + image + ".vhd.zst", dir),
                "azure-platform", waivers);
    }

    @ParameterizedTest
    @CsvSource({"ext4-mbr-generalized, mbr:p1/ext4, V1", "xfs-lvm-gpt-generalized, lvm:vhdflowrootvg/root/xfs, V2"})
    void aGeneralizedDebianRaisesNoMustFinding(String image, String location, String generation) throws Exception {
        VerificationReport r = verify(image, Set.of());
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        assertEquals("Linux", r.facts().osType().orElseThrow());
        assertTrue(r.facts().osName().orElseThrow().contains("Debian GNU/Linux 12"));
        assertEquals(generation, r.facts().hyperVGeneration().orElseThrow());
        assertEquals("x64", r.facts().architecture().orElseThrow());
        List<CheckResult> mustFailed = r.checks().stream()
                .filter(c -> !c.id().startsWith("G") && c.failed() && c.severity() == Severity.MUST).toList();
        assertTrue(mustFailed.isEmpty(), mustFailed.toString());
        CheckResult l1 = r.check("L1").orElseThrow();
        assertEquals(CheckStatus.PASS, l1.status());
        assertTrue(String.join("\n", l1.evidence()).contains(location + ":/var/lib/waagent"), l1.evidence().toString());
        assertTrue(r.bytesRead() < (1 << 20), "read " + r.bytesRead() + " bytes of the disk");
    }

    @ParameterizedTest
    @CsvSource({"ext4-mbr-provisioned, mbr:p1/ext4", "xfs-lvm-gpt-provisioned, lvm:vhdflowrootvg/root/xfs"})
    void aProvisionedDebianFailsL1WithTheMarkerAsEvidence(String image, String location) throws Exception {
        VerificationReport r = verify(image, Set.of());
        assertEquals(Verdict.NOT_READY, r.verdict());
        CheckResult l1 = r.check("L1").orElseThrow();
        assertTrue(l1.failed());
        assertTrue(String.join("\n", l1.evidence()).contains(location + ":/var/lib/waagent/provisioned exists (36 bytes)"),
                l1.evidence().toString());
        assertTrue(r.reasons().get(0).startsWith("L1 (MUST) failed"), r.reasons().toString());
        // Every other leftover of the provisioned VM is reported too (fixtures/linux/MANIFEST.md).
        for (String id : List.of("L3", "L4", "L6", "L6B", "L7", "L7K", "L7S", "L17", "L20")) {
            assertTrue(r.check(id).orElseThrow().failed(), id + ": " + r.check(id));
        }
    }

    @Test
    void waivedChecksAreReportedButNoLongerDecide() throws Exception {
        VerificationReport r = verify("ext4-mbr-provisioned", Set.of("L1", "L3", "L4", "L5", "L6", "L6B", "L7", "L7K",
                "L7S", "L17", "L20"));
        assertEquals(CheckStatus.WAIVED, r.check("L1").orElseThrow().status());
        assertTrue(r.check("L1").orElseThrow().evidence().stream().anyMatch(e -> e.contains("waived by configuration")));
        assertTrue(r.checks().stream().noneMatch(c -> c.failed() && c.severity() == Severity.MUST
                && !c.id().startsWith("G")), r.checks().toString());
    }
}
