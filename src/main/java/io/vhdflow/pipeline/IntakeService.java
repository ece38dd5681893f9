package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.SidecarReader;

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

    private final Settings settings;
    private final JobJournal journal;
    private final JobFailure failure;
    private final SidecarReader sidecars;
    private final SecureRandom random = new SecureRandom();

    public IntakeService(Settings settings, JobJournal journal, JobFailure failure, ObjectMapper json) {
        this.settings = settings;
        this.journal = journal;
        this.failure = failure;
        this.sidecars = new SidecarReader(json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
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
        // The check before the move looked at the name; what was moved is checked again without following
        // links (O_NOFOLLOW semantics), so a file swapped for a link or a FIFO meanwhile is never opened.
        FileType moved = FileType.of(work.resolve(name), false);
        if (moved == FileType.REGULAR && Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(sidecar, work.resolve(sidecar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            SidecarReader.Result read = readSidecar(work.resolve(sidecar.getFileName()));
            metadata = read.metadata();
            problems = read.problems();
        }
        Files.deleteIfExists(marker);
        ImageMetadata effective = metadata.withDefaults(settings.defaultGallery(), settings.defaultPublisher(), name);
        problems = concat(problems, effective.problems());
        journal.createJob(jobId, batchId, name, size, effective);
        LOG.log(System.Logger.Level.INFO, "job {0}: took in {1} ({2} bytes) as image {3}", jobId, name, size,
                effective.imageDefinition());
        if (moved != FileType.REGULAR) {
            failure.fail(jobId, JobError.of("input.not-a-file", "intake", name + " was replaced by "
                            + moved.description() + " while it was taken in; it was not opened",
                    "drop the image itself as a regular file", List.of()));
        } else if (!problems.isEmpty()) {
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
            SidecarReader.Result read = readSidecar(sidecar);
            metadata = read.metadata();
            problems = read.problems();
        }
        ImageMetadata effective = metadata.withDefaults(settings.defaultGallery(), settings.defaultPublisher(),
                sourceName);
        return new SidecarCheck(effective, concat(problems, effective.problems()));
    }

    /** Every problem at once: of the sidecar's fields, then of the values the image would get. */
    private static List<String> concat(List<String> fields, List<String> values) {
        List<String> all = new java.util.ArrayList<>(fields);
        values.stream().filter(v -> !all.contains(v)).forEach(all::add);
        return List.copyOf(all);
    }

    /** The sidecar read strictly: every problem at once, each with its line and the field it meant. */
    private SidecarReader.Result readSidecar(Path sidecar) {
        try {
            if (Files.size(sidecar) > SidecarReader.MAX_BYTES) {
                return new SidecarReader.Result(ImageMetadata.EMPTY, List.of("the sidecar is larger than "
                        + SidecarReader.MAX_BYTES + " bytes"));
            }
            return sidecars.read(Files.readAllBytes(sidecar));
        } catch (IOException e) {
            return new SidecarReader.Result(ImageMetadata.EMPTY, List.of("the sidecar cannot be read: "
                    + e.getMessage()));
        }
    }
}
