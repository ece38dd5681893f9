package io.vhdflow.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.SidecarReader;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Takes a folder {@code drop/<name>/} holding the disks of a VM image in as one job. A folder is
 * complete when it was moved in whole (unchanged between two polls, its newest file older than
 * the settle time) or marked with {@code .ready} (inside it, or {@code drop/<name>.ready} beside
 * it) and unchanged between two polls. Its optional {@code image.json} holds the sidecar's image
 * metadata plus the disks ({@link VmImageLayout}); without {@code osDisk} the OS disk is the one
 * disk with an operating system, and without {@code dataDisks} the others get LUNs 0, 1, ... in
 * file-name order.
 *
 * <p>A folder that does not describe a VM image (a LUN twice or out of range, {@code image.json}
 * naming a missing file, two OS disks or none, a link or FIFO among the disks) or keeps growing
 * becomes a FAILED job whose error says why, and its files stay where they are, untouched; it is
 * looked at again once it changes. A taken folder is moved whole (one rename) into
 * {@code work/<job>/}; a disk that changed across the move is still being written, and fails the
 * job. The disks then go through every stage one by one ({@link DiskStageRunner}); an OVA's disks
 * can enter the same way, as a folder of disks with their layout.
 */
public final class FolderIntake {
    private static final System.Logger LOG = System.getLogger(FolderIntake.class.getName());
    public static final String IMAGE_JSON = "image.json";
    public static final String READY = ".ready";
    /** Disks in one VM image: the OS disk and at most 64 data disks. */
    static final int MAX_DISKS = VmImageLayout.MAX_LUN + 2;
    /** Entries looked at in one folder: far more than an image has, few enough to list cheaply. */
    private static final int MAX_ENTRIES = 1000;

    /** How a disk is found to hold an operating system (the names of those found). */
    @FunctionalInterface
    public interface OsFinder {
        List<String> operatingSystems(Path disk) throws IOException;
    }

    private final Settings settings;
    private final JobJournal journal;
    private final DiskJournal disks;
    private final JobFailure failure;
    private final IntakeService intake;
    private final OsFinder osFinder;
    private final ObjectMapper json;
    private final SidecarReader sidecars;
    private final Duration growthLimit;
    /** Folders seen in drop/, by name: what they held at the last poll. Per instance, one poller. */
    private final Map<String, Watch> watched = new HashMap<>();
    private final java.util.Set<String> saidOnce = new java.util.HashSet<>();

    public FolderIntake(Settings settings, JobJournal journal, DiskJournal disks, JobFailure failure,
                        IntakeService intake, OsFinder osFinder, ObjectMapper json, Duration growthLimit) {
        this.settings = settings;
        this.journal = journal;
        this.disks = disks;
        this.failure = failure;
        this.intake = intake;
        this.osFinder = osFinder;
        this.json = json;
        this.sidecars = new SidecarReader(json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS),
                VmImageLayout.FIELDS);
        this.growthLimit = growthLimit;
    }

    /** A folder's content as listed: each entry's name, type, size and modification time. */
    record Snapshot(Map<String, String> entries, Instant newest, boolean marker) {
    }

    private static final class Watch {
        Snapshot snapshot;
        Instant lastChange;
        Instant changingSince;
        boolean reportedGrowing;
        Optional<Snapshot> rejected = Optional.empty();

        Watch(Snapshot s, Instant now) {
            snapshot = s;
            lastChange = now;
            changingSince = now;
        }
    }

    /**
     * Looks at every folder in the drop folder once and takes in those complete.
     *
     * @return the ids of the jobs queued for the pipeline
     */
    public synchronized List<String> takeInReadyFolders() {
        List<String> queued = new ArrayList<>();
        Path drop = settings.home().drop();
        Map<String, Path> folders = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(drop)) {
            int n = 0;
            for (Path p : ds) {
                if (++n > MAX_ENTRIES) {
                    break;
                }
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    folders.put(name, p);
                }
            }
        } catch (IOException e) {
            sayOnce("cannot list the drop folder " + drop + ": " + e.getMessage());
            return queued;
        }
        watched.keySet().retainAll(folders.keySet());
        Instant now = Instant.now();
        for (Map.Entry<String, Path> f : folders.entrySet()) {
            try {
                poll(f.getKey(), f.getValue(), now).ifPresent(queued::add);
            } catch (IOException e) {
                sayOnce("cannot take in the folder " + f.getValue() + ": " + e.getMessage());
            }
        }
        return queued;
    }

    private Optional<String> poll(String name, Path folder, Instant now) throws IOException {
        Snapshot s = snapshot(folder);
        Watch w = watched.get(name);
        if (w == null) {
            watched.put(name, new Watch(s, now));
            return Optional.empty();
        }
        if (!s.equals(w.snapshot)) {
            w.snapshot = s;
            w.lastChange = now;
            if (!w.reportedGrowing && Duration.between(w.changingSince, now).compareTo(growthLimit) > 0) {
                w.reportedGrowing = true;
                reject(name, ImageMetadata.EMPTY, JobError.of("input.folder-growing", "intake",
                        "drop/" + name + "/ kept changing for " + Duration.between(w.changingSince, now).toSeconds()
                                + " s (its disks are still being written or copied)",
                        "write the folder elsewhere on the same filesystem and move it into drop/ in one rename, or "
                                + "create drop/" + name + "/" + READY + " once every disk is complete; the folder "
                                + "is taken in once it stops changing", List.of("now holds: " + s.entries())));
            }
            return Optional.empty();
        }
        boolean settled = Duration.between(w.lastChange, now).compareTo(settings.settle()) >= 0
                && Duration.between(s.newest(), now).compareTo(settings.settle()) >= 0;
        if (settled) {
            w.changingSince = now;
            w.reportedGrowing = false;
        }
        boolean complete = s.marker() || (!settings.readyMarker() && settled);
        if (!complete || hasPartialCopy(s) || w.rejected.filter(s::equals).isPresent()) {
            return Optional.empty();
        }
        Optional<String> job = takeIn(name, folder, s);
        if (job.isEmpty()) {
            w.rejected = Optional.of(s);
        } else {
            watched.remove(name);
        }
        return job;
    }

    /** A copy tool's hidden partial file ({@code .disk.vhd.copying}) means the folder is not complete. */
    private static boolean hasPartialCopy(Snapshot s) {
        return s.entries().keySet().stream().anyMatch(n -> n.startsWith(".") && !n.equals(READY));
    }

    static Snapshot snapshot(Path folder) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        Instant newest = Instant.EPOCH;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                if (entries.size() >= MAX_ENTRIES) {
                    break;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Instant m = a.lastModifiedTime().toInstant();
                newest = m.isAfter(newest) ? m : newest;
                entries.put(p.getFileName().toString(), FileType.of(p, false).name().toLowerCase(java.util.Locale.ROOT)
                        + " " + a.size() + " bytes, modified " + m);
            }
        }
        Path beside = folder.resolveSibling(folder.getFileName() + READY);
        return new Snapshot(entries, newest, entries.containsKey(READY)
                || Files.isRegularFile(beside, LinkOption.NOFOLLOW_LINKS));
    }

    /** The disks as intake decided them, or why the folder is not a VM image. */
    private record Plan(List<JobDisk> disks, List<String> problems, Optional<JobError> error) {
    }

    /**
     * Takes the complete folder {@code name} in: reads {@code image.json}, decides each disk's role,
     * moves the folder into {@code work/<job>/} and records the job with its disks.
     *
     * @return the job's id when it is queued; empty when the folder was rejected (its files left in place)
     */
    Optional<String> takeIn(String name, Path folder, Snapshot before) throws IOException {
        Map<String, BasicFileAttributes> files = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String entry : before.entries().keySet()) {
            if (entry.equals(READY) || entry.equals(IMAGE_JSON)) {
                continue;
            }
            BasicFileAttributes a = Files.readAttributes(folder.resolve(entry), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                problems.add(entry + " is " + FileType.of(folder.resolve(entry), false).description() + ", not a disk file; links are never "
                        + "followed and a VM image's folder holds only its disks and image.json");
            } else {
                files.put(entry, a);
            }
        }
        ImageMetadata metadata = ImageMetadata.EMPTY;
        VmImageLayout layout = VmImageLayout.NONE;
        Path imageJson = folder.resolve(IMAGE_JSON);
        if (before.entries().containsKey(IMAGE_JSON)) {
            if (!Files.isRegularFile(imageJson, LinkOption.NOFOLLOW_LINKS)) {
                problems.add(IMAGE_JSON + " is not a regular file");
            } else if (Files.size(imageJson) > SidecarReader.MAX_BYTES) {
                problems.add(IMAGE_JSON + " is larger than " + SidecarReader.MAX_BYTES + " bytes");
            } else {
                byte[] bytes = Files.readAllBytes(imageJson);
                SidecarReader.Result read = sidecars.read(bytes);
                metadata = read.metadata();
                read.problems().forEach(p -> problems.add(IMAGE_JSON + ": " + p));
                try {
                    JsonNode root = json.readTree(bytes);
                    if (root != null && root.isObject()) {
                        VmImageLayout.Read l = VmImageLayout.of(root);
                        layout = l.layout();
                        l.problems().forEach(p -> problems.add(IMAGE_JSON + ": " + p));
                    }
                } catch (JsonProcessingException e) {
                    // SidecarReader said where the JSON is broken.
                }
            }
        }
        ImageMetadata effective = metadata.withDefaults(settings.defaultGallery(), settings.defaultPublisher(), name);
        effective.problems().stream().filter(p -> !problems.contains(IMAGE_JSON + ": " + p))
                .forEach(p -> problems.add("image metadata: " + p));
        layout.osDisk().filter(f -> !files.containsKey(f)).ifPresent(f -> problems.add(IMAGE_JSON
                + " names the OS disk " + f + ", which is not in the folder"));
        for (VmImageLayout.DataDisk d : layout.dataDisks().orElse(List.of())) {
            if (!files.containsKey(d.file())) {
                problems.add(IMAGE_JSON + " names the data disk " + d.file() + " (LUN " + d.lun()
                        + "), which is not in the folder");
            }
        }
        if (files.isEmpty()) {
            problems.add("the folder holds no disk file");
        } else if (files.size() > MAX_DISKS) {
            problems.add("the folder holds " + files.size() + " files; a VM image has at most " + MAX_DISKS + " disks");
        }
        if (!problems.isEmpty()) {
            return reject(name, effective, invalid(name, problems));
        }
        Plan plan = plan(name, folder, files, layout);
        if (plan.error().isPresent()) {
            return reject(name, effective, plan.error().get());
        }
        if (!plan.problems().isEmpty()) {
            return reject(name, effective, invalid(name, plan.problems()));
        }
        return Optional.of(move(name, folder, before, effective, plan.disks()));
    }

    private static JobError invalid(String name, List<String> problems) {
        return JobError.of("layout.invalid", "intake", "drop/" + name + "/ is not a valid VM image: "
                        + problems.size() + " problem" + (problems.size() == 1 ? "" : "s"),
                "correct image.json or the folder's files in drop/" + name + "/ (they were left there, untouched); "
                        + "the folder is looked at again once it changes", problems);
    }

    /** Which disk is the OS disk, and each data disk's LUN. */
    private Plan plan(String name, Path folder, Map<String, BasicFileAttributes> files, VmImageLayout layout)
            throws IOException {
        List<String> problems = new ArrayList<>();
        Optional<String> os = layout.osDisk();
        List<VmImageLayout.DataDisk> named = layout.dataDisks().orElse(List.of());
        Set<String> namedFiles = new java.util.HashSet<>();
        named.forEach(d -> namedFiles.add(d.file()));
        if (os.isEmpty()) {
            List<String> candidates = files.keySet().stream().filter(f -> !namedFiles.contains(f)).toList();
            Map<String, List<String>> systems = new TreeMap<>();
            List<String> unreadable = new ArrayList<>();
            for (String c : candidates.size() == 1 ? List.<String>of() : candidates) {
                try {
                    List<String> found = osFinder.operatingSystems(folder.resolve(c));
                    if (!found.isEmpty()) {
                        systems.put(c, found);
                    }
                } catch (IOException e) {
                    unreadable.add(c + ": " + e.getMessage());
                }
            }
            if (candidates.size() == 1) {
                os = Optional.of(candidates.get(0));
            } else if (systems.size() == 1) {
                os = Optional.of(systems.keySet().iterator().next());
            } else if (systems.size() > 1) {
                List<String> details = new ArrayList<>();
                systems.forEach((f, s) -> details.add(f + ": " + String.join(", ", s)));
                return new Plan(List.of(), List.of(), Optional.of(JobError.of("layout.two-os-disks", "intake",
                        "drop/" + name + "/ holds " + systems.size() + " disks with an operating system: "
                                + String.join(", ", systems.keySet()) + "; a VM image has one OS disk",
                        "keep only the disks of one VM in the folder, or name its OS disk with \"osDisk\" in "
                                + "image.json; the files were left in drop/" + name + "/, untouched", details)));
            } else {
                List<String> details = new ArrayList<>(candidates.stream().map(c -> c + ": no operating system found")
                        .filter(d -> unreadable.stream().noneMatch(u -> d.startsWith(u.substring(0, u.indexOf(':')) + ":")))
                        .toList());
                details.addAll(unreadable);
                return new Plan(List.of(), List.of(), Optional.of(JobError.of("layout.no-os-disk", "intake",
                        "no disk in drop/" + name + "/ holds an operating system that vhdflow recognises; candidates: "
                                + String.join(", ", candidates),
                        "add the OS disk to the folder, or name it with \"osDisk\" in image.json; the files were "
                                + "left in drop/" + name + "/, untouched", details)));
            }
        }
        String osFile = os.get();
        List<VmImageLayout.DataDisk> data = new ArrayList<>(named);
        if (layout.dataDisks().isEmpty()) {
            int lun = 0;
            for (String f : files.keySet()) {
                if (!f.equals(osFile)) {
                    data.add(new VmImageLayout.DataDisk(f, lun++, "None"));
                }
            }
        } else {
            for (String f : files.keySet()) {
                if (!f.equals(osFile) && !namedFiles.contains(f)) {
                    problems.add(f + " is in the folder but image.json names it neither as \"osDisk\" nor in "
                            + "\"dataDisks\"; name it, or take it out of the folder");
                }
            }
        }
        data.sort(java.util.Comparator.comparingInt(VmImageLayout.DataDisk::lun));
        List<JobDisk> out = new ArrayList<>();
        BasicFileAttributes osAttrs = files.get(osFile);
        out.add(new JobDisk(0, osFile, JobDisk.Role.OS, Optional.empty(), Optional.empty(), osAttrs.size(),
                osAttrs.lastModifiedTime().toInstant(), Optional.empty()));
        for (VmImageLayout.DataDisk d : data) {
            BasicFileAttributes a = files.get(d.file());
            out.add(new JobDisk(out.size(), d.file(), JobDisk.Role.DATA, Optional.of(d.lun()),
                    Optional.of(d.hostCaching()), a.size(), a.lastModifiedTime().toInstant(), Optional.empty()));
        }
        return new Plan(out, problems, Optional.empty());
    }

    /** The folder moves whole into work/<job>/; a disk that changed across the move is still being written. */
    private String move(String name, Path folder, Snapshot before, ImageMetadata metadata, List<JobDisk> plan)
            throws IOException {
        String jobId = intake.newJobId();
        Path work = settings.home().jobWork(jobId);
        Files.createDirectories(work.getParent());
        try {
            Files.move(folder, work, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the drop folder and work/ must be on one filesystem (a VM image's folder is moved, "
                    + "never copied, on intake); " + folder + " was left where it is", e);
        }
        Files.deleteIfExists(work.resolve(READY));
        Files.deleteIfExists(folder.resolveSibling(name + READY));
        JobDisk os = plan.get(0);
        journal.createJob(jobId, Optional.empty(), os.fileName(), os.size(), metadata);
        disks.createDisks(jobId, plan);
        LOG.log(System.Logger.Level.INFO, "job {0}: took in the VM image drop/{1}/ as {2}: OS disk {3}, {4} data "
                + "disk(s)", jobId, name, metadata.imageDefinition(), os.fileName(), plan.size() - 1);
        Snapshot after = snapshot(work);
        List<String> changed = new ArrayList<>();
        for (JobDisk d : plan) {
            String was = before.entries().get(d.fileName());
            String now = after.entries().get(d.fileName());
            if (!java.util.Objects.equals(was, now)) {
                changed.add(d.describe() + ": " + was + " -> " + now);
            }
        }
        if (!changed.isEmpty()) {
            failure.fail(jobId, beingWritten("intake", changed));
        }
        return jobId;
    }

    /** A disk whose size or modification time changed after it was taken in: something is still writing it. */
    static JobError beingWritten(String stage, List<String> changed) {
        return JobError.of("input.being-written", stage, "a disk changed after it was taken in: "
                        + changed.get(0).substring(0, changed.get(0).indexOf(':'))
                        + " is still being written (size or modification time changed)",
                "stop whatever writes the disk (a running VM, a copy), then drop the folder again from failed/<job>/; "
                        + "no file was changed by vhdflow", changed);
    }

    /** Records a FAILED job for a folder that is not taken in; its files stay in drop/, untouched. */
    private Optional<String> reject(String name, ImageMetadata metadata, JobError error) throws IOException {
        String jobId = intake.newJobId();
        ImageMetadata m = metadata.imageDefinition() == null
                ? metadata.withDefaults(settings.defaultGallery(), settings.defaultPublisher(), name) : metadata;
        journal.createJob(jobId, Optional.empty(), name + "/", 0, m);
        failure.fail(jobId, error);
        return Optional.empty();
    }

    private void sayOnce(String what) {
        if (saidOnce.add(what)) {
            LOG.log(System.Logger.Level.WARNING, what);
        }
    }
}
