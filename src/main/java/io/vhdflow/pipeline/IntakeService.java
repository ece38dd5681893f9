package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.ImageMetadata;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a complete VHD in the drop or batch folder into a job: gives it a stable id, moves it
 * (rename, same filesystem) with its sidecar into {@code work/<job>/}, and records it. Bad sidecar
 * metadata fails the job at once with a clear error; the file is kept in {@code failed/<job>/}.
 */
public final class IntakeService {
    private static final System.Logger LOG = System.getLogger(IntakeService.class.getName());
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** Sidecars are a few hundred bytes; anything far larger is not a sidecar. */
    private static final long MAX_SIDECAR_BYTES = 64 * 1024;

    private final Settings settings;
    private final JobJournal journal;
    private final JobFailure failure;
    private final ObjectMapper strictJson;
    private final SecureRandom random = new SecureRandom();

    public IntakeService(Settings settings, JobJournal journal, JobFailure failure, ObjectMapper json) {
        this.settings = settings;
        this.journal = journal;
        this.failure = failure;
        this.strictJson = json.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Why {@code file} may not be taken in, or empty when it is a regular {@code .vhd} file. */
    public static Optional<String> refusal(Path file) {
        String name = file.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".vhd")) {
            return Optional.of("not a .vhd file");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Optional.of("cannot read its attributes: " + e.getMessage());
        }
        if (a.isSymbolicLink()) {
            return Optional.of("it is a symbolic link; drop the file itself, links are never followed");
        }
        if (a.isDirectory()) {
            return Optional.of("it is a directory");
        }
        if (!a.isRegularFile()) {
            return Optional.of("it is not a regular file (a FIFO, socket or device); it was not opened");
        }
        return Optional.empty();
    }

    /** A new job id: UTC time of intake plus 48 random bits, sortable and unique. */
    public String newJobId() {
        byte[] r = new byte[6];
        random.nextBytes(r);
        return ID_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(r);
    }

    /**
     * Takes {@code file} in.
     *
     * @return the new job's id, or empty when the file was refused (logged) or vanished
     */
    public Optional<String> takeIn(Path file, Optional<String> batchId) throws IOException {
        Optional<String> refused = refusal(file);
        if (refused.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "refused {0}: {1}", file, refused.get());
            return Optional.empty();
        }
        String name = file.getFileName().toString();
        Path sidecar = file.resolveSibling(name + ".json");
        Path marker = file.resolveSibling(name + ".ready");
        long size = Files.size(file);

        String jobId = newJobId();
        Path work = settings.home().jobWork(jobId);
        Files.createDirectories(work);
        try {
            Files.move(file, work.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.delete(work);
            throw new IOException("the drop folder and work/ must be on one filesystem (a VHD is moved, never "
                    + "copied, on intake); " + file + " was left where it is", e);
        }
        List<String> problems = List.of();
        ImageMetadata metadata = ImageMetadata.EMPTY;
        if (Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(sidecar, work.resolve(sidecar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            try {
                metadata = readSidecar(work.resolve(sidecar.getFileName()));
            } catch (IOException e) {
                problems = List.of(e.getMessage());
            }
        }
        Files.deleteIfExists(marker);
        ImageMetadata effective = metadata.withDefaults(settings.defaultGallery(), settings.defaultPublisher(), name);
        if (problems.isEmpty()) {
            problems = effective.problems();
        }
        journal.createJob(jobId, batchId, name, size, effective);
        LOG.log(System.Logger.Level.INFO, "job {0}: took in {1} ({2} bytes) as image {3}", jobId, name, size,
                effective.imageDefinition());
        if (!problems.isEmpty()) {
            failure.fail(jobId, JobError.of("metadata.invalid", "intake",
                    "the sidecar " + name + ".json has invalid image metadata",
                    "correct the sidecar (Azure Compute Gallery naming rules are in the README) and drop the "
                            + "VHD and sidecar again from failed/" + jobId + "/", problems));
        }
        return Optional.of(jobId);
    }

    /**
     * Takes {@code file} in and says whether its job goes on to the pipeline: the job's id when it
     * is QUEUED, empty when the file was refused or vanished, or its job failed at intake (bad
     * sidecar, already in {@code failed/<job>/}). The one decision both the drop folder and the
     * scheduled batch take.
     */
    public Optional<String> takeInForPipeline(Path file, Optional<String> batchId) throws IOException {
        return takeIn(file, batchId).filter(id -> journal.job(id).map(j -> j.state() == JobState.QUEUED)
                .orElse(false));
    }

    /** The effective image metadata of a VHD from its sidecar beside it (if any), and what is wrong with it. */
    public record SidecarCheck(ImageMetadata metadata, List<String> problems) {
    }

    /**
     * Reads the sidecar of {@code folder/sourceName} again, as intake did: used to retry a job that
     * failed at intake once the operator corrected the sidecar in {@code failed/<job>/}.
     */
    public SidecarCheck checkSidecar(Path folder, String sourceName) {
        Path sidecar = folder.resolve(sourceName + ".json");
        ImageMetadata metadata = ImageMetadata.EMPTY;
        List<String> problems = List.of();
        if (Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            try {
                metadata = readSidecar(sidecar);
            } catch (IOException e) {
                problems = List.of(e.getMessage());
            }
        }
        ImageMetadata effective = metadata.withDefaults(settings.defaultGallery(), settings.defaultPublisher(),
                sourceName);
        return new SidecarCheck(effective, problems.isEmpty() ? effective.problems() : problems);
    }

    private ImageMetadata readSidecar(Path sidecar) throws IOException {
        if (Files.size(sidecar) > MAX_SIDECAR_BYTES) {
            throw new IOException("sidecar is larger than " + MAX_SIDECAR_BYTES + " bytes");
        }
        try {
            ImageMetadata m = strictJson.readValue(sidecar.toFile(), ImageMetadata.class);
            if (m == null) {
                throw new IOException("sidecar is empty (null)");
            }
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("sidecar is not valid image metadata JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : ""));
        }
    }
}
