package io.vhdflow.inspect;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.CountingByteSource;
import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.detect.Filesystems;
import io.vhdflow.disk.detect.VolumeSystems;
import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.fs.ntfs.NtfsBootSector;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.inspect.disk.DiskCheck;
import io.vhdflow.inspect.disk.DiskContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, with evidence, whether an image is safe to publish. It reads the disk offline, layer by
 * layer, through one counting source (so the report says how many bytes it read): the container,
 * the partition table and LVM, the filesystem on every volume; then each registered
 * {@link OsInspector} looks for its operating system on every volume and runs its checks, the disk
 * checks run on what was found, and {@link VerdictRule} decides. It names no check: the checks are
 * whatever {@link CheckCatalog} registers.
 */
public final class VerificationService {

    private final CheckCatalog catalog;
    private final ScanBudget budget;

    public VerificationService() {
        this(CheckCatalog.standard());
    }

    public VerificationService(CheckCatalog catalog) {
        this(catalog, ScanBudget.DEFAULT);
    }

    /** @param budget how much the checks that scan file contents (the secrets scan) may read per OS */
    public VerificationService(CheckCatalog catalog, ScanBudget budget) {
        this.catalog = catalog;
        this.budget = budget;
    }

    public VerificationReport verify(Path image, String policyName) throws IOException {
        return verify(image, policyName, Set.of());
    }

    /**
     * Verifies {@code image}.
     *
     * @param policyName {@code azure-platform}, {@code marketplace} or {@code strict}
     * @param waivers    ids of checks whose failure the operator accepts: reported as {@code waived},
     *                   no longer deciding the verdict
     * @throws DiskException when the container itself cannot be read (its checks are then all the
     *                       report could say; {@link #readiness} reports them instead of failing)
     */
    public VerificationReport verify(Path image, String policyName, Set<String> waivers) throws IOException {
        return verify(FileByteSource.open(image), image, policyName, waivers);
    }

    /**
     * Verifies the image whose bytes are read through {@code file} (closed when done): a view that
     * watches or overlays what is read, such as the fuzzing campaign's, which asks which of the bytes
     * it damaged the verdict rested on. {@code image} names it and is where parents are looked for.
     */
    public VerificationReport verify(ByteSource file, Path image, String policyName, Set<String> waivers)
            throws IOException {
        Policy policy;
        DiskImage opened;
        try {
            policy = Policy.parse(policyName);
            opened = DiskImages.open(file, image);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        try (DiskImage img = opened) {
            CountingByteSource disk = new CountingByteSource(img.virtualDisk());
            List<Finding> findings = new ArrayList<>(img.findings());
            InspectedDisk inspected = scan(image, Optional.of(img.format()), img, disk, findings, true);

            List<InspectedOs> systems = new ArrayList<>();
            List<CheckResult> osResults = new ArrayList<>();
            List<String> unreadable = new ArrayList<>(inspected.unreadableVolumes());
            for (ScannedVolume v : inspected.volumes()) {
                if (v.filesystem().isPresent() && !inspectVolume(v, inspected, policy, systems, osResults, findings)) {
                    unreadable.add(v.volume().id());
                }
            }
            addReadFindings(inspected, findings);
            List<CheckResult> results = new ArrayList<>(runDiskChecks(inspected, policy, systems));
            results.addAll(osResults);
            Assessment a = VerdictRule.decide(policy, sorted(results), waivers, fixedByPackaging(), systems,
                    inspected.encryptedVolumes(), unreadable);
            List<String> reasons = new ArrayList<>();
            inspected.layoutError().ifPresent(e -> reasons.add("the partition table cannot be read: " + e.getMessage()));
            reasons.addAll(a.reasons());
            Optional<InspectedOs> first = systems.stream().findFirst();
            DetectedFacts facts = new DetectedFacts(img.format().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    img.virtualSize(), first.map(InspectedOs::osType), first.map(InspectedOs::displayName),
                    inspected.layout().flatMap(DiskLayout::hyperVGeneration).map(Enum::name),
                    first.flatMap(InspectedOs::architecture));
            return new VerificationReport(VerificationReport.SCHEMA, image.getFileName().toString(), policy.id(),
                    a.verdict(), reasons, a.blocking(), a.blockingCategories(), a.warnings(), a.categories(), facts,
                    a.checks(), findings, Instant.now(), disk.bytesRead(),
                    systems.stream().map(InspectedOs::inventory).flatMap(Optional::stream).toList());

        }
    }

    /**
     * The container and layout checks alone ({@code vhdflow vhd check}): whether the disk's form is
     * Azure-ready. A file whose container cannot be read, or whose format Azure refuses, gets its
     * checks too, failing with the reason rather than an exception.
     */
    public Readiness readiness(Path image, String policyName) throws IOException {
        Policy policy = Policy.parse(policyName);
        if (!Files.isRegularFile(image)) {
            throw new NoSuchFileException(image.toString(), null, "not a regular file");
        }
        Optional<DiskFormat> format;
        try {
            format = Optional.of(DiskImages.detect(image));
        } catch (DiskException e) {
            return readiness(image, policy, new InspectedDisk(image, Optional.empty(), Optional.empty(), Optional.of(e),
                    Optional.empty(), Optional.empty(), List.of()));
        }
        if (!format.get().readable()) {
            return readiness(image, policy, new InspectedDisk(image, format, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of()));
        }
        try (DiskImage img = DiskImages.open(image)) {
            return readiness(image, policy, scan(image, format, img, img.virtualDisk(), new ArrayList<>(), false));
        } catch (DiskException e) {
            return readiness(image, policy, new InspectedDisk(image, format, Optional.empty(), Optional.of(e),
                    Optional.empty(), Optional.empty(), List.of()));
        }
    }

    private Readiness readiness(Path image, Policy policy, InspectedDisk disk) {
        List<CheckResult> results = runDiskChecks(disk, policy, List.of()).stream()
                .filter(r -> r.category() == Category.CONTAINER).toList();
        // Here packaging has not happened: a failure it would fix still means "not ready as it is".
        boolean ready = results.stream().noneMatch(r -> r.failed() && policy.judge(r.severity()) == Severity.MUST);
        return new Readiness(image, policy, disk.format(), results, ready);
    }

    /**
     * The container checks of a disk image, judged on their own.
     *
     * @param ready no MUST check failed (packaging may still be needed: a dynamic VHD is not ready)
     */
    public record Readiness(Path file, Policy policy, Optional<DiskFormat> format, List<CheckResult> checks,
                            boolean ready) {
        public Readiness {
            checks = List.copyOf(checks);
        }
    }

    /**
     * The disk read down to its filesystems, no OS inspected and no check run: what the checks of a
     * data disk of a VM image start from ({@code inspect.data}).
     */
    public static InspectedDisk readVolumes(Path image, DiskImage img, List<Finding> findings) throws IOException {
        return scan(image, Optional.of(img.format()), img, img.virtualDisk(), findings, true);
    }

    /**
     * Every operating system on {@code disk}: each registered inspector's {@code detect} on every
     * readable volume, nothing assessed. A data disk must have none; of a VM image's disks, the one
     * that has one is its OS disk.
     */
    public List<InspectedOs> operatingSystems(InspectedDisk disk) throws IOException {
        List<InspectedOs> found = new ArrayList<>();
        for (ScannedVolume v : disk.volumes()) {
            if (v.filesystem().isEmpty()) {
                continue;
            }
            MountedView view = MountedView.of(v.filesystem().get(), v.location());
            for (OsInspector<?> inspector : catalog.inspectors()) {
                Optional<? extends InspectedOs> os = inspector.detect(view, disk);
                if (os.isPresent()) {
                    found.add(os.get());
                    break;
                }
            }
        }
        return found;
    }

    /**
     * Reads the container and, when {@code volumes}, the layout and every volume's filesystem
     * (the container checks alone do not need them).
     */
    private static InspectedDisk scan(Path image, Optional<DiskFormat> format, DiskImage img,
                                      io.vhdflow.disk.container.ByteSource disk, List<Finding> findings,
                                      boolean volumes) throws IOException {
        if (!volumes) {
            return new InspectedDisk(image, format, Optional.of(img), Optional.empty(), Optional.empty(),
                    Optional.empty(), List.of());
        }
        Optional<DiskLayout> layout = Optional.empty();
        Optional<DiskException> layoutError = Optional.empty();
        try {
            layout = Optional.of(VolumeSystems.open(disk));
            findings.addAll(layout.get().findings());
        } catch (DiskException e) {
            layoutError = Optional.of(e);
            findings.add(new Finding("volume.unreadable", e.offset(), e.getMessage()));
        }
        List<ScannedVolume> scanned = new ArrayList<>();
        for (Volume v : layout.map(DiskLayout::volumes).orElse(List.of())) {
            if (!(v.hasRole(VolumeRole.EXTENDED) || v.hasRole(VolumeRole.MSR) || v.hasRole(VolumeRole.SWAP)
                    || (v.hasRole(VolumeRole.LVM_PV) && !v.hasRole(VolumeRole.LVM_LV)))) {
                scanVolume(v, findings).ifPresent(scanned::add);
            }
        }
        return new InspectedDisk(image, format, Optional.of(img), Optional.empty(), layout, layoutError, scanned);
    }

    /** The volume's filesystem opened, or why not; empty when it holds no known filesystem. */
    private static Optional<ScannedVolume> scanVolume(Volume v, List<Finding> findings) {
        try {
            // Only the boot sector's OEM ID: the filesystem itself is opened once, just below.
            if (NtfsBootSector.isBitLocker(v.source())) {
                String why = v.id() + ": BitLocker-encrypted volume (OEM ID '-FVE-FS-' at byte 3): its files "
                        + "cannot be read offline";
                findings.add(new Finding("windows.bitlocker", 3, why));
                return Optional.of(new ScannedVolume(v, Optional.empty(), Optional.of(why), Optional.empty()));
            }
            Optional<NodeFilesystem<?>> fs = Filesystems.open(v.source());
            if (fs.isEmpty()) {
                return Optional.empty();
            }
            String location = v.id() + "/" + fs.get().type();
            for (Finding f : fs.get().findings()) {
                findings.add(new Finding(f.code(), f.offset(), location + ": " + f.detail()));
            }
            return Optional.of(new ScannedVolume(v, fs, Optional.empty(), Optional.empty()));
        } catch (IOException e) {
            String why = v.id() + ": " + e.getMessage();
            findings.add(new Finding("filesystem.unreadable", e instanceof DiskException d ? d.offset() : -1, why));
            if (ErrorKind.of(e) == ErrorKind.ENCRYPTED) {
                return Optional.of(new ScannedVolume(v, Optional.empty(), Optional.of(why), Optional.empty()));
            }
            return Optional.of(new ScannedVolume(v, Optional.empty(), Optional.empty(), Optional.of(why)));
        }
    }

    /**
     * Lets each inspector look at one volume; the first that recognises its OS checks it.
     *
     * @return false when the volume could not be read far enough to tell
     */
    private boolean inspectVolume(ScannedVolume v, InspectedDisk disk, Policy policy, List<InspectedOs> systems,
                               List<CheckResult> results, List<Finding> findings) {
        MountedView view = MountedView.of(v.filesystem().orElseThrow(), v.location());
        for (OsInspector<?> inspector : catalog.inspectors()) {
            try {
                if (inspect(inspector, view, disk, policy, systems, results)) {
                    return true;
                }
            } catch (IOException e) {
                findings.add(new Finding("filesystem.unreadable", e instanceof DiskException d ? d.offset() : -1,
                        v.location() + ": " + e.getMessage()));
                return false;
            }
        }
        return true;
    }

    private <O extends InspectedOs> boolean inspect(OsInspector<O> inspector, MountedView view, InspectedDisk disk,
                                                    Policy policy, List<InspectedOs> systems,
                                                    List<CheckResult> results) throws IOException {
        Optional<O> os = inspector.detect(view, disk);
        if (os.isEmpty()) {
            return false;
        }
        systems.add(os.get());
        results.addAll(inspector.assess(os.get(), disk, policy.rules(), budget, catalog));
        return true;
    }

    /** What the filesystems noticed while the checks read them (checksum failures), after the scan's. */
    private static void addReadFindings(InspectedDisk disk, List<Finding> findings) {
        for (ScannedVolume v : disk.volumes()) {
            List<Finding> read = new ArrayList<>(v.filesystem().map(fs -> fs.findings()).orElse(List.of()));
            read.addAll(v.filesystem().map(fs -> fs.damagedReads()).orElse(List.of()));
            for (Finding f : read) {
                Finding located = new Finding(f.code(), f.offset(), v.location() + ": " + f.detail());
                if (!findings.contains(located)) {
                    findings.add(located);
                }
            }
        }
    }

    private List<CheckResult> runDiskChecks(InspectedDisk disk, Policy policy, List<InspectedOs> systems) {
        DiskContext ctx = new DiskContext(disk, policy.rules(), systems);
        return CheckRunner.run(catalog.checks(DiskCheck.class), ctx, disk.file().getFileName().toString());
    }

    private Set<String> fixedByPackaging() {
        return catalog.checks().stream().filter(Check::fixedByPackaging).map(Check::id).collect(Collectors.toSet());
    }

    /** Results in catalogue order, whichever check produced them. */
    private List<CheckResult> sorted(List<CheckResult> results) {
        List<String> order = catalog.checks().stream().map(Check::id).toList();
        List<CheckResult> out = new ArrayList<>(results);
        out.sort(java.util.Comparator.comparingInt(r -> order.indexOf(r.id())));
        return out;
    }
}
