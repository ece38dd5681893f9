package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobRejectedException;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.JobWorkFolder;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRunner;
import io.vhdflow.pipeline.VerifyStage;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jobs show} explains a job that verification rejected (a Windows image that was not
 * generalized): its stages with times, the findings grouped with evidence and remedy, the error;
 * {@code jobs retry} puts it back to work; {@code jobs --watch} redraws.
 */
class JobsShowTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    /** Takes the specialized (not generalized) fixture in and verifies it, as the pipeline would, until the job fails. */
    private String rejectedJob() throws Exception {
        Path image = Fixtures.extract("windows/specialized.vhd.zst", home.dir());
        String id = home.takeIn("running.vhd", Files.readAllBytes(image), Optional.empty());
        Files.delete(image);
        VerifyStage verify = new VerifyStage(home.settings(), home.journal(), new VerificationService(),
                new JobWorkFolder(home.settings().home(), home.journal()), Json.mapper(), home.disks(),
                new io.vhdflow.pipeline.DiskStageRunner(home.disks(), Json.mapper(), 1),
                new io.vhdflow.inspect.data.DataDiskVerification(new VerificationService(),
                        io.vhdflow.inspect.ScanBudget.DEFAULT));
        JobRejectedException e = assertThrows(JobRejectedException.class,
                () -> new StageRunner(home.journal()).run(id, Stage.VERIFY, verify));
        new JobFailure(home.settings().home(), home.journal(), Json.mapper()).fail(id, e.error());
        return id;
    }

    @Test
    void showsTheFindingsOfANotGeneralizedJobGroupedWithEvidenceAndRemedy() throws Exception {
        String id = rejectedJob();
        Cli.Run r = Cli.run("jobs", "show", id, "--home", home.dir().toString());
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("Job " + id + ": running.vhd -> vhdflow/running"), out);
        assertTrue(out.contains("  state     failed (stage verify)"), out);
        assertTrue(out.contains("  verdict   not-ready"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  verify +failed +1 +\\d{4}-\\d\\d-\\d\\dT.*")), out);
        assertTrue(out.contains("Findings (policy azure-platform, verdict not-ready)"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  blocking \\(\\d+\\)")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("    W1 +provisioning +MUST +.*")), out);
        assertTrue(out.contains("evidence: ") && out.contains("IMAGE_STATE_COMPLETE"), out);
        assertTrue(out.contains("         fix: "), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("  passed \\(\\d+\\): G1 .*")), out);
        assertTrue(out.contains("  what      image.not-ready: running.vhd is not ready to publish: provisioning (W1) block"), out);
        assertTrue(out.contains("  to do     fix each blocking check in the source VM"), out);

        Cli.Run json = Cli.run("jobs", "show", id, "--home", home.dir().toString(), "--json");
        JsonNode job = Json.mapper().readTree(json.out());
        List<String> blocking = new java.util.ArrayList<>();
        job.at("/findings/blocking").forEach(c -> blocking.add(c.path("id").asText()));
        assertTrue(blocking.contains("W1"), blocking.toString());
        assertEquals(List.of("blocking", "warning", "not-run", "waived", "passed", "not-applicable"),
                iterable(job.path("findings").fieldNames()));
        assertTrue(job.at("/findings/passed").size() > 0, json.out());

        Cli.Run missing = Cli.run("jobs", "show", "nope", "--home", home.dir().toString());
        assertEquals(ExitCode.INPUT_INVALID, missing.exit());
        assertEquals("vhdflow: job nope: is not in the journal of " + home.dir().toAbsolutePath()
                + " ('vhdflow jobs' lists the jobs)", missing.err().strip());
    }

    @Test
    void retryPutsAFailedJobBackToWorkWhenNoServiceRuns() throws Exception {
        String id = rejectedJob();
        Cli.Run r = Cli.run("jobs", "retry", id, "--home", home.dir().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("job " + id + " is queued again and resumes at its backup stage"), r.out());
        assertEquals(JobState.QUEUED, home.journal().job(id).orElseThrow().state());
        assertTrue(Files.isRegularFile(home.settings().home().jobWork(id).resolve("running.vhd")));

        Cli.Run again = Cli.run("jobs", "retry", id, "--home", home.dir().toString(), "--json");
        assertEquals(ExitCode.INPUT_INVALID, again.exit());
        assertEquals("conflict", Json.mapper().readTree(again.out()).at("/error/kind").asText(), again.out());
    }

    @Test
    void watchRedrawsWithAProgressBarPerRunningStage() throws Exception {
        String id = home.takeIn("big.vhd", new byte[] {1}, Optional.empty());
        home.journal().startStage(id, Stage.BACKUP, 4L << 30);
        home.journal().progress(id, Stage.BACKUP, 1L << 30);
        Cli.Run r = Cli.run("jobs", "--watch", "--interval", "0.2", "--frames", "2",
                "--home", home.dir().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("jobs in ")).count(), r.out());
        assertTrue(r.out().contains("backup    [######..................]  25% (1.0 GiB of 4.0 GiB)"), r.out());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
