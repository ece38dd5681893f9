package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.source.BlobFetcher;
import io.vhdflow.source.BlobJob;
import io.vhdflow.source.BlobJobException;
import io.vhdflow.source.FetchResult;
import io.vhdflow.source.FetchSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fetch stage: a job taken in from a blob job file ({@code NAME.blob.json}) gets its disk
 * fetched from Azure Storage into its work folder, as a sparse file, before the backup stage
 * copies it; a job taken in from a dropped disk has nothing to fetch and never runs it. A crash or
 * retry resumes the fetch where it stopped.
 */
public final class FetchStage implements StageWork {
    private final HomeLayout home;
    private final JobJournal journal;
    private final BlobFetcher fetcher;
    private final FetchSettings settings;
    private final ObjectMapper json;

    public FetchStage(HomeLayout home, JobJournal journal, BlobFetcher fetcher, FetchSettings settings,
                      ObjectMapper json) {
        this.home = home;
        this.journal = journal;
        this.fetcher = fetcher;
        this.settings = settings;
        this.json = json;
    }

    /** The job file of a blob job, in its work folder. */
    public Path jobFile(JobRecord job) {
        return home.jobWork(job.id()).resolve(job.sourceName() + BlobJob.SUFFIX);
    }

    @Override
    public boolean appliesTo(JobRecord job) {
        return Files.isRegularFile(jobFile(job));
    }

    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        Path jobFile = jobFile(job);
        Path target = home.jobWork(job.id()).resolve(job.sourceName());
        if (Files.isRegularFile(target) && !Files.exists(BlobFetcher.partialFile(target))) {
            // Landed and verified before a crash kept the journal from recording it.
            journal.setSourceSize(job.id(), Files.size(target));
            return StageOutcome.of(0, 0, json.writeValueAsString(Map.of("source", "blob", "alreadyFetched", true)));
        }
        try {
            BlobJob blob = BlobJob.read(jobFile, home.home(), settings, json);
            FetchResult r = fetcher.fetch(blob, target, progress::bytesTotal, progress::bytesDone);
            journal.setSourceSize(job.id(), r.blobSize());
            return StageOutcome.of(r.fetchedBytes(), r.fetchedBytes(), json.writeValueAsString(r.describe()));
        } catch (BlobJobException e) {
            throw new JobRejectedException(JobError.of(e.code(), Stage.FETCH.id(), e.getMessage(),
                    "correct the job file (or the SAS token it names) in failed/" + job.id() + "/ and retry the job,"
                            + " or drop a corrected job file again", e.problems()), e);
        }
    }

    @Override
    public long bytesTotal(JobRecord job) {
        return job.sourceSize();
    }
}
