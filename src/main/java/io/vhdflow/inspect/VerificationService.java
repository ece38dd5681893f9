package io.vhdflow.inspect;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.AzureReadiness;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.CountingByteSource;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.disk.detect.Filesystems;
import io.vhdflow.disk.fs.ntfs.EncryptedVolumeException;
import io.vhdflow.disk.fs.ntfs.NtfsBootSector;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.disk.detect.VolumeSystems;
import io.vhdflow.inspect.linux.LinuxChecks;
import io.vhdflow.inspect.linux.LinuxContext;
import io.vhdflow.inspect.linux.LinuxOs;
import io.vhdflow.inspect.linux.LinuxOsDetector;
import io.vhdflow.inspect.linux.LinuxPolicy;
import io.vhdflow.inspect.windows.WindowsChecks;
import io.vhdflow.inspect.windows.WindowsIdentity;
import io.vhdflow.inspect.windows.WindowsSystem;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, with evidence, whether an image is safe to publish as generalized. It reads the disk
 * offline, layer by layer: the container (checks G1–G8), the partition table and LVM (G6, G7), the
 * filesystem on every volume, and on each the operating system it holds (Linux L#, Windows W#).
 * A container that cannot be read at all fails with the typed error of the layer that refused it.
 *
 * <p>The verdict is about the operating system: {@code generalized} only when an OS was found and
 * no MUST check failed or could not run; {@code not-generalized} when a MUST check failed;
 * {@code cannot-determine} when no OS was found, the OS volume is encrypted, or a deciding check
 * could not run. It never says generalized without proof.
 */
public final class VerificationService {

    /** Container checks that packaging itself fixes (conversion to fixed, size rounded to a whole MiB). */
    private static final Set<String> FIXED_BY_PACKAGING = Set.of("G2", "G3");
    private static final String CONTAINER_SOURCE = "anchors §2.3 and §5 (VHD specification, Azure upload rules)";

    private final WindowsChecks windowsChecks = new WindowsChecks();
    private final LinuxChecks linuxChecks = new LinuxChecks();
    private final LinuxOsDetector linuxDetector = new LinuxOsDetector();

    /** What was found on the volumes. */
    private static final class Scan {
        final List<CheckResult> osChecks = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        final List<String> encrypted = new ArrayList<>();
        final List<String> unreadable = new ArrayList<>();
        Optional<String> osType = Optional.empty();
        Optional<String> osName = Optional.empty();
        Optional<String> architecture = Optional.empty();
    }

    public VerificationReport verify(Path image, String policyName) throws IOException {
        return verify(image, policyName, Set.of());
    }

    /**
     * Verifies {@code image}.
     *
     * @param policyName {@code azure-platform} or {@code marketplace}
     * @param waivers    ids of OS checks whose failure the operator accepts: reported as {@code waived},
     *                   no longer deciding the verdict
     */
    public VerificationReport verify(Path image, String policyName, Set<String> waivers) throws IOException {
        AzureReadiness.Policy policy = AzureReadiness.Policy.parse(policyName);
        try (DiskImage img = DiskImages.open(image)) {
            CountingByteSource disk = new CountingByteSource(img.virtualDisk());
            List<CheckResult> checks = new ArrayList<>();
            List<Finding> findings = new ArrayList<>(img.findings());
            List<String> reasons = new ArrayList<>();

            Optional<DiskLayout> layout;
            try {
                layout = Optional.of(VolumeSystems.open(disk));
                findings.addAll(layout.get().findings());
            } catch (DiskException e) {
                layout = Optional.empty();
                findings.add(new Finding("volume.unreadable", e.offset(), e.getMessage()));
                reasons.add("the partition table cannot be read: " + e.getMessage());
            }
            for (AzureReadiness.CheckResult c : AzureReadiness.evaluate(img, policy).checks()) {
                checks.add(containerCheck(c, layout, policy));
            }

            Scan scan = new Scan();
            if (layout.isPresent()) {
                List<String> swap = layout.get().swapVolumes().stream()
                        .map(v -> v.id() + " type " + v.typeCode() + " (" + v.typeName() + ")").toList();
                LinuxPolicy linuxPolicy = LinuxPolicy.parse(policy.id());
                for (Volume v : layout.get().volumes()) {
                    scanVolume(v, scan, linuxPolicy, swap);
                }
            }
            findings.addAll(scan.findings);
            if (scan.osType.isEmpty() && !scan.encrypted.isEmpty()) {
                scan.osChecks.add(new CheckResult("W4", "The OS volume is not BitLocker-encrypted", Severity.MUST,
                        CheckStatus.FAIL, scan.encrypted, "decrypt the volume in Windows ('manage-bde -off C:'), "
                        + "wait for decryption to finish, then capture again", "anchors §2.3 W4"));
            }
            Verdict verdict = verdict(scan, waivers, reasons);
            checks.addAll(scan.osChecks);
            DetectedFacts facts = new DetectedFacts(img.format().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    img.virtualSize(), scan.osType, scan.osName,
                    layout.flatMap(DiskLayout::hyperVGeneration).map(Enum::name), scan.architecture);
            return new VerificationReport(VerificationReport.SCHEMA, image.getFileName().toString(), policy.id(),
                    verdict, reasons, facts, checks, findings, Instant.now(), disk.bytesRead());
        }
    }

    /**
     * Container checks that failed with MUST severity and that packaging cannot fix: the image
     * cannot become Azure-ready, whatever its OS.
     */
    public List<CheckResult> blockingContainerFailures(VerificationReport report) {
        return report.checks().stream()
                .filter(c -> c.id().startsWith("G") && c.failed() && c.severity() == Severity.MUST
                        && !FIXED_BY_PACKAGING.contains(c.id()))
                .toList();
    }

    private void scanVolume(Volume v, Scan scan, LinuxPolicy linuxPolicy, List<String> swap) {
        if (v.hasRole(VolumeRole.EXTENDED) || v.hasRole(VolumeRole.MSR) || v.hasRole(VolumeRole.SWAP)
                || (v.hasRole(VolumeRole.LVM_PV) && !v.hasRole(VolumeRole.LVM_LV))) {
            return;
        }
        ByteSource source = v.source();
        Filesystem fs;
        try {
            // Only the boot sector's OEM ID: the filesystem itself is opened once, just below.
            if (NtfsBootSector.isBitLocker(source)) {
                throw new EncryptedVolumeException("NTFS boot sector OEM ID", 3);
            }
            Optional<Filesystem> opened = Filesystems.open(source);
            if (opened.isEmpty()) {
                return;
            }
            fs = opened.get();
        } catch (EncryptedVolumeException e) {
            scan.encrypted.add(v.id() + ": BitLocker-encrypted volume (OEM ID '-FVE-FS-' at byte 3): its files "
                    + "cannot be read offline");
            scan.findings.add(new Finding("windows.bitlocker", e.offset(), v.id() + ": " + e.getMessage()));
            return;
        } catch (IOException e) {
            scan.unreadable.add(v.id());
            scan.findings.add(new Finding("filesystem.unreadable", e instanceof DiskException d ? d.offset() : -1,
                    v.id() + ": " + e.getMessage()));
            return;
        }
        String location = v.id() + "/" + fs.type();
        for (Finding f : fs.findings()) {
            scan.findings.add(new Finding(f.code(), f.offset(), location + ": " + f.detail()));
        }
        try {
            if (WindowsSystem.isWindows(fs)) {
                WindowsSystem w = WindowsSystem.open(fs, location);
                scan.osChecks.add(new CheckResult("W4", "The OS volume is not BitLocker-encrypted", Severity.MUST,
                        CheckStatus.PASS, List.of(location + ": NTFS readable, not encrypted"), "", "anchors §2.3 W4"));
                scan.osChecks.addAll(windowsChecks.run(w));
                scan.osType = Optional.of("Windows");
                if (w.software().isPresent()) {
                    WindowsIdentity id = WindowsIdentity.read(w);
                    scan.osName = Optional.of(id.describe());
                    scan.architecture = id.architecture();
                }
            } else {
                Optional<LinuxOs> linux = linuxDetector.detect(fs, location);
                if (linux.isPresent()) {
                    LinuxContext ctx = new LinuxContext(fs, linux.get(), linuxPolicy, swap);
                    // Waivers are applied to all OS checks at once, in verdict().
                    scan.osChecks.addAll(linuxChecks.run(ctx, Set.of()).checks());
                    scan.osType = Optional.of("Linux");
                    scan.osName = Optional.of(linux.get().displayName());
                    scan.architecture = linux.get().architecture();
                }
            }
        } catch (IOException e) {
            scan.unreadable.add(v.id());
            scan.findings.add(new Finding("filesystem.unreadable", e instanceof DiskException d ? d.offset() : -1,
                    location + ": " + e.getMessage()));
        }
    }

    /**
     * The verdict: cannot-determine without an OS (encrypted or none found), otherwise what the OS
     * checks support, the same rule for every OS ({@link OsAssessment}). Waivers are applied to the
     * OS checks here, once.
     */
    private static Verdict verdict(Scan scan, Set<String> waivers, List<String> reasons) {
        OsAssessment os = OsAssessment.of(scan.osChecks, waivers);
        scan.osChecks.clear();
        scan.osChecks.addAll(os.checks());
        if (scan.osType.isEmpty()) {
            if (!scan.encrypted.isEmpty()) {
                reasons.add("the OS volume is encrypted: " + String.join("; ", scan.encrypted));
            } else {
                reasons.add("no operating system found on any volume"
                        + (scan.unreadable.isEmpty() ? "" : " (unreadable: " + String.join(", ", scan.unreadable) + ")"));
            }
            return Verdict.CANNOT_DETERMINE;
        }
        if (os.verdict() == Verdict.GENERALIZED) {
            reasons.add(scan.osType.get() + " " + scan.osName.orElse("") + ": every MUST check passed");
            reasons.addAll(os.reasons().subList(1, os.reasons().size()));
        } else {
            reasons.addAll(os.reasons());
        }
        return os.verdict();
    }

    private static CheckResult containerCheck(AzureReadiness.CheckResult c, Optional<DiskLayout> layout,
                                              AzureReadiness.Policy policy) {
        if (c.id().equals("G6") && layout.isPresent()) {
            DiskLayout l = layout.get();
            Optional<String> gen = l.hyperVGeneration().map(Enum::name);
            return new CheckResult("G6", c.title(), Severity.MUST, gen.isPresent() ? CheckStatus.PASS : CheckStatus.FAIL,
                    List.of("partition table " + l.scheme() + ", boot scheme " + l.bootScheme()
                            + gen.map(g -> " → Hyper-V generation " + g).orElse(": neither MBR nor GPT with an ESP")),
                    "the disk needs an MBR (Gen1) or a GPT with an EFI System Partition (Gen2)", CONTAINER_SOURCE);
        }
        if (c.id().equals("G7") && layout.isPresent() && policy == AzureReadiness.Policy.MARKETPLACE) {
            List<Volume> early = layout.get().partitionsInFirst2MiB();
            return new CheckResult("G7", c.title(), Severity.SHOULD, early.isEmpty() ? CheckStatus.PASS : CheckStatus.FAIL,
                    early.isEmpty() ? List.of("no partition starts in the first 2 MiB")
                            : early.stream().map(v -> v.id() + " starts at byte " + v.diskOffset().getAsLong()).toList(),
                    "leave the first 2 MiB of the disk free of partitions (Marketplace certification)", CONTAINER_SOURCE);
        }
        CheckStatus status = switch (c.status()) {
            case PASSED -> CheckStatus.PASS;
            case FAILED -> CheckStatus.FAIL;
            case NOT_APPLICABLE -> CheckStatus.NOT_APPLICABLE;
            case NOT_EVALUATED -> CheckStatus.NOT_RUN;
        };
        String remediation = c.remediation();
        if (FIXED_BY_PACKAGING.contains(c.id()) && status == CheckStatus.FAIL) {
            remediation = "packaging fixes this: the package holds a fixed VHD with its size rounded up to a whole MiB";
        }
        return new CheckResult(c.id(), c.title(), Severity.valueOf(c.severity().name()), status, List.of(c.evidence()),
                remediation, CONTAINER_SOURCE);
    }
}
