package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.TestHome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntakeServiceTest {
    @RegisterExtension
    final TestHome testHome = new TestHome();
    Path home;
    Settings settings;
    JobJournal journal;
    IntakeService intake;

    @BeforeEach
    void setUp() {
        home = testHome.dir();
        settings = testHome.settings();
        journal = testHome.journal();
        intake = testHome.intake();
    }

    @Test
    void aVhdAndItsSidecarMoveIntoTheJobsWorkFolder() throws Exception {
        Path vhd = Files.write(settings.home().drop().resolve("Ubuntu 22.VHD"), new byte[] {1, 2, 3});
        Files.writeString(settings.home().drop().resolve("Ubuntu 22.VHD.json"),
                "{\"gallery\":\"prod\",\"publisher\":\"contoso\",\"version\":\"2.0.0\",\"tags\":{\"team\":\"ops\"}}");
        Files.writeString(settings.home().drop().resolve("Ubuntu 22.VHD.ready"), "");
        String id = intake.takeIn(vhd, Optional.empty()).orElseThrow();
        Path work = settings.home().jobWork(id);
        assertTrue(Files.isRegularFile(work.resolve("Ubuntu 22.VHD")));
        assertTrue(Files.isRegularFile(work.resolve("Ubuntu 22.VHD.json")));
        assertFalse(Files.exists(vhd));
        assertFalse(Files.exists(settings.home().drop().resolve("Ubuntu 22.VHD.ready")));
        JobRecord job = journal.job(id).orElseThrow();
        assertEquals(JobState.QUEUED, job.state());
        assertEquals("prod", job.metadata().gallery());
        assertEquals("Ubuntu-22", job.imageName(), "image name derived from the file name");
        assertEquals("2.0.0", job.metadata().version());
        assertEquals(3, job.sourceSize());
    }

    @Test
    void badSidecarFailsTheJobAtOnceAndKeepsTheFile() throws Exception {
        Path vhd = Files.write(settings.home().drop().resolve("x.vhd"), new byte[] {9});
        Files.writeString(settings.home().drop().resolve("x.vhd.json"),
                "{\"gallery\":\"bad gallery!\",\"version\":\"v1\"}");
        String id = intake.takeIn(vhd, Optional.empty()).orElseThrow();
        Path failed = settings.home().jobFailed(id);
        assertTrue(Files.isRegularFile(failed.resolve("x.vhd")), "the original is kept");
        JsonNode error = Json.mapper().readTree(failed.resolve("error.json").toFile());
        assertEquals("metadata.invalid", error.get("code").asText());
        assertEquals(2, error.get("details").size(), error.toString());
        assertTrue(Files.readString(failed.resolve("error.txt")).contains("What to do:"));
        assertEquals(JobState.FAILED, journal.job(id).orElseThrow().state());
    }

    @Test
    void unknownSidecarFieldsAndBrokenJsonAreClearErrors() throws Exception {
        Path vhd = Files.write(settings.home().drop().resolve("y.vhd"), new byte[] {9});
        Files.writeString(settings.home().drop().resolve("y.vhd.json"), "{\"osType\":\"Linux\"}");
        String id = intake.takeIn(vhd, Optional.empty()).orElseThrow();
        String error = Files.readString(settings.home().jobFailed(id).resolve("error.json"));
        assertTrue(error.contains("osType"), error);
    }

    @Test
    void onlyAQueuedJobGoesOnToThePipeline() throws Exception {
        Path good = Files.write(settings.home().drop().resolve("good.vhd"), new byte[] {1});
        String id = intake.takeInForPipeline(good, Optional.empty()).orElseThrow();
        assertEquals(JobState.QUEUED, journal.job(id).orElseThrow().state());

        Path bad = Files.write(settings.home().drop().resolve("bad.vhd"), new byte[] {2});
        Files.writeString(settings.home().drop().resolve("bad.vhd.json"), "{\"gallery\":\"bad gallery!\"}");
        assertEquals(Optional.empty(), intake.takeInForPipeline(bad, Optional.empty()),
                "a job failed on its sidecar stays out of the pipeline");
        assertEquals(2, journal.jobs(JobJournal.JobFilter.all()).size(), "but it is taken in and recorded");
        assertEquals(1, journal.jobs(new JobJournal.JobFilter(Optional.of(JobState.FAILED), Optional.empty(),
                Optional.empty(), 10)).size());

        Path link = Files.createSymbolicLink(settings.home().drop().resolve("link.vhd"), home.resolve("nowhere"));
        assertEquals(Optional.empty(), intake.takeInForPipeline(link, Optional.empty()));
        assertEquals(2, journal.jobs(JobJournal.JobFilter.all()).size(), "a refused file makes no job");
    }

    @Test
    void symlinksDirectoriesAndFifosAreRefusedWithoutBeingFollowed() throws Exception {
        Path target = Files.write(home.resolve("real.vhd"), new byte[] {1});
        Path link = Files.createSymbolicLink(settings.home().drop().resolve("link.vhd"), target);
        assertTrue(IntakeService.refusal(link).orElseThrow().contains("symbolic link"));
        assertTrue(intake.takeIn(link, Optional.empty()).isEmpty());
        assertTrue(Files.exists(target), "the link's target is untouched");
        Path dir = Files.createDirectory(settings.home().drop().resolve("dir.vhd"));
        assertTrue(IntakeService.refusal(dir).orElseThrow().contains("directory"));
        assertTrue(IntakeService.refusal(Files.write(home.resolve("a.txt"), new byte[0])).isPresent());

        Path fifo = settings.home().drop().resolve("pipe.vhd");
        ExternalTools.require(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo (coreutils) could not make a FIFO in the drop folder");
        assertTrue(IntakeService.refusal(fifo).orElseThrow().contains("not a regular file"));
        assertTrue(journal.jobs(JobJournal.JobFilter.all()).isEmpty());
    }

    @Test
    void everyDiskImageExtensionIsTakenAndNothingElse() throws Exception {
        for (String name : new String[] {"a.VHDX", "b.qcow2", "c.vmdk", "d.ova", "e.IMG", "f.raw", "g.vhd"}) {
            assertEquals(Optional.empty(), IntakeService.refusal(Files.write(settings.home().drop().resolve(name),
                    new byte[] {1})), name);
        }
        for (String name : new String[] {"a.vhd.json", "a.vhd.ready", "a.vhdx.partial", "notes.txt", "x.json"}) {
            assertTrue(IntakeService.refusal(Files.write(settings.home().drop().resolve(name), new byte[] {1}))
                    .isPresent(), name);
        }
        String id = intake.takeIn(settings.home().drop().resolve("b.qcow2"), Optional.empty()).orElseThrow();
        assertEquals("b", journal.job(id).orElseThrow().imageName(), "the extension is not part of the image name");
    }

    @Test
    void theExtentsOfASplitVmdkAreRefusedAsPiecesOfTheirDescriptor() throws Exception {
        Path drop = settings.home().drop();
        Files.writeString(drop.resolve("vm.vmdk"), "# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\n"
                + "createType=\"twoGbMaxExtentSparse\"\nRW 8 SPARSE \"vm-s001.vmdk\"\nRW 8 SPARSE \"vm-s002.vmdk\"\n");
        Path s1 = Files.write(drop.resolve("vm-s001.vmdk"), new byte[] {'K', 'D', 'M', 'V'});
        Path other = Files.write(drop.resolve("other.vmdk"), new byte[] {'K', 'D', 'M', 'V'});
        assertTrue(IntakeService.refusal(s1).orElseThrow().contains("extent of the split VMDK vm.vmdk"),
                IntakeService.refusal(s1).toString());
        assertEquals(Optional.empty(), IntakeService.refusal(other));
        assertEquals(Optional.empty(), IntakeService.refusal(drop.resolve("vm.vmdk")));
    }

    @Test
    void aBlobJobFileBecomesAJobWhoseDiskIsFetchedLater() throws Exception {
        Path f = Files.writeString(settings.home().drop().resolve("web.blob.json"), "{\"url\":"
                + " \"https://acct.blob.core.windows.net/vhds/web-01.vhdx\", \"sasTokenEnv\": \"VHDFLOW_WEB_SAS\","
                + " \"image\": {\"version\": \"3.1.0\"}}");
        String id = intake.takeIn(f, Optional.empty()).orElseThrow();
        JobRecord job = journal.job(id).orElseThrow();
        assertEquals(JobState.QUEUED, job.state());
        assertEquals("web.vhdx", job.sourceName(), "the job file's name with the blob's extension");
        assertEquals("web", job.imageName());
        assertEquals("3.1.0", job.metadata().version());
        assertEquals(0, job.sourceSize(), "known once fetched");
        assertTrue(Files.isRegularFile(settings.home().jobWork(id).resolve("web.vhdx.blob.json")));
        assertFalse(Files.exists(f));
    }

    @Test
    void aBlobJobFileThatCannotBeUsedFailsAtIntakeNamingEveryProblem() throws Exception {
        Path f = Files.writeString(settings.home().drop().resolve("bad.blob.json"), "{\"url\":"
                + " \"http://evil.example.com/vhds/x.vhd?sv=2024&sig=SECRET\", \"sasTokenEnv\": \"HOME\"}");
        String id = intake.takeIn(f, Optional.empty()).orElseThrow();
        assertEquals(JobState.FAILED, journal.job(id).orElseThrow().state());
        Path failed = settings.home().jobFailed(id);
        assertTrue(Files.isRegularFile(failed.resolve("bad.blob.json")), "the job file is kept");
        JsonNode error = Json.mapper().readTree(failed.resolve("error.json").toFile());
        assertEquals("blob.invalid", error.get("code").asText());
        String details = error.get("details").toString();
        assertTrue(details.contains("query string") && details.contains("VHDFLOW_"), details);
        assertFalse(error.toString().contains("SECRET"), "the token in the URL is not repeated: " + error);

        Path g = Files.writeString(settings.home().drop().resolve("g.blob.json"), "{\"url\":"
                + " \"http://somewhere.example.com/c/b.vhd\", \"typo\": 1}");
        String id2 = intake.takeIn(g, Optional.empty()).orElseThrow();
        String e2 = Files.readString(settings.home().jobFailed(id2).resolve("error.json"));
        assertTrue(e2.contains("typo"), e2);
    }
}
