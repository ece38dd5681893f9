package io.vhdflow.inspect.windows;

import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.detect.Filesystems;
import io.vhdflow.disk.detect.VolumeSystems;
import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.inspect.Assessment;
import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScannedVolume;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.inspect.VerdictRule;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.vhdflow.inspect.windows.WindowsImages.assertEvidence;
import static io.vhdflow.inspect.windows.WindowsImages.check;
import static io.vhdflow.inspect.windows.WindowsImages.mustFailures;
import static io.vhdflow.inspect.windows.WindowsImages.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W2 (the hives read are what Windows would see) and W3 (not hibernated, volume clean), each on an
 * image where it is the only check that fails, so the verdict depends on it.
 */
class HiveAndHibernationTest {
    private static final String CONFIG = "/Windows/System32/config/";

    @TempDir
    Path dir;

    @Test
    void aDirtySystemHiveIsReadAfterReplayingItsLogs() throws Exception {
        VerificationReport r = verify("dirty-hive", dir);
        assertEquals(Verdict.READY, r.verdict(), r.reasons().toString());
        CheckResult w2 = check(r, "W2");
        assertEquals(CheckStatus.PASS, w2.status());
        assertEvidence(w2, "gpt:p3/ntfs:/Windows/System32/config/SYSTEM: dirty, made consistent by replaying its transaction log");
        // PortNumber 3390 is only in SYSTEM.LOG2: the checks read the replayed hive.
        assertEvidence(check(r, "W6"), "gpt:p3/ntfs:SYSTEM\\ControlSet001\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber = 3390");
    }

    @Test
    void theSameDirtyHiveWithoutItsLogsIsNotGeneralized() throws Exception {
        Path vhd = Fixtures.extract("windows/dirty-hive.vhd.zst", dir);
        try (DiskImage img = DiskImages.open(vhd)) {
            DiskLayout layout = VolumeSystems.open(img.virtualDisk());
            List<ScannedVolume> scanned = new ArrayList<>();
            for (Volume v : layout.volumes()) {
                Optional<NodeFilesystem<?>> fs = Filesystems.open(v.source());
                if (fs.isPresent()) {
                    scanned.add(new ScannedVolume(v, fs, Optional.empty(), Optional.empty()));
                }
            }
            InspectedDisk disk = new InspectedDisk(vhd, Optional.of(img.format()), Optional.of(img), Optional.empty(),
                    Optional.of(layout), Optional.empty(), scanned);
            NodeFilesystem<?> ntfs = scanned.stream().filter(s -> s.volume().id().equals("gpt:p3")).findFirst().orElseThrow()
                    .filesystem().orElseThrow();
            // The primary file alone, as a reader that ignores SYSTEM.LOG1/LOG2 would see it.
            Hive stale = Hive.open(ntfs.open(CONFIG + "SYSTEM"));
            Hive software = Hive.open(ntfs.open(CONFIG + "SOFTWARE"));
            WindowsSystem w = new WindowsSystem("gpt:p3/ntfs", MountedView.of(ntfs, "gpt:p3/ntfs"), Optional.of(stale),
                    Optional.of(software), List.of(), BcdLookup.find(disk));
            List<CheckResult> results = WindowsInspector.run(new WindowsContext(w, Policy.AZURE_PLATFORM), CheckCatalog.standard());
            Assessment a = VerdictRule.assess(results, Set.of());
            assertEquals(Verdict.NOT_READY, a.verdict(), a.reasons().toString());
            List<String> must = a.checks().stream().filter(c -> c.failed() && c.severity() == Severity.MUST).map(CheckResult::id).toList();
            assertEquals(List.of("W2"), must, "only W2 sees the problem: " + a.reasons());
            CheckResult w2 = a.checks().stream().filter(c -> c.id().equals("W2")).findFirst().orElseThrow();
            assertTrue(w2.evidence().get(0).contains("SYSTEM: dirty (sequence numbers 3 != 2) and no usable transaction log"),
                    w2.evidence().toString());
        }
    }

    @Test
    void aHibernationHeaderInHiberfilSysBlocks() throws Exception {
        VerificationReport r = verify("hibernated", dir);
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of("W3"), mustFailures(r), "only W3 sees the problem");
        CheckResult w3 = check(r, "W3");
        assertEquals("gpt:p3/ntfs:/hiberfil.sys: holds a resumable hibernation image", w3.evidence().get(0));
        assertEvidence(w3, "NTFS dirty flag clear");
        assertTrue(w3.remediation().contains("powercfg /h off"), w3.remediation());
    }

    @Test
    void anNtfsVolumeMarkedDirtyBlocks() throws Exception {
        VerificationReport r = verify("dirty", dir);
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of("W3"), mustFailures(r), "only W3 sees the problem");
        CheckResult w3 = check(r, "W3");
        assertTrue(w3.evidence().get(0).startsWith("gpt:p3/ntfs: NTFS dirty flag set"), w3.evidence().toString());
        assertEvidence(w3, "gpt:p3/ntfs:/hiberfil.sys: absent");
    }
}
