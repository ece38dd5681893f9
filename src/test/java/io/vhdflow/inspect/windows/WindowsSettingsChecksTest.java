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
import static io.vhdflow.inspect.windows.WindowsImages.assertPassed;
import static io.vhdflow.inspect.windows.WindowsImages.assertWarned;
import static io.vhdflow.inspect.windows.WindowsImages.check;
import static io.vhdflow.inspect.windows.WindowsImages.evidence;
import static io.vhdflow.inspect.windows.WindowsImages.mustFailures;
import static io.vhdflow.inspect.windows.WindowsImages.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W6 (Remote Desktop), W7 (SAN policy), W8 (time), W9 (service start types), W12 (VM agent) and
 * W13 (crash dump, pagefile, TEMP) on a passing image ('generalized': Microsoft's preparation
 * applied) and failing ones ('rdp-policy', 'misconfigured'). Every image's SYSTEM hive has a
 * ControlSet002 with the opposite settings, so these tests also prove the control set
 * {@code Select\Current} names is the one read and named in the evidence.
 */
class WindowsSettingsChecksTest {
    private static final String CS = "gpt:p3/ntfs:SYSTEM\\ControlSet001\\";

    @TempDir
    Path dir;

    @Test
    void microsoftsPreparationPassesEverySettingCheckReadFromTheCurrentControlSet() throws Exception {
        VerificationReport r = verify("generalized", dir);
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        assertPassed(r, "W6", "W7", "W8", "W9", "W12", "W13");
        assertEvidence(check(r, "W6"),
                CS + "Control\\Terminal Server\\fDenyTSConnections = 0, wanted 0",
                "gpt:p3/ntfs:SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\fDenyTSConnections = (absent)",
                CS + "Services\\TermService\\Start = 3 (manual)",
                CS + "Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber = 3389, wanted 3389",
                CS + "Control\\Terminal Server\\WinStations\\RDP-Tcp\\LanAdapter = 0",
                CS + "Control\\Terminal Server\\WinStations\\RDP-Tcp\\UserAuthentication = 1",
                "FirewallRules: RemoteDesktop-UserMode-In-TCP (TCP 3389, enabled)");
        assertEvidence(check(r, "W7"), CS + "Services\\partmgr\\Parameters\\SanPolicy = 1, wanted 1 (OnlineAll)");
        assertEvidence(check(r, "W8"), CS + "Control\\TimeZoneInformation\\RealTimeIsUniversal = 1",
                CS + "Services\\w32time\\Start = 2");
        for (ServiceStartTypesCheck.ServiceStart s : ServiceStartTypesCheck.EXPECTED) {
            assertEvidence(check(r, "W9"), CS + "Services\\" + s.service() + "\\Start = " + s.start());
        }
        assertEvidence(check(r, "W12"), CS + "Services\\WindowsAzureGuestAgent\\Start = 2 (automatic)",
                CS + "Services\\RdAgent\\Start = 2 (automatic)");
        assertEvidence(check(r, "W13"), CS + "Control\\CrashControl\\CrashDumpEnabled = 2",
                CS + "Control\\Session Manager\\Memory Management\\PagingFiles = C:\\pagefile.sys 0 0",
                CS + "Control\\Session Manager\\Environment\\TEMP = %SystemRoot%\\TEMP");
        for (String id : List.of("W6", "W7", "W8", "W9", "W12", "W13")) {
            assertFalse(evidence(check(r, id)).contains("ControlSet002"), id + " read the wrong control set");
        }
    }

    @Test
    void theValuesReadAreTheOnesHivexgetReadWhenTheImagesWereMade() throws Exception {
        // hivexget.txt: "<hive> <value>=<data>" as hivexget printed them from the hives put in the images.
        java.util.Map<String, String> tool = new java.util.HashMap<>();
        for (String line : io.vhdflow.testing.Fixtures.text("windows/hivexget.txt").split("\n")) {
            int sp = line.indexOf(' ');
            if (!line.startsWith("#") && sp > 0) {
                tool.put(line.substring(0, sp), tool.getOrDefault(line.substring(0, sp), "") + line.substring(sp + 1) + ";");
            }
        }
        for (String[] v : new String[][] {{"generalized", "SYSTEM"}, {"misconfigured", "SYSTEM-misconfigured"}, {"dirty-hive", "SYSTEM-after"}}) {
            VerificationReport r = verify(v[0], dir);
            String port = tool.get(v[1]).replaceAll(".*PortNumber=(\\d+);.*", "$1");
            String san = tool.get(v[1]).replaceAll(".*SanPolicy=(\\d+);.*", "$1");
            assertEvidence(check(r, "W6"), CS + "Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber = " + port + ",");
            assertEvidence(check(r, "W7"), CS + "Services\\partmgr\\Parameters\\SanPolicy = " + san);
        }
    }

    @Test
    void aGeneralizedImageWithRdpDeniedByPolicyIsNotGeneralizedAndShowsBothPaths() throws Exception {
        VerificationReport r = verify("rdp-policy", dir);
        assertEquals(Verdict.NOT_READY, r.verdict(), r.reasons().toString());
        assertEquals(List.of("W6"), mustFailures(r), "only RDP blocks: the image is generalized");
        assertEquals(CheckStatus.PASS, check(r, "W1").status());
        CheckResult w6 = check(r, "W6");
        assertEquals(Severity.MUST, w6.severity());
        assertEquals("provisioning", w6.category().label());
        assertTrue(r.blocking().contains("W6"), r.blocking().toString());
        assertEvidence(w6,
                CS + "Control\\Terminal Server\\fDenyTSConnections = 0, wanted 0",
                "gpt:p3/ntfs:SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\fDenyTSConnections = 1, "
                        + "wanted 0 or absent: Group Policy denies Remote Desktop");
        assertTrue(w6.evidence().get(0).contains("SOFTWARE\\Policies"), "the deciding line first: " + w6.evidence());
        assertTrue(r.reasons().get(0).contains("SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services"), r.reasons().toString());
        assertTrue(w6.remediation().startsWith("reg add \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\" "
                + "/v fDenyTSConnections /t REG_DWORD /d 0 /f"), w6.remediation());
    }

    @Test
    void wrongSettingsWarnWithTheValueFoundTheValueWantedAndTheCommand() throws Exception {
        VerificationReport r = verify("misconfigured", dir);
        assertEquals(Verdict.READY, r.verdict(), "warnings do not decide the verdict: " + r.reasons());
        assertWarned(r, "W6", "W7", "W8", "W9", "W12");
        CheckResult w6 = check(r, "W6");
        assertEvidence(w6, CS + "Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber = 3390, wanted 3389",
                CS + "Control\\Terminal Server\\WinStations\\RDP-Tcp\\UserAuthentication = 0, wanted 1",
                "the Remote Desktop rules are disabled (RemoteDesktop-UserMode-In-TCP (TCP 3389, disabled))");
        assertTrue(w6.remediation().contains("/v PortNumber /t REG_DWORD /d 3389 /f")
                && w6.remediation().contains("netsh advfirewall firewall set rule group=\"remote desktop\" new enable=Yes"), w6.remediation());
        CheckResult w7 = check(r, "W7");
        assertEvidence(w7, CS + "Services\\partmgr\\Parameters\\SanPolicy = 3 (OfflineAll), wanted 1 (OnlineAll)");
        assertTrue(w7.remediation().contains("san policy=onlineall"), w7.remediation());
        CheckResult w8 = check(r, "W8");
        assertEvidence(w8, CS + "Control\\TimeZoneInformation\\RealTimeIsUniversal = 0, wanted 1",
                CS + "Services\\w32time\\Start = 3, wanted 2 (automatic)");
        assertTrue(w8.remediation().contains("sc config w32time start= auto"), w8.remediation());
        CheckResult w9 = check(r, "W9");
        assertEvidence(w9, CS + "Services\\Dhcp\\Start = 4 (disabled), wanted 2 (automatic)",
                CS + "Services\\RemoteRegistry\\Start = 4 (disabled), wanted 2 (automatic)",
                CS + "Services\\Netman\\Start = 2 (automatic), wanted 3 (manual)",
                CS + "Services\\BFE\\Start = 2 (automatic)");
        assertEquals("sc config Dhcp start= auto; sc config RemoteRegistry start= auto; sc config Netman start= demand",
                w9.remediation());
        assertEvidence(check(r, "W12"), CS + "Services\\WindowsAzureGuestAgent: absent, the service is not installed",
                CS + "Services\\RdAgent: absent");
        CheckResult w13 = check(r, "W13");
        assertEquals(CheckStatus.FAIL, w13.status());
        assertEquals(Severity.INFO, w13.severity(), "W13 is informational");
        assertEvidence(w13, CS + "Control\\CrashControl\\CrashDumpEnabled = 0 (none, no dump is written), wanted 2",
                CS + "Control\\Session Manager\\Memory Management\\PagingFiles = D:\\pagefile.sys 0 0, wanted a pagefile on the OS disk",
                CS + "Control\\Session Manager\\Environment\\TEMP = D:\\Temp, wanted %SystemRoot%\\TEMP",
                CS + "Control\\Session Manager\\Environment\\TMP = %SystemRoot%\\TEMP, wanted %SystemRoot%\\TEMP");
    }
}
