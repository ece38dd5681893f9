package io.vhdflow.inspect.secrets;

import io.vhdflow.inspect.Assessment;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.inspect.VerdictRule;
import io.vhdflow.inspect.linux.LinuxContext;
import io.vhdflow.inspect.linux.LinuxInspector;
import io.vhdflow.inspect.linux.LinuxOs;
import io.vhdflow.inspect.linux.LinuxOsDetector;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One change at a time, made with real tools (fixtures/make-linux-secrets.sh) on the tree the real
 * {@code waagent -deprovision+user} left: each turns a ready image into a not-ready one, blocked by
 * exactly the check that owns it, with the path in the evidence and never the secret itself.
 */
class LeftoverAccessAndSecretsTest {
    static final String LOC = "mbr:p1/ext4";

    static Assessment run(String overlay, Policy policy, ScanBudget budget) throws IOException {
        String base = baseOf(overlay);
        TreeFilesystem fs = TreeFilesystem.fromResources("/fixtures/linux/" + base + ".tar.zst",
                "/fixtures/linux-overlays/" + overlay + ".tar.zst");
        LinuxOs os = new LinuxOsDetector().detect(fs, LOC).orElseThrow();
        Assessment a = VerdictRule.assess(policy, LinuxInspector.run(new LinuxContext(fs, os, policy, List.of(), budget), io.vhdflow.testing.Fixtures.generalizationChecks()),
                Set.of());
        StringBuilder shown = new StringBuilder("== " + overlay + " (" + policy.id() + "): " + a.verdict());
        a.checks().stream().filter(CheckResult::failed).forEach(r -> shown.append('\n').append(r.id()).append(' ')
                .append(r.severity()).append(' ').append(r.evidence()));
        System.getLogger(LeftoverAccessAndSecretsTest.class.getName()).log(System.Logger.Level.INFO, shown.toString());
        return a;
    }

    /** The default budget with a time limit no loaded test machine reaches: results must not depend on load. */
    static final ScanBudget BUDGET = ScanBudget.parse("seconds=60");

    static Assessment run(String overlay) throws IOException {
        return run(overlay, Policy.AZURE_PLATFORM, BUDGET);
    }

    /** The base tree an overlay was made on, from the first line of its record. */
    static String baseOf(String overlay) throws IOException {
        try (InputStream in = LeftoverAccessAndSecretsTest.class.getResourceAsStream(
                "/fixtures/linux-overlays/" + overlay + ".txt")) {
            String first = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
            return first.replaceAll(".* on fixtures/linux/([a-z0-9-]+)\\.tar\\.zst.*", "$1");
        }
    }

    static CheckResult check(Assessment a, String id) {
        return a.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    static void assertEvidence(CheckResult r, String fragment) {
        assertTrue(r.evidence().stream().anyMatch(e -> e.contains(fragment)),
                r.id() + " evidence should contain '" + fragment + "': " + r.evidence());
    }

    /** The image is not ready, blocked by {@code blocking} alone, in {@code category}. */
    static Assessment assertBlockedBy(String overlay, Category category, String... blocking) throws IOException {
        Assessment a = run(overlay);
        assertEquals(Verdict.NOT_READY, a.verdict(), overlay + ": " + a.reasons());
        assertEquals(Set.of(blocking), new TreeSet<>(a.blocking()), overlay);
        assertEquals(List.of(category), a.blockingCategories());
        for (String id : blocking) {
            assertTrue(!check(a, id).remediation().isBlank(), id + " carries a remedy");
        }
        return a;
    }

    @Test
    void aUsableHashOnAnyAccountBlocks() throws IOException {
        Assessment a = assertBlockedBy("service-password", Category.ACCESS, "L6");
        assertEvidence(check(a, "L6"), LOC + ":/etc/shadow: svc-backup has a usable yescrypt ($y$) password hash");
    }

    @Test
    void anEmptyPasswordFieldBlocks() throws IOException {
        Assessment a = assertBlockedBy("empty-password", Category.ACCESS, "L6");
        assertEvidence(check(a, "L6"), LOC + ":/etc/shadow: root has an empty password field");
    }

    @Test
    void aLeftoverLoginAccountBlocks() throws IOException {
        Assessment a = assertBlockedBy("leftover-user", Category.ACCESS, "L7");
        assertEvidence(check(a, "L7"), LOC + ":/etc/passwd: builder (uid 1000, /etc/login.defs UID_MIN 1000) has "
                + "login shell /bin/bash and home " + LOC + ":/home/builder");
    }

    @Test
    void rootsAuthorizedKeysBlock() throws IOException {
        Assessment a = assertBlockedBy("leftover-keys", Category.ACCESS, "L7K");
        assertEvidence(check(a, "L7K"), LOC + ":/root/.ssh/authorized_keys holds 103 bytes, 1 key: ssh-ed25519 "
                + "builder@contoso-build");
    }

    @Test
    void keysWhereAuthorizedKeysFilePointsBlock() throws IOException {
        Assessment a = assertBlockedBy("authorized-keys-file", Category.ACCESS, "L7K");
        assertEvidence(check(a, "L7K"), LOC + ":/etc/ssh/authorized_keys/root holds ");
        assertEvidence(check(a, "L7K"), "ecdsa-sha2-nistp256 ops@contoso-jump");
        assertEvidence(check(a, "L7K"), "AuthorizedKeysFile in /etc/ssh/sshd_config.d/50-keys.conf");
    }

    @Test
    void aSudoRuleForAnExistingAccountBlocksThroughDebiansIncludedir() throws IOException {
        Assessment a = assertBlockedBy("leftover-sudo", Category.ACCESS, "L7S");
        assertEvidence(check(a, "L7S"), LOC + ":/etc/sudoers.d/deploy line 1 grants sudo to deploy (uid ");
        // Debian's own rules are not leftovers.
        assertEvidence(check(a, "L7S"), LOC + ":/etc/sudoers line ");
        assertEvidence(check(a, "L7S"), "rule for group %sudo, which has no member account");
    }

    @Test
    void anAccountAddedToTheSudoGroupBlocks() throws IOException {
        Assessment a = assertBlockedBy("sudo-group", Category.ACCESS, "L7S");
        assertEvidence(check(a, "L7S"), "grants sudo to group %sudo, whose members are ops");
    }

    @Test
    void historiesInADeletedUsersHomeBlock() throws IOException {
        Assessment a = assertBlockedBy("user-history", Category.ACCESS, "L4");
        for (String f : List.of(".bash_history", ".python_history", ".viminfo")) {
            assertEvidence(check(a, "L4"), LOC + ":/home/olduser/" + f + " holds ");
        }
    }

    @Test
    void anSshIdentityBlocks() throws IOException {
        Assessment a = assertBlockedBy("private-key", Category.SECRETS, "LS1");
        assertEvidence(check(a, "LS1"), "pem-private-key: " + LOC + ":/root/.ssh/id_rsa line 1: OPENSSH private key block (");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pem-private-key | /opt/contoso/tls/server.key line 1: PKCS#8 private key block",
            "pem-private-key | /srv/www/ec.key line 1: EC private key block",
            "pem-private-key | /etc/contoso/legacy.key line 1: RSA private key block",
            "pem-private-key | /root/backup/signing.key line 1: ENCRYPTED private key block, encrypted with a passphrase",
            "pgp-private-key | /root/build-signing.asc line 1: PGP private key block",
            "putty-private-key | /root/keys/jump.ppk line 1: PuTTY private key (format 3, ssh-ed25519)"})
    void everyPrivateKeyRuleFindsItsKey(String rule, String where) throws IOException {
        CheckResult ls1 = check(run("pem-keys"), "LS1");
        assertEquals(CheckStatus.FAIL, ls1.status());
        assertEquals(Severity.MUST, ls1.severity());
        assertEvidence(ls1, rule + ": " + LOC + ":" + where);
    }

    @Test
    void debiansSnakeoilKeyWarnsOnly() throws IOException {
        CheckResult ls1 = check(run("pem-keys"), "LS1");
        assertEvidence(ls1, "pem-private-key: " + LOC + ":/etc/ssl/private/ssl-cert-snakeoil.key line 1: PKCS#8 private "
                + "key block (ssl-cert's self-signed snakeoil key");
    }

    @Test
    void theAgentsKeysLeftWithoutItsProvisioningStateBlock() throws IOException {
        Assessment a = assertBlockedBy("waagent-keys", Category.SECRETS, "LS1");
        assertEvidence(check(a, "LS1"), "waagent-private-key: " + LOC + ":/var/lib/waagent/TransportPrivate.pem line 1");
        assertEquals(CheckStatus.PASS, check(a, "L1").status(), "no provisioned marker: L1 is not the one to say it");
    }

    @Test
    void theAgentsKeysGoWithItsProvisioningStateToL1() throws IOException {
        // The provisioned tree keeps /var/lib/waagent with ovf-env.xml: the secrets scan leaves it to L1.
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/provisioned.tar.zst");
        LinuxOs os = new LinuxOsDetector().detect(fs, LOC).orElseThrow();
        Assessment a = VerdictRule.assess(LinuxInspector.run(LinuxContext.of(fs, os), io.vhdflow.testing.Fixtures.generalizationChecks()), Set.of());
        assertEquals(CheckStatus.PASS, check(a, "LS1").status());
        assertEvidence(check(a, "LS5"), "left out: " + LOC + ":/var/lib/waagent: the agent's provisioning state, with "
                + "its keys, is judged by L1");
    }

    @Test
    void awsCredentialsBlock() throws IOException {
        Assessment a = assertBlockedBy("aws-credentials", Category.SECRETS, "LS2");
        assertEvidence(check(a, "LS2"), "aws-credentials: " + LOC + ":/root/.aws/credentials line 2: aws_access_key_id "
                + "with a value (20 characters, sha256 ");
        assertEvidence(check(a, "LS2"), "aws-credentials: " + LOC + ":/root/.aws/credentials line 3: "
                + "aws_secret_access_key with a value (40 characters");
        // The same key id is not reported again by the token patterns: the file belongs to its rule.
        assertEquals(CheckStatus.PASS, check(a, "LS4").status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "azure-token-cache | /root/.azure/msal_token_cache.json line 1: secret in the Azure CLI token cache",
            "azure-token-cache | /root/.azure/msal_token_cache.json line 2: secret in the Azure CLI token cache",
            "gcloud-credentials | /root/.config/gcloud/application_default_credentials.json line 3: client_secret",
            "gcloud-credentials | /root/.config/gcloud/application_default_credentials.json line 4: refresh_token",
            "kube-config | /root/.kube/config line 10: token with a value",
            "docker-auths | /root/.docker/config.json line 4: auth with a value",
            "git-credentials | /root/.git-credentials line 1: password with a value",
            "netrc | /root/.netrc line 1: password with a value",
            "pgpass | /root/.pgpass line 1: password for app@db.contoso.internal",
            "mysql-password | /root/.my.cnf line 3: password with a value",
            "npm-token | /root/.npmrc line 1: _authToken with a value",
            "pypi-password | /root/.pypirc line 7: password with a value",
            "container-env-secret | /var/lib/docker/containers/5f1c9e2b7a3d4c6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e/config.v2.json line 1: POSTGRES_PASSWORD with a value"})
    void everyCredentialFileRuleFindsItsFile(String rule, String where) throws IOException {
        CheckResult ls2 = check(run("credential-files"), "LS2");
        assertEquals(CheckStatus.FAIL, ls2.status());
        assertEvidence(ls2, rule + ": " + LOC + ":" + where);
    }

    @Test
    void cloudInitUserDataPasswordsAndKeysBlock() throws IOException {
        Assessment a = run("cloud-init-userdata");
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of("LS3"), a.blocking());
        CheckResult ls3 = check(a, "LS3");
        String ud = LOC + ":/var/lib/cloud/instances/6c4f7e1a-2b9d-4c33-9a51-0d8e7f2a4b10/user-data.txt";
        assertEvidence(ls3, "cloud-init-password: " + ud + " line 5: passwd with a value");
        assertEvidence(ls3, "cloud-init-password: " + ud + " line 8: plain_text_passwd with a value");
        assertEvidence(ls3, "cloud-init-password: " + ud + " line 12: chpasswd entry for root");
        assertTrue(ls3.evidence().stream().noneMatch(e -> e.contains("chpasswd entry for builder")), "RANDOM is no password");
        assertEvidence(ls3, "cloud-init-key: " + ud + " line 16: RSA private key block");
        assertEvidence(ls3, "cloud-init-password: " + LOC + ":/var/lib/cloud/seed/azure/ovf-env.xml line 2: UserPassword");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "aws-access-key-id | /opt/contoso/app/config.yaml line 3",
            "azure-storage-key | /etc/contoso/storage.conf line 1",
            "azure-sas-token | /srv/contoso/blob.env line 1",
            "github-token | /opt/contoso/app/clone.sh line 2",
            "gitlab-token | /opt/contoso/app/gitlab.conf line 2",
            "slack-token | /etc/contoso/slack.yaml line 1",
            "google-api-key | /srv/contoso/maps.properties line 1",
            "env-password | /srv/contoso/.env line 2: DB_PASSWORD with a value"})
    void everyTokenRuleFindsItsToken(String rule, String where) throws IOException {
        CheckResult ls4 = check(run("tokens"), "LS4");
        assertEquals(CheckStatus.FAIL, ls4.status());
        assertEvidence(ls4, rule + ": " + LOC + ":" + where);
    }

    @Test
    void binaryFilesAreSkippedByContentNotName() throws IOException {
        CheckResult ls4 = check(run("tokens"), "LS4");
        assertTrue(ls4.evidence().stream().noneMatch(e -> e.contains("cache.bin")), ls4.evidence().toString());
        assertTrue(ls4.evidence().stream().noneMatch(e -> e.contains("API_TOKEN")), "an empty value is no secret");
        assertEvidence(ls4, "1 binary skipped");
    }

    @Test
    void hostKeysThatTheFirstBootRegeneratesOnlyWarn() throws IOException {
        Assessment a = run("host-keys-regenerated");
        assertEquals(Verdict.READY, a.verdict(), a.reasons().toString());
        CheckResult l5 = check(a, "L5");
        assertEquals(CheckStatus.FAIL, l5.status());
        assertEquals(Severity.SHOULD, l5.severity());
        assertEvidence(l5, "ssh_deletekeys is true (cloud-init's default)");
        assertTrue(a.warnings().contains("L5"));
        // The host keys are L5's: the secrets scan does not report them as private keys.
        assertEquals(CheckStatus.PASS, check(a, "LS1").status());
        // Under strict, every warning blocks.
        assertEquals(Verdict.NOT_READY, run("host-keys-regenerated", Policy.STRICT, BUDGET).verdict());
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-password", "empty-password", "leftover-keys", "authorized-keys-file", "leftover-sudo",
            "user-history", "private-key", "pem-keys", "waagent-keys", "aws-credentials", "credential-files",
            "cloud-init-userdata", "tokens"})
    void noEvidenceEverHoldsASecret(String overlay) throws IOException {
        List<String> secrets = List.of("Backup-Contoso-2026", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "Not-A-Real",
                "Root-Contoso-2026", "Tester-Contoso-2026", "Azure-Contoso-2026", "synthetic", "AIza", "ghp_", "glpat-",
                "xoxb-", "AccountKey=", "sig=", "$y$j9T", "$6$contoso", "BEGIN", "AAAA", "Sup3r-Secret", "S3cret");
        for (CheckResult r : run(overlay).checks()) {
            for (String e : r.evidence()) {
                for (String s : secrets) {
                    assertFalse(e.contains(s), overlay + ": " + r.id() + " evidence holds '" + s + "': " + e);
                }
            }
        }
    }

    @Test
    void aScanCutShortByItsBudgetWarnsAndBlocksUnderStrict() throws IOException {
        ScanBudget tiny = new ScanBudget(3, 32L << 20, Duration.ofSeconds(30), 1 << 20, 16);
        Assessment a = run("credential-files", Policy.AZURE_PLATFORM, tiny);
        CheckResult ls5 = check(a, "LS5");
        assertEquals(CheckStatus.FAIL, ls5.status());
        assertEquals(Severity.SHOULD, ls5.severity());
        assertEvidence(ls5, "the scan stopped early: the file limit (3) was reached before " + "/root/");
        assertEvidence(ls5, "budget files=3,");
        assertTrue(a.warnings().contains("LS5"));
        Assessment strict = run("leftover-user", Policy.STRICT, tiny);
        assertTrue(strict.blocking().contains("LS5"), "strict: a scan cut short blocks");

        ScanBudget bytes = new ScanBudget(20_000, 100, Duration.ofSeconds(30), 1 << 20, 16);
        CheckResult byBytes = check(run("tokens", Policy.AZURE_PLATFORM, bytes), "LS5");
        assertEvidence(byBytes, "the byte limit (100) was reached");
        ScanBudget shallow = new ScanBudget(20_000, 32L << 20, Duration.ofSeconds(30), 1 << 20, 1);
        assertEvidence(check(run("pem-keys", Policy.AZURE_PLATFORM, shallow), "LS5"), "levels below");
    }
}
