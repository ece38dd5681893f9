package io.vhdflow.inspect.data;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.InspectedOs;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.ScannedVolume;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.disk.DiskSizeCheck;
import io.vhdflow.inspect.secrets.SecretFinding;
import io.vhdflow.inspect.secrets.SecretRuleCatalogue;
import io.vhdflow.inspect.secrets.SecretScan;
import io.vhdflow.inspect.secrets.SecretScanner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of a data disk of a VM image. A data disk boots nothing, so the OS checks do not
 * apply; what can go wrong is that it is the wrong disk (it holds an operating system: a second
 * OS disk was picked), that it carries credentials (the same secrets rules and budget as the OS
 * disk, over every filesystem on it, from its root), or that Azure cannot take it (its container
 * cannot be read, or its size is outside 20 MiB–32,767 GiB; a size that is not a whole MiB is
 * padded by packaging). The four checks are documented in docs/checks.md under "Data disks".
 */
public final class DataDiskVerification {
    public static final String FORMAT = "DATA-FORMAT";
    public static final String SIZE = "DATA-SIZE";
    public static final String NO_OS = "DATA-NO-OS";
    public static final String SECRETS = "DATA-SECRETS";
    private static final long MIB = 1L << 20;
    private static final String DOC = "docs/checks.md#data-disks";

    private final VerificationService verification;
    private final ScanBudget budget;

    /**
     * @param verification the service whose registered OS inspectors look for an operating system
     * @param budget       the secrets scan's budget per filesystem (the OS disk's per installation)
     */
    public DataDiskVerification(VerificationService verification, ScanBudget budget) {
        this.verification = verification;
        this.budget = budget;
    }

    /** Checks the data disk {@code image}; a container that cannot be read at all is a DiskException. */
    public DataDiskReport verify(Path image) throws IOException {
        try (DiskImage img = DiskImages.open(image)) {
            List<Finding> findings = new ArrayList<>(img.findings());
            String format = img.format().name().toLowerCase(Locale.ROOT).replace('_', '-');
            InspectedDisk disk = VerificationService.readVolumes(image, img, findings);
            List<CheckResult> checks = new ArrayList<>();
            checks.add(result(FORMAT, "Data disk container readable", Category.CONTAINER, CheckStatus.PASS,
                    List.of(format + ", virtual size " + img.virtualSize() + " bytes"), ""));
            checks.add(size(img.virtualSize()));
            List<InspectedOs> systems = verification.operatingSystems(disk);
            List<String> named = systems.stream().map(o -> o.displayName() + " on " + o.location()).toList();
            checks.add(systems.isEmpty()
                    ? result(NO_OS, "Data disk holds no operating system", Category.CONTAINER, CheckStatus.PASS,
                    List.of("no operating system on " + disk.volumes().size() + " volume(s): "
                            + String.join(", ", disk.volumes().stream().map(ScannedVolume::location).toList())), "")
                    : result(NO_OS, "Data disk holds no operating system", Category.CONTAINER, CheckStatus.FAIL,
                    named.stream().map(n -> "an operating system: " + n).toList(),
                    "a VM image has one OS disk: this disk holds another; pick the right disks (or name the OS disk "
                            + "with \"osDisk\" in image.json and leave this one out) and drop the folder again"));
            checks.add(secrets(disk));
            return new DataDiskReport(DataDiskReport.SCHEMA, image.getFileName().toString(), format, img.virtualSize(),
                    named, checks, findings);
        }
    }

    /** The operating systems on {@code image}, each with its volume: how the OS disk of a VM image is found. */
    public List<String> operatingSystems(Path image) throws IOException {
        try (DiskImage img = DiskImages.open(image)) {
            InspectedDisk disk = VerificationService.readVolumes(image, img, new ArrayList<>());
            return verification.operatingSystems(disk).stream().map(o -> o.displayName() + " on " + o.location())
                    .toList();
        }
    }

    private static CheckResult size(long size) {
        List<String> evidence = new ArrayList<>();
        if (size < DiskSizeCheck.MIN_SIZE || size > DiskSizeCheck.MAX_DATA_DISK) {
            return result(SIZE, "Data disk size within Azure's limits", Category.CONTAINER, CheckStatus.FAIL,
                    List.of(size + " bytes is outside a data disk's 20 MiB–32,767 GiB"),
                    "resize the disk into 20 MiB–32,767 GiB and capture it again");
        }
        evidence.add(String.format(Locale.ROOT, "%.3f GiB: within 20 MiB–32,767 GiB", size / (double) (1L << 30)));
        evidence.add(size % MIB == 0 ? "a whole MiB" : "not a whole MiB: packaging pads it to "
                + ((size + MIB - 1) / MIB * MIB) + " bytes");
        return result(SIZE, "Data disk size within Azure's limits", Category.CONTAINER, CheckStatus.PASS, evidence, "");
    }

    /** Every filesystem on the disk scanned from its root; a finding that only warns does not block. */
    private CheckResult secrets(InspectedDisk disk) throws IOException {
        List<String> blocking = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> covered = new ArrayList<>();
        SecretScanner scanner = new SecretScanner(budget, SecretRuleCatalogue.families());
        for (ScannedVolume v : disk.volumes()) {
            Optional<NodeFilesystem<?>> fs = v.filesystem();
            if (fs.isEmpty()) {
                v.encrypted().or(v::unreadable).ifPresent(why -> warnings.add("not scanned: " + why));
                continue;
            }
            SecretScan scan = scanner.scan(fs.get(), List.of("/"), Map.of());
            covered.add(scan.summary(v.location()));
            scan.cutShort().ifPresent(why -> warnings.add(v.location() + ": scan cut short: " + why));
            for (SecretFinding f : scan.findings()) {
                (f.warning() ? warnings : blocking).add(f.evidence(v.location()));
            }
        }
        List<String> evidence = new ArrayList<>(blocking);
        evidence.addAll(warnings);
        evidence.addAll(covered);
        if (!blocking.isEmpty()) {
            return result(SECRETS, "No credentials left on the data disk", Category.SECRETS, CheckStatus.FAIL, evidence,
                    "remove the credential from the disk (rotate it: it was on a captured disk), capture the disk "
                            + "again and drop the folder again");
        }
        if (!warnings.isEmpty()) {
            return new CheckResult(SECRETS, "No credentials left on the data disk", Category.SECRETS, Severity.SHOULD,
                    CheckStatus.FAIL, evidence, "check what the scan could not read or flagged", sourceOf(SECRETS));
        }
        return result(SECRETS, "No credentials left on the data disk", Category.SECRETS, CheckStatus.PASS, evidence, "");
    }

    private static CheckResult result(String id, String title, Category category, CheckStatus status,
                                      List<String> evidence, String remedy) {
        return new CheckResult(id, title, category, Severity.MUST, status, evidence, remedy, sourceOf(id));
    }

    private static String sourceOf(String id) {
        return switch (id) {
            case SIZE -> "Azure managed disk limits (a data disk 20 MiB–32,767 GiB, a whole MiB) — " + DOC;
            case NO_OS -> "Azure Compute Gallery image version: one osDiskImage, dataDiskImages without an OS — " + DOC;
            case SECRETS -> "the secrets rules of the OS disk (docs/checks.md, secrets rules) — " + DOC;
            default -> "Azure accepts VHD page blobs; vhdflow reads the formats of docs/ARCHITECTURE.md — " + DOC;
        };
    }
}
