package io.vhdflow.inspect;

import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows images in the Sysprep states that matter (made by fixtures/make-windows-images.sh with
 * sgdisk, mkfs.vfat, mkntfs, ntfs-3g, hivex and qemu-img), read offline end to end:
 * VHD → GPT → NTFS → hives and State.ini → checks → verdict.
 */
class WindowsVerificationTest {
    @TempDir
    Path dir;

    private VerificationReport verify(String variant) throws Exception {
        Path vhd = Fixtures.extract("windows/" + variant + ".vhd.zst", dir);
        return new VerificationService().verify(vhd, "azure-platform");
    }

    private static CheckResult check(VerificationReport r, String id) {
        return r.check(id).orElseThrow(() -> new AssertionError("no check " + id + " in " + r.checks()));
    }

    private static String evidence(CheckResult c) {
        return String.join("\n", c.evidence());
    }

    @Test
    void aGeneralizedImageRaisesNoMustFindingAndItsFactsAreDetected() throws Exception {
        VerificationReport r = verify("generalized");
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        List<CheckResult> osMustFailures = r.checks().stream()
                .filter(c -> !c.id().startsWith("G") && c.failed() && c.severity() == Severity.MUST).toList();
        assertTrue(osMustFailures.isEmpty(), osMustFailures.toString());
        assertEquals("Windows", r.facts().osType().orElseThrow());
        assertEquals("V2", r.facts().hyperVGeneration().orElseThrow(), "GPT with an ESP");
        assertEquals("x64", r.facts().architecture().orElseThrow());
        assertTrue(r.facts().osName().orElseThrow().contains("Windows Server 2022 Datacenter"));
        assertTrue(evidence(check(r, "W1")).contains(
                "gpt:p3/ntfs:SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup\\State\\ImageState = "
                        + "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"), evidence(check(r, "W1")));
        assertTrue(evidence(check(r, "W1")).contains("State.ini [State] ImageState = IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"),
                "State.ini is UTF-16LE with a BOM, as Windows writes it");
        assertTrue(evidence(check(r, "W10")).contains("ControlSet001\\Services\\cdrom\\Start = 1"),
                "the current control set is read, not ControlSet002 (where cdrom is disabled)");
        assertEquals("1. gpt:p3/ntfs:SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment\\PROCESSOR_ARCHITECTURE = AMD64 (x64)",
                check(r, "W15").evidence().get(0), "ControlSet002 says x86");
        for (String id : List.of("W6", "W7", "W8", "W9", "W11", "W12", "W13")) {
            assertEquals(CheckStatus.PASS, check(r, id).status(), id + ": " + evidence(check(r, id)));
        }
        assertTrue(r.bytesRead() > 0 && r.bytesRead() < (4L << 20), "read " + r.bytesRead() + " bytes");
    }

    @Test
    void aRunningMachineCapturedAsIsIsNotGeneralized() throws Exception {
        VerificationReport r = verify("specialized");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(check(r, "W1").failed());
        assertTrue(evidence(check(r, "W1")).contains("IMAGE_STATE_COMPLETE"));
    }

    @Test
    void generalizationState7AloneIsNotTrustedAndIsShownWhereItDisagrees() throws Exception {
        // A running machine has SysprepStatus\GeneralizationState = 7 too (both real SYSTEM hives of
        // regipy's test data do): it is shown as disagreeing with ImageState, never trusted.
        VerificationReport r = verify("specialized");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(evidence(check(r, "W1")).contains("gpt:p3/ntfs:SYSTEM\\Setup\\Status\\SysprepStatus\\GeneralizationState = 7, "
                + "CleanupState = 2 disagrees with ImageState IMAGE_STATE_COMPLETE"), evidence(check(r, "W1")));
        VerificationReport g = verify("generalized");
        assertTrue(!evidence(check(g, "W1")).contains("SysprepStatus"), "7 and SystemSetupInProgress 1 agree with a resealed "
                + "image: not shown\n" + evidence(check(g, "W1")));
    }

    @Test
    void registryAndStateIniDisagreeingNeverPasses() throws Exception {
        VerificationReport r = verify("disagree");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(evidence(check(r, "W1")).contains("disagree"), evidence(check(r, "W1")));
    }

    @Test
    void resealedToAuditModeIsNotPublishable() throws Exception {
        VerificationReport r = verify("audit");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(evidence(check(r, "W1")).contains("audit mode"));
    }

    @Test
    void aBitLockerVolumeIsNotReadyBecauseAzureCannotBootIt() throws Exception {
        // A proven blocker (W4) outranks what could not be read: not ready, with the fix, not "cannot determine".
        VerificationReport r = verify("bitlocker");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of(Category.BOOT), r.blockingCategories());
        assertTrue(r.reasons().stream().anyMatch(x -> x.startsWith("the OS volume is encrypted")), r.reasons().toString());
        CheckResult w4 = check(r, "W4");
        assertTrue(w4.failed());
        assertTrue(evidence(w4).contains("gpt:p3") && evidence(w4).contains("-FVE-FS-"), evidence(w4));
    }

    @Test
    void leftoversAreEachReportedWithEvidence() throws Exception {
        VerificationReport r = verify("leftovers");
        assertEquals(Verdict.NOT_READY, r.verdict(), "cdrom disabled is a MUST");
        assertTrue(evidence(check(r, "W10")).contains("Start = 4 (disabled)"));
        assertTrue(check(r, "W5").failed());
        assertTrue(evidence(check(r, "W5")).contains("gpt:p3/ntfs:/Windows/Panther/unattend.xml exists"));
        assertTrue(check(r, "W14").failed());
        assertTrue(evidence(check(r, "W14")).contains("RebootPending exists"));
        assertTrue(r.check("W1").orElseThrow().status() == CheckStatus.PASS);
    }
}
