package io.vhdflow.inspect.secrets;

import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.vhdflow.testing.TreeFilesystem.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scan on trees built to make it loop, go deep, read without end or expand entities: it ends,
 * within its budget, saying what it could not cover. (The timeouts guard against a hang; they
 * measure nothing.)
 */
class SecretScannerHostileTest {
    static final Duration NO_HANG = Duration.ofSeconds(60);

    static SecretScan scan(TreeFilesystem fs, ScanBudget budget, String... places) throws IOException {
        return new SecretScanner(budget, SecretRuleCatalogue.families()).scan(fs, List.of(places), Map.of());
    }

    @Test
    void symbolicLinkLoopsAreNotFollowed() {
        assertTimeoutPreemptively(NO_HANG, () -> {
            TreeFilesystem fs = TreeFilesystem.fromTar(tar(new String[] {"root/", "dir", ""},
                    new String[] {"root/self", "link", "/root"}, new String[] {"root/up", "link", ".."},
                    new String[] {"root/loop", "link", "loop"},
                    new String[] {"root/key", "link", "/etc/ssl/private/x.key"},
                    new String[] {"etc/ssl/private/x.key", "file", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"}));
            SecretScan s = scan(fs, ScanBudget.DEFAULT, "/root");
            assertEquals(0, s.filesRead(), "links are left where they point");
            assertTrue(s.complete());
        });
    }

    @Test
    void aTreeDeeperThanTheBudgetIsCutShortAndSaysWhere() throws IOException {
        List<String[]> entries = new ArrayList<>();
        StringBuilder p = new StringBuilder("opt");
        for (int i = 0; i < 40; i++) {
            p.append("/d").append(i);
        }
        entries.add(new String[] {p + "/app.env", "file", "DB_PASSWORD=Not-A-Real-Password\n"});
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(entries.toArray(new String[0][])));
        SecretScan s = scan(fs, ScanBudget.DEFAULT, "/opt");
        assertTrue(s.cutShort().orElseThrow().contains("is deeper than 16 levels below /opt"), s.cutShort().toString());
        assertTrue(s.findings().isEmpty());
    }

    @Test
    void aHugeOneLineFileIsReadInItsFirstMibAndScannedInLinearTime() {
        assertTimeoutPreemptively(NO_HANG, () -> {
            TreeFilesystem fs = TreeFilesystem.fromTar(tar(new String[] {"srv/data.txt", "file", "x"}));
            // 8 MiB on one line, full of the prefixes the token patterns test for.
            byte[] line = "sig=sv=AKIAghp_xoxAIzaAccountKey=".repeat(8 * 1024 * 1024 / 32).getBytes(StandardCharsets.US_ASCII);
            fs.replaceContent("/srv/data.txt", line);
            SecretScan s = scan(fs, ScanBudget.DEFAULT, "/srv");
            assertEquals(1, s.partialCount());
            assertTrue(s.partial().get(0).startsWith("/srv/data.txt (1048576 of " + line.length + " bytes)"), s.partial().toString());
            assertTrue(s.bytesRead() <= 1 << 20);
        });
    }

    @Test
    void theByteAndFileLimitsHoldAcrossManyFiles() throws IOException {
        List<String[]> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            entries.add(new String[] {"opt/app/f" + i + ".conf", "file", "value=" + "v".repeat(1000) + "\n"});
        }
        TreeFilesystem fs = TreeFilesystem.fromTar(tar(entries.toArray(new String[0][])));
        SecretScan byBytes = scan(fs, new ScanBudget(20_000, 50_000, Duration.ofSeconds(60), 1 << 20, 16), "/opt");
        assertTrue(byBytes.bytesRead() <= 50_000, "read " + byBytes.bytesRead());
        assertTrue(byBytes.cutShort().orElseThrow().contains("the byte limit (50000) was reached"));
        SecretScan byFiles = scan(fs, new ScanBudget(100, 32L << 20, Duration.ofSeconds(60), 1 << 20, 16), "/opt");
        assertEquals(100, byFiles.filesRead());
        assertTrue(byFiles.cutShort().orElseThrow().contains("the file limit (100) was reached"));
        SecretScan byTime = scan(fs, new ScanBudget(20_000, 32L << 20, Duration.ZERO, 1 << 20, 16), "/opt");
        assertTrue(byTime.cutShort().orElseThrow().contains("the time limit (0 ms) was reached"));
    }

    @Test
    void answerFilesAreReadWithoutEntitiesOrDtds() {
        assertTimeoutPreemptively(NO_HANG, () -> {
            String lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE unattend [<!ENTITY a \"aaaaaaaaaa\">"
                    + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                    + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                    + "<unattend><AdministratorPassword><Value>&d;&e;</Value><PlainText>true</PlainText>"
                    + "</AdministratorPassword></unattend>";
            List<SecretFinding> f = AnswerFile.passwords("/Windows/Panther/unattend.xml", lol.getBytes(StandardCharsets.UTF_8));
            // Entities are neither expanded nor fetched: whatever is reported is short.
            assertTrue(f.stream().allMatch(x -> x.length() < 100), f.toString());
        });
    }

    @Test
    void aDamagedAnswerFileReportsWhatWasReadBeforeTheDamage() {
        String xml = "<unattend><UserAccounts><AdministratorPassword><Value>P@ss-1</Value><PlainText>true</PlainText>"
                + "</AdministratorPassword></UserAccounts><AutoLogon><Password><Value>oops</Valu";
        List<SecretFinding> f = AnswerFile.passwords("/unattend.xml", xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, f.size());
        assertEquals(6, f.get(0).length());
    }

    @Test
    void utf16AnswerFilesAndTextAreReadAsText() {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><unattend><AutoLogon><Password><Value>Pw-123</Value>"
                + "</Password></AutoLogon></unattend>";
        byte[] utf16 = concat(new byte[] {(byte) 0xff, (byte) 0xfe}, xml.getBytes(StandardCharsets.UTF_16LE));
        List<SecretFinding> f = AnswerFile.passwords("/Windows/Panther/unattend.xml", utf16);
        assertEquals(1, f.size(), f.toString());
        assertTrue(ScannedFile.isText(utf16), "a UTF-16 byte-order mark makes it text despite its NUL bytes");
        assertTrue(!ScannedFile.isText(new byte[] {'a', 0, 'b'}));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
