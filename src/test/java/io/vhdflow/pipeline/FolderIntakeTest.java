package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.data.DataDiskVerification;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TestHome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VM image's folder in drop/: taken in as one job with its disks' roles and LUNs, or rejected
 * with one clear job error and its files left in place (plain Java on a real journal, no Camel).
 */
class FolderIntakeTest {
    @RegisterExtension
    final TestHome home = new TestHome();
    Settings settings;
    DiskJournal disks;
    Path drop;

    @BeforeEach
    void setUp() throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", home.dir().toString());
        p.setProperty("vhdflow.intake.settle-ms", "0");
        settings = Settings.from(p);
        disks = home.disks();
        drop = settings.home().drop();
    }

    private FolderIntake intake(Duration growthLimit) {
        DataDiskVerification data = new DataDiskVerification(new VerificationService(), ScanBudget.DEFAULT);
        return new FolderIntake(settings, home.journal(), disks, new JobFailure(settings.home(), home.journal(),
                Json.mapper()), home.intake(), data::operatingSystems, Json.mapper(), growthLimit);
    }

    private Path folder(String name, Map<String, String> fixtures) throws Exception {
        Path f = Files.createDirectories(drop.resolve(name));
        for (Map.Entry<String, String> e : fixtures.entrySet()) {
            Path x = Fixtures.extract(e.getValue(), home.dir());
            Files.move(x, f.resolve(e.getKey()));
        }
        return f;
    }

    /** What each file of a folder holds, to prove nothing was changed. */
    private static Map<String, String> contents(Path folder) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), io.vhdflow.pipeline.camel.PipelineTestSupport.sha256(f));
            }
        }
        return out;
    }

    private JsonNode error(JobRecord job) throws Exception {
        return Json.mapper().readTree(job.errorJson().orElseThrow());
    }

    private List<JobRecord> jobs() {
        return home.journal().jobs(JobJournal.JobFilter.all());
    }

    @Test
    void aFolderOfAnOsDiskAndDataDisksIsOneJobWithTheOsDiskFoundByInspection() throws Exception {
        folder("appserver", Map.of("disk-a.vhd", "data-disks/data-xfs-mbr.vhd.zst",
                "disk-b.vhd", "linux-images/ext4-mbr-generalized.vhd.zst",
                "disk-c.vhd", "data-disks/data-ext4-gpt.vhd.zst"));
        FolderIntake intake = intake(Duration.ofMinutes(10));
        assertEquals(List.of(), intake.takeInReadyFolders(), "first sight: not yet known to be complete");
        List<String> queued = intake.takeInReadyFolders();
        assertEquals(1, queued.size());
        JobRecord job = home.journal().job(queued.get(0)).orElseThrow();
        assertEquals(JobState.QUEUED, job.state());
        assertEquals("disk-b.vhd", job.sourceName(), "the disk with an OS is the OS disk");
        assertEquals("appserver", job.imageName());
        List<JobDisk> d = disks.disks(job.id());
        assertEquals(List.of("disk-b.vhd", "disk-a.vhd", "disk-c.vhd"), d.stream().map(JobDisk::fileName).toList());
        assertEquals(List.of(JobDisk.Role.OS, JobDisk.Role.DATA, JobDisk.Role.DATA), d.stream().map(JobDisk::role).toList());
        assertEquals(List.of(Optional.empty(), Optional.of(0), Optional.of(1)), d.stream().map(JobDisk::lun).toList(),
                "data disks get LUNs in file-name order");
        assertFalse(Files.exists(drop.resolve("appserver")), "moved whole into work/");
        assertTrue(Files.isRegularFile(settings.home().jobWork(job.id()).resolve("disk-a.vhd")));
    }

    @Test
    void imageJsonNamesTheDisksAndEveryMistakeInItIsOneJobErrorLeavingTheFilesInPlace() throws Exception {
        Path f = Files.createDirectories(drop.resolve("db"));
        for (String n : List.of("os.vhd", "data1.vhd", "data2.vhd", "data3.vhd")) {
            Files.write(f.resolve(n), n.getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(f.resolve("image.json"), """
                {"imageDefinition": "db-server", "osDisk": "os.vhd",
                 "dataDisks": [{"file": "data1.vhd", "lun": 3, "hostCaching": "ReadOnly"},
                               {"file": "data2.vhd", "lun": 3},
                               {"file": "data3.vhd", "lun": 64},
                               {"file": "logs.vhd", "lun": 5}]}
                """);
        Files.createFile(f.resolve(".ready"));
        Map<String, String> before = contents(f);
        FolderIntake intake = intake(Duration.ofMinutes(10));
        intake.takeInReadyFolders();
        assertEquals(List.of(), intake.takeInReadyFolders());
        assertEquals(1, jobs().size());
        JobRecord job = jobs().get(0);
        assertEquals(JobState.FAILED, job.state());
        JsonNode e = error(job);
        assertEquals("layout.invalid", e.path("code").asText());
        String details = e.path("details").toString();
        assertTrue(details.contains("LUN 3 is used by two data disks"), details);
        assertTrue(details.contains("LUN 64 is out of range"), details);
        assertTrue(details.contains("logs.vhd") && details.contains("not in the folder"), details);
        assertEquals(before, contents(f), "every input file left where it was, unchanged");
        assertTrue(Files.isRegularFile(settings.home().jobFailed(job.id()).resolve("error.txt")));

        intake.takeInReadyFolders();
        assertEquals(1, jobs().size(), "the same folder is not rejected again until it changes");

        Files.writeString(f.resolve("image.json"), """
                {"imageDefinition": "db-server", "osDisk": "os.vhd",
                 "dataDisks": [{"file": "data1.vhd", "lun": 3, "hostCaching": "ReadOnly"},
                               {"file": "data2.vhd", "lun": 0}, {"file": "data3.vhd", "lun": 63}]}
                """);
        intake.takeInReadyFolders();
        List<String> queued = intake.takeInReadyFolders();
        assertEquals(1, queued.size(), "corrected in place, it is taken in");
        List<JobDisk> d = disks.disks(queued.get(0));
        assertEquals(List.of("os.vhd", "data2.vhd", "data1.vhd", "data3.vhd"), d.stream().map(JobDisk::fileName).toList());
        assertEquals(Optional.of("ReadOnly"), d.get(2).hostCaching());
        assertEquals(Optional.of("None"), d.get(1).hostCaching());
        assertEquals("db-server", home.journal().job(queued.get(0)).orElseThrow().imageName());
    }

    @Test
    void twoOsDisksAreRejectedNamingBothAndLeftInPlace() throws Exception {
        Path f = folder("two", Map.of("first.vhd", "linux-images/ext4-mbr-generalized.vhd.zst",
                "second.vhd", "linux-images/xfs-lvm-gpt-generalized.vhd.zst",
                "data.vhd", "data-disks/data-ext4-gpt.vhd.zst"));
        Map<String, String> before = contents(f);
        FolderIntake intake = intake(Duration.ofMinutes(10));
        intake.takeInReadyFolders();
        assertEquals(List.of(), intake.takeInReadyFolders());
        JsonNode e = error(jobs().get(0));
        assertEquals("layout.two-os-disks", e.path("code").asText());
        assertTrue(e.path("message").asText().contains("first.vhd, second.vhd"), e.toString());
        assertTrue(e.path("details").get(0).asText().startsWith("first.vhd: "), e.toString());
        assertEquals(before, contents(f));
    }

    @Test
    void aFolderThatKeepsGrowingIsAJobErrorOnceAndItsFilesStay() throws Exception {
        Path f = Files.createDirectories(drop.resolve("copying"));
        Path disk = f.resolve("os.vhd");
        Files.write(disk, new byte[512]);
        FolderIntake intake = intake(Duration.ZERO);
        intake.takeInReadyFolders();
        for (int i = 0; i < 3; i++) {
            Files.write(disk, new byte[512], StandardOpenOption.APPEND);
            assertEquals(List.of(), intake.takeInReadyFolders());
        }
        assertEquals(1, jobs().size(), "said once while it keeps growing");
        assertEquals("input.folder-growing", error(jobs().get(0)).path("code").asText());
        assertEquals(2048, Files.size(disk), "still in drop/, untouched");
    }

    @Test
    void aDiskWrittenAfterIntakeFailsTheBackupNamingIt() throws Exception {
        Path f = Files.createDirectories(drop.resolve("vm"));
        Files.write(f.resolve("os.vhd"), new byte[4096]);
        Files.write(f.resolve("data.vhd"), new byte[4096]);
        Files.writeString(f.resolve("image.json"), "{\"osDisk\": \"os.vhd\"}");
        Files.createFile(drop.resolve("vm.ready"));
        FolderIntake intake = intake(Duration.ofMinutes(10));
        intake.takeInReadyFolders();
        String id = intake.takeInReadyFolders().get(0);
        assertFalse(Files.exists(drop.resolve("vm.ready")), "the marker beside the folder is used up");
        Files.write(settings.home().jobWork(id).resolve("data.vhd"), new byte[512], StandardOpenOption.APPEND);
        JobWorkFolder work = new JobWorkFolder(settings.home(), home.journal());
        BackupStage backup = new BackupStage(new BackupService(settings, Json.mapper()), work, home.journal(), disks,
                new DiskStageRunner(disks, Json.mapper(), 2), Json.mapper());
        JobRejectedException e = assertThrows(JobRejectedException.class,
                () -> new StageRunner(home.journal()).run(id, Stage.BACKUP, backup));
        assertEquals("input.being-written", e.error().code());
        assertTrue(e.error().message().contains("data.vhd (data disk, LUN 0)"), e.error().message());
        assertEquals(StageState.DONE, disks.stage(id, 0, Stage.BACKUP).orElseThrow().state(), "the OS disk was fine");
        assertEquals(StageState.FAILED, disks.stage(id, 1, Stage.BACKUP).orElseThrow().state());
    }
}
