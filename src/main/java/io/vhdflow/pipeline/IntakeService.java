package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.SidecarReader;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.source.BlobJob;
import io.vhdflow.source.BlobJobException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
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
 * Turns a complete disk image (or blob job file) in the drop or batch folder into a job: gives it
 * a stable id, moves it (rename, same filesystem) with its sidecar into {@code work/<job>/}, and
 * records it. Bad sidecar metadata or a bad job file fails the job at once with a clear error; the
 * file is kept in {@code failed/<job>/}. Files are taken by their extension ({@link #DISK_EXTENSIONS},
 * {@link BlobJob#SUFFIX}), so sidecars, markers and partial copies are never taken; the image's
 * format is then told by its content alone.
 */
public final class IntakeService {
    private static final System.Logger LOG = System.getLogger(IntakeService.class.getName());
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Settings settings;
    private final JobJournal journal;
    private final JobFailure failure;
    private final SidecarReader sidecars;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    /** The extensions of the disk images taken in (any case). */
    public static final List<String> DISK_EXTENSIONS = List.of(".vhd", ".vhdx", ".qcow2", ".vmdk", ".ova", ".img",
            ".raw");
    /** Files looked at beside a .vmdk to tell whether it is another descriptor's extent. */
    private static final int MAX_SIBLINGS = 256;

    public IntakeService(Settings settings, JobJournal journal, JobFailure failure, ObjectMapper json) {
        this.settings = settings;
        this.journal = journal;
        this.failure = failure;
        this.sidecars = new SidecarReader(json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        this.json = json;
    }

    /**
     * Why {@code file} may not be taken in, or empty when it is a regular disk image file or blob job
     * file (an extent of a split VMDK is not: it belongs to its descriptor).
     */
    public static Optional<String> refusal(Path file) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (DISK_EXTENSIONS.stream().noneMatch(lower::endsWith) && !BlobJob.isJobFile(file)) {
            return Optional.of("not a disk image (" + String.join(" ", DISK_EXTENSIONS) + ") or blob job file ("
                    + BlobJob.SUFFIX + ")");
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
        if (lower.endsWith(".vmdk")) {
            return extentOf(file).map(d -> "it is an extent of the split VMDK " + d.getFileName() + ", which is not"
                    + " taken from the drop folder in pieces: make it one file (qemu-img convert -O vmdk -o"
                    + " subformat=streamOptimized " + d.getFileName() + " OUT.vmdk) or export the VM as OVA");
        }
        return Optional.empty();
    }

    /** The VMDK descriptor beside {@code file} that names it as an extent, if any. */
    private static Optional<Path> extentOf(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.{vmdk,VMDK}")) {
            int n = 0;
            for (Path sibling : ds) {
                if (++n > MAX_SIBLINGS) {
                    break;
                }
                if (!sibling.equals(file.toAbsolutePath()) && Files.isRegularFile(sibling, LinkOption.NOFOLLOW_LINKS)
                        && DiskImages.companions(sibling).contains(file.toAbsolutePath())) {
                    return Optional.of(sibling);
                }
            }
        } catch (IOException e) {
            // Unreadable siblings name no extents.
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
        if (BlobJob.isJobFile(file)) {
            return takeInBlobJob(file, batchId);
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
        } catch (java.nio.file.NoSuchFileException e) {
            // Another node sharing the drop folder took the file first: it is that node's job.
            Files.deleteIfExists(work);
            LOG.log(System.Logger.Level.DEBUG, "{0} was taken in by another node", file);
            return Optional.empty();
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
     * Takes a blob job file in: it moves to {@code work/<job>/<disk name>.blob.json}, where the fetch
     * stage finds it; the disk's size is known once it is fetched. A job file that cannot be used
     * fails the job at once, naming every problem.
     */
    private Optional<String> takeInBlobJob(Path file, Optional<String> batchId) throws IOException {
        String fileName = file.getFileName().toString();
        String jobId = newJobId();
        Path work = settings.home().jobWork(jobId);
        Files.createDirectories(work);
        Path moved = work.resolve(fileName);
        try {
            Files.move(file, moved, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.delete(work);
            throw new IOException("the drop folder and work/ must be on one filesystem; " + file + " was left where"
                    + " it is", e);
        }
        Files.deleteIfExists(file.resolveSibling(fileName + ".ready"));
        BlobJob job;
        try {
            job = BlobJob.read(moved, settings.home().home(), settings.fetch(), json);
        } catch (BlobJobException e) {
            ImageMetadata m = ImageMetadata.EMPTY.withDefaults(settings.defaultGallery(), settings.defaultPublisher(),
                    fileName.substring(0, fileName.length() - BlobJob.SUFFIX.length()));
            journal.createJob(jobId, batchId, fileName, 0, m);
            failure.fail(jobId, JobError.of(e.code(), "intake", e.getMessage(), "correct the job file (README: pulling"
                    + " from Azure Storage) and drop it again from failed/" + jobId + "/", e.problems()));
            return Optional.of(jobId);
        }
        Files.move(moved, work.resolve(job.name() + BlobJob.SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        ImageMetadata effective = job.image().withDefaults(settings.defaultGallery(), settings.defaultPublisher(),
                job.name());
        journal.createJob(jobId, batchId, job.name(), 0, effective);
        LOG.log(System.Logger.Level.INFO, "job {0}: took in {1} naming {2} as image {3}", jobId, fileName, job.where(),
                effective.imageDefinition());
        if (!effective.problems().isEmpty()) {
            failure.fail(jobId, JobError.of("metadata.invalid", "intake", "the job file " + fileName
                    + " has invalid image metadata", "correct its \"image\" (Azure Compute Gallery naming rules are in"
                    + " the README) and drop it again from failed/" + jobId + "/", effective.problems()));
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
