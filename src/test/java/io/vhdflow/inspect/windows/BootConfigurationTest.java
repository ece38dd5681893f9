package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.inspect.VerificationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.vhdflow.inspect.windows.WindowsImages.assertEvidence;
import static io.vhdflow.inspect.windows.WindowsImages.check;
import static io.vhdflow.inspect.windows.WindowsImages.evidence;
import static io.vhdflow.inspect.windows.WindowsImages.mustFailures;
import static io.vhdflow.inspect.windows.WindowsImages.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W11 on images whose BCD store is the real Windows 10 store (regipy's), edited with hivex: found on
 * the ESP through the FAT reader (Gen2) or on the active partition (Gen1), missing, or with the
 * settings Windows leaves.
 */
class BootConfigurationTest {
    private static final String STORE = "gpt:p1/fat12:/EFI/Microsoft/Boot/BCD";
    private static final String DEFAULT = "Objects\\{733b62e5-f608-11eb-825c-c112f60133ab}\\Elements\\";

    @TempDir
    Path dir;

    @Test
    void gen2ReadsTheStoreOnTheEspWithAzuresSettings() throws Exception {
        VerificationReport r = verify("generalized", dir);
        CheckResult w11 = check(r, "W11");
        assertEquals(CheckStatus.PASS, w11.status(), evidence(w11));
        assertEvidence(w11,
                STORE + ": {bootmgr} default {733b62e5-f608-11eb-825c-c112f60133ab} 'Windows 10', path \\Windows\\system32\\winload.efi",
                STORE + ": " + DEFAULT + "250000e0 (bootstatuspolicy) = IgnoreAllFailures, wanted IgnoreAllFailures",
                STORE + ": " + DEFAULT + "16000009 (recoveryenabled) = No, wanted No",
                STORE + ": " + DEFAULT + "260000b0 (ems) = Yes",
                "Elements\\16000020 (bootems) = Yes",
                "Objects\\{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}\\Elements\\15000022 (emsport) = 1 (inherited by "
                        + "{733b62e5-f608-11eb-825c-c112f60133ab} from {emssettings}), wanted 1",
                "15000023 (emsbaudrate) = 115200");
    }

    @Test
    void gen1ReadsTheStoreOnTheActivePartitionAndWantsWinloadExe() throws Exception {
        VerificationReport r = verify("gen1", dir);
        assertEquals("V1", r.facts().hyperVGeneration().orElseThrow());
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        CheckResult w11 = check(r, "W11");
        assertEquals(CheckStatus.PASS, w11.status(), evidence(w11));
        assertEvidence(w11, "mbr:p1/ntfs:/Boot/BCD: {bootmgr} default {733b62e5-f608-11eb-825c-c112f60133ab} 'Windows 10', "
                + "path \\Windows\\system32\\winload.exe, systemroot \\Windows");
    }

    @Test
    void aMissingStoreBlocksWithWhereItWasLookedFor() throws Exception {
        VerificationReport r = verify("nobcd", dir);
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of("W11"), mustFailures(r));
        CheckResult w11 = check(r, "W11");
        assertEquals(Severity.MUST, w11.severity());
        assertEquals("no BCD store where generation 2 (UEFI) firmware reads it: " + STORE + " absent", w11.evidence().get(0));
        assertTrue(w11.remediation().startsWith("bcdboot C:\\Windows") && w11.remediation().endsWith("/f UEFI"), w11.remediation());
    }

    @Test
    void windowsDefaultsWarnWithTheBcdeditCommands() throws Exception {
        VerificationReport r = verify("misconfigured", dir);
        CheckResult w11 = check(r, "W11");
        assertEquals(CheckStatus.FAIL, w11.status());
        assertEquals(Severity.SHOULD, w11.severity(), "the settings warn; only a missing or unusable store blocks");
        assertEvidence(w11,
                STORE + ": " + DEFAULT + "250000e0 (bootstatuspolicy) = DisplayAllFailures (absent: Windows' default), wanted IgnoreAllFailures",
                STORE + ": " + DEFAULT + "16000009 (recoveryenabled) = Yes, wanted No",
                STORE + ": " + DEFAULT + "260000b0 (ems) = (absent), wanted Yes",
                "Objects\\{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}\\Elements\\16000020 (bootems) = No (inherited by {bootmgr} from {emssettings}), wanted Yes",
                STORE + ": " + DEFAULT + "15000022 (emsport) = (absent), wanted 1");
        assertEquals("bcdedit /set {default} bootstatuspolicy IgnoreAllFailures; bcdedit /set {default} recoveryenabled Off; "
                + "bcdedit /ems {default} ON; bcdedit /set {bootmgr} bootems yes; bcdedit /emssettings EMSPORT:1 EMSBAUDRATE:115200",
                w11.remediation());
    }
}
