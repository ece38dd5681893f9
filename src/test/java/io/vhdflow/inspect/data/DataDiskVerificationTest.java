package io.vhdflow.inspect.data;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data-disk checks on disks made by mke2fs, mkfs.xfs and mkntfs (fixtures/make-data-disks.sh). */
class DataDiskVerificationTest {
    @TempDir
    Path dir;

    private DataDiskReport verify(String fixture) throws Exception {
        return new DataDiskVerification(new VerificationService(), ScanBudget.DEFAULT)
                .verify(Fixtures.extract(fixture, dir));
    }

    private static CheckResult check(DataDiskReport r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void cleanDataDisksOfEachFilesystemPass() throws Exception {
        for (String f : new String[] {"data-ext4-gpt", "data-xfs-mbr", "data-ntfs-gpt"}) {
            DataDiskReport r = verify("data-disks/" + f + ".vhd.zst");
            assertTrue(r.passed(), () -> f + ": " + r.checks());
            assertEquals(CheckStatus.PASS, check(r, DataDiskVerification.SECRETS).status(), f);
            assertTrue(r.operatingSystems().isEmpty(), f);
            // The scan went through the disk's filesystem: the evidence names the volume it covered.
            assertTrue(check(r, DataDiskVerification.SECRETS).evidence().stream().anyMatch(e -> e.startsWith("scanned ")
                    && !e.startsWith("scanned 0 files")), () -> f + ": " + check(r, DataDiskVerification.SECRETS));
        }
        assertEquals("vhd-dynamic", verify("data-disks/data-ext4-gpt.vhd.zst").format());
        assertEquals(320L << 20, verify("data-disks/data-xfs-mbr.vhd.zst").virtualSize());
    }

    @Test
    void aLeftoverPrivateKeyOnADataDiskBlocks() throws Exception {
        DataDiskReport r = verify("data-disks/data-ext4-key.vhd.zst");
        assertFalse(r.passed());
        CheckResult secrets = check(r, DataDiskVerification.SECRETS);
        assertEquals(CheckStatus.FAIL, secrets.status());
        assertTrue(secrets.evidence().get(0).contains("/backup/deploy/id_ed25519"), secrets.evidence().toString());
        assertEquals(java.util.List.of(secrets), r.blocking());
    }

    @Test
    void anOperatingSystemOnADataDiskBlocks() throws Exception {
        DataDiskReport r = verify("linux-images/ext4-mbr-generalized.vhd.zst");
        assertFalse(r.passed());
        CheckResult noOs = check(r, DataDiskVerification.NO_OS);
        assertEquals(CheckStatus.FAIL, noOs.status());
        assertEquals(1, r.operatingSystems().size());
        assertTrue(r.operatingSystems().get(0).contains("mbr:p1"), r.operatingSystems().toString());
    }
}
