package io.vhdflow.inspect.secrets;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows images (fixtures/make-windows-images.sh: mkntfs, ntfs-3g, hivex, qemu-img) that Sysprep
 * generalized correctly but that carry a password or a key: read end to end from the VHD, each is
 * not ready, blocked by the one secrets check that owns it, with the path in the evidence.
 */
class WindowsSecretsTest {
    static final String LOC = "gpt:p3/ntfs";

    @TempDir
    Path dir;

    VerificationReport verify(String image) throws Exception {
        // A time limit no loaded test machine reaches: the results asserted must not depend on load.
        return new VerificationService(io.vhdflow.inspect.CheckCatalog.standard(), io.vhdflow.inspect.ScanBudget.parse("seconds=60"))
                .verify(Fixtures.extract("windows/" + image + ".vhd.zst", dir), "azure-platform");
    }

    static CheckResult check(VerificationReport r, String id) {
        return r.check(id).orElseThrow();
    }

    static void assertEvidence(CheckResult r, String fragment) {
        assertTrue(r.evidence().stream().anyMatch(e -> e.contains(fragment)),
                r.id() + " evidence should contain '" + fragment + "': " + r.evidence());
    }

    @Test
    void aGeneralizedImageHasNoSecrets() throws Exception {
        VerificationReport r = verify("generalized");
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        for (String id : List.of("WS1", "WS2", "WS3")) {
            assertEquals(CheckStatus.PASS, check(r, id).status(), id + ": " + check(r, id).evidence());
        }
        assertEvidence(check(r, "WS2"), LOC + ":SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon: no DefaultPassword");
    }

    @Test
    void unattendPasswordsBlockPlainOrBase64() throws Exception {
        VerificationReport r = verify("unattend-password");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of("WS1"), r.blocking());
        assertEquals(List.of(Category.SECRETS), r.blockingCategories());
        CheckResult ws1 = check(r, "WS1");
        assertEquals(Severity.MUST, ws1.severity());
        assertEvidence(ws1, "unattend-password: " + LOC + ":/Windows/Panther/unattend.xml line 6: "
                + "UserAccounts/AdministratorPassword Value in plain text (19 characters, sha256 ");
        assertEvidence(ws1, "unattend-password-base64: " + LOC + ":/Windows/Panther/unattend.xml line 12: AutoLogon/Password "
                + "Value, base64 of a 23-character password + 'Password' (an encoding, not encryption)");
        assertEvidence(ws1, "sysprep-inf-password: " + LOC + ":/Sysprep/sysprep.inf line 2: [GuiUnattended] AdminPassword "
                + "with a value (19 characters");
        // W5 says a custom answer file is there at all; a warning on its own.
        assertTrue(check(r, "W5").failed());
        assertTrue(r.warnings().contains("W5"));
    }

    @Test
    void aWinlogonDefaultPasswordBlocks() throws Exception {
        VerificationReport r = verify("autologon");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of("WS2"), r.blocking());
        assertEvidence(check(r, "WS2"), "winlogon-default-password: " + LOC + ":SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
                + "\\Winlogon\\DefaultPassword: automatic-logon password in clear (AutoAdminLogon=1, DefaultUserName=builder) "
                + "(21 characters, sha256 ");
    }

    @Test
    void keysAndCredentialsInAProfileBlock() throws Exception {
        VerificationReport r = verify("profile-keys");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of("WS3"), r.blocking());
        CheckResult ws3 = check(r, "WS3");
        assertEvidence(ws3, "pem-private-key: " + LOC + ":/Users/builder/.ssh/id_ed25519 line 1: OPENSSH private key block");
        assertEvidence(ws3, "aws-credentials: " + LOC + ":/Users/builder/.aws/credentials line 2: aws_access_key_id with a value");
        assertEvidence(ws3, "azure-token-cache: " + LOC + ":/Users/builder/.azure/msal_token_cache.bin: Azure CLI token cache "
                + "(binary) (2048 bytes, sha256 ");
        assertEvidence(ws3, "azure-sas-token: " + LOC + ":/Users/builder/Documents/deploy.ps1 line 1: Azure shared access signature");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unattend-password", "autologon", "profile-keys"})
    void noEvidenceEverHoldsASecret(String image) throws Exception {
        List<String> secrets = List.of("Contoso-Admin-2026", "Contoso-AutoLogon", "Contoso-Legacy-2026", "Builder-Contoso-2026",
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "sig=", "BEGIN", "QwBvAG4A");
        VerificationReport r = verify(image);
        for (CheckResult c : r.checks()) {
            for (String e : c.evidence()) {
                for (String s : secrets) {
                    assertFalse(e.contains(s), image + ": " + c.id() + " evidence holds '" + s + "': " + e);
                }
            }
        }
        assertTrue(Set.of("WS1", "WS2", "WS3").stream().anyMatch(id -> r.check(id).orElseThrow().failed()));
    }
}
