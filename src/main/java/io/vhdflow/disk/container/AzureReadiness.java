package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Azure-readiness verdict of a disk image container: checks G1–G8 of the project's offline
 * checklist (research anchors §2.3). G6 (partition table → VM generation) and G7 (first 2 MiB free
 * of partitions, Marketplace) need the partition table, which the volume layer reads; here they
 * are reported as {@link CheckStatus#NOT_EVALUATED} (G7 is not applicable to the platform policy).
 */
public final class AzureReadiness {

    /** Which Azure rules apply. */
    public enum Policy {
        /** What the platform accepts for an uploaded OS disk (the default). */
        AZURE_PLATFORM("azure-platform"),
        /** Marketplace certification: stricter sizes, first 2 MiB free. */
        MARKETPLACE("marketplace");

        private final String id;

        Policy(String id) {
            this.id = id;
        }

        /** The policy's command-line name. */
        public String id() {
            return id;
        }

        /** The policy named {@code id}, e.g. {@code azure-platform}. */
        public static Policy parse(String id) {
            for (Policy p : values()) {
                if (p.id.equalsIgnoreCase(id) || p.name().equalsIgnoreCase(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown policy \"" + id + "\"; use azure-platform or marketplace");
        }
    }

    /** How much a failed check matters. */
    public enum Severity { MUST, SHOULD, INFO }

    /** Outcome of one check. */
    public enum CheckStatus {
        PASSED, FAILED, NOT_APPLICABLE,
        /** The check needs a layer above the container (e.g. the partition table). */
        NOT_EVALUATED
    }

    /**
     * One check's result.
     *
     * @param id          checklist id, e.g. {@code G3}
     * @param title       what is checked
     * @param severity    how much a failure matters under the policy
     * @param status      outcome
     * @param evidence    what was found
     * @param remediation what to do when it failed (empty otherwise)
     */
    public record CheckResult(String id, String title, Severity severity, CheckStatus status, String evidence,
                              String remediation) {
        /** A failed MUST check. */
        public boolean blocking() {
            return status == CheckStatus.FAILED && severity == Severity.MUST;
        }
    }

    /**
     * The verdict.
     *
     * @param file   the image checked
     * @param policy the policy applied
     * @param format the detected format, empty when none was recognised
     * @param checks results in checklist order
     */
    public record Verdict(Path file, Policy policy, Optional<DiskFormat> format, List<CheckResult> checks) {
        public Verdict {
            checks = List.copyOf(checks);
        }

        /** Ready when no MUST check failed. */
        public boolean ready() {
            return checks.stream().noneMatch(CheckResult::blocking);
        }
    }

    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;
    /** Smallest size Azure accepts for a managed-disk upload: 20 MiB. */
    public static final long MIN_SIZE = 20 * MiB;
    /** Largest Gen1 OS disk: 2 TiB (Windows preparation doc). */
    public static final long MAX_OS_DISK = 2048 * GiB;
    /** Largest data disk: 32,767 GiB. */
    public static final long MAX_DATA_DISK = 32_767 * GiB;
    /** Marketplace recommended OS disk range (Linux): 30–1023 GiB. */
    public static final long MARKETPLACE_MIN = 30 * GiB;
    public static final long MARKETPLACE_MAX = 1023 * GiB;

    private static final String CONVERT = "convert it: vhdflow vhd convert IN OUT.vhd (fixed VHD, size rounded up to"
            + " a whole MiB)";

    private AzureReadiness() {
    }

    /** Opens {@code file} and evaluates it; a damaged or unreadable container fails G1/G5 with the reason. */
    public static Verdict evaluate(Path file, Policy policy) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "not a regular file");
        }
        DiskFormat format;
        try {
            format = DiskImages.detect(file);
        } catch (DiskException e) {
            return unreadable(file, policy, Optional.empty(), e);
        }
        if (!format.readable()) {
            return notVhd(file, policy, format);
        }
        try (DiskImage img = DiskImages.open(file)) {
            return evaluate(img, policy);
        } catch (DiskException e) {
            return unreadable(file, policy, Optional.of(format), e);
        }
    }

    /** Evaluates an opened image. */
    public static Verdict evaluate(DiskImage img, Policy policy) {
        List<CheckResult> out = new ArrayList<>();
        Optional<VhdFooter> footer = img.footer();
        long size = img.virtualSize();
        if (footer.isPresent()) {
            VhdFooter f = footer.get();
            out.add(pass("G1", "VHD footer cookie and checksum", Severity.MUST, String.format(
                    "cookie \"conectix\", checksum 0x%08x valid, creator \"%s\"%s", f.checksum(), f.creatorDisplay(),
                    f.knownCreator().map(c -> " (" + c + ")").orElse(" (unknown creator)"))));
        } else {
            out.add(fail("G1", "VHD footer cookie and checksum", Severity.MUST,
                    img.format().displayName() + ": no VHD footer", CONVERT));
        }
        String type = footer.map(f -> "disk type " + f.diskTypeCode() + " (" + img.format().displayName() + ")")
                .orElse(img.format().displayName());
        out.add(img.format() == DiskFormat.VHD_FIXED
                ? pass("G2", "Fixed VHD", Severity.MUST, type)
                : fail("G2", "Fixed VHD", Severity.MUST, type + "; Azure accepts only fixed VHDs", CONVERT));
        out.add(sizeLayout(img, footer));
        out.add(sizeRange(size, policy));
        out.add(pass("G5", "Not VHDX or another format Azure refuses", Severity.MUST, img.format().displayName()));
        out.add(new CheckResult("G6", "Partition table and VM generation", Severity.MUST, CheckStatus.NOT_EVALUATED,
                "read by the volume layer (MBR → Gen1, GPT with an ESP → Gen2), not by the container", ""));
        out.add(policy == Policy.MARKETPLACE
                ? new CheckResult("G7", "First 2 MiB free of partitions (Linux)", Severity.SHOULD,
                CheckStatus.NOT_EVALUATED, "needs the partition table, read by the volume layer", "")
                : new CheckResult("G7", "First 2 MiB free of partitions (Linux)", Severity.INFO,
                CheckStatus.NOT_APPLICABLE, "Marketplace only", ""));
        out.add(footer.map(f -> f.savedState()
                        ? fail("G8", "Not in saved state", Severity.MUST, "footer saved-state flag is 1",
                        "boot the VM and shut it down cleanly (not save/hibernate), then export the disk again")
                        : pass("G8", "Not in saved state", Severity.MUST, "footer saved-state flag is 0"))
                .orElseGet(() -> new CheckResult("G8", "Not in saved state", Severity.MUST, CheckStatus.NOT_APPLICABLE,
                        "no VHD footer", "")));
        return new Verdict(img.path(), policy, Optional.of(img.format()), out);
    }

    private static CheckResult sizeLayout(DiskImage img, Optional<VhdFooter> footer) {
        String title = "File size = current size + 512, current size a whole MiB";
        long size = img.virtualSize();
        List<String> problems = new ArrayList<>();
        if (size % MiB != 0) {
            problems.add("virtual size " + size + " bytes is not a whole number of MiB (" + size / MiB + " MiB + "
                    + size % MiB + " bytes)");
        }
        if (footer.isEmpty() || img.format() != DiskFormat.VHD_FIXED) {
            problems.add("file size " + img.fileSize() + " is not that of a fixed VHD (" + (size + 512) + ")");
        } else if (img.fileSize() != size + VhdFooter.SIZE) {
            problems.add("file size " + img.fileSize() + " ≠ current size + 512 = " + (size + 512));
        }
        if (problems.isEmpty()) {
            return pass("G3", title, Severity.MUST, "current size " + size + " = " + size / MiB
                    + " MiB, file size " + img.fileSize());
        }
        long rounded = (size + MiB - 1) / MiB * MiB;
        return fail("G3", title, Severity.MUST, String.join("; ", problems),
                "convert to a fixed VHD of " + rounded + " bytes (+512 footer): vhdflow vhd convert IN OUT.vhd");
    }

    static CheckResult sizeRange(long size, Policy policy) {
        String title = "Disk size within Azure's limits";
        if (size < MIN_SIZE) {
            return fail("G4", title, Severity.MUST, size + " bytes is below Azure's 20 MiB minimum",
                    "grow the disk to at least 20 MiB");
        }
        if (size > MAX_DATA_DISK) {
            return fail("G4", title, Severity.MUST, size + " bytes exceeds the 32,767 GiB data-disk limit",
                    "shrink the filesystems and the disk");
        }
        if (policy == Policy.MARKETPLACE && (size < MARKETPLACE_MIN || size > MARKETPLACE_MAX)) {
            return fail("G4", title, Severity.MUST, String.format("%.3f GiB is outside the Marketplace OS disk range"
                    + " 30–1023 GiB (Windows: 30–250 GiB)", size / (double) GiB),
                    "resize the OS disk into 30–1023 GiB (30–250 GiB for Windows)");
        }
        if (size > MAX_OS_DISK) {
            return new CheckResult("G4", title, Severity.SHOULD, CheckStatus.FAILED, String.format(
                    "%.1f GiB exceeds the 2 TiB Gen1 OS disk limit; fine as a data disk (≤ 32,767 GiB)",
                    size / (double) GiB), "use it as a data disk, or as a Gen2 OS disk");
        }
        String extra = policy == Policy.MARKETPLACE ? "; within Marketplace 30–1023 GiB (Windows needs ≤ 250 GiB)" : "";
        return pass("G4", title, Severity.MUST,
                String.format("%.3f GiB: within 20 MiB–2 TiB%s", size / (double) GiB, extra));
    }

    private static Verdict notVhd(Path file, Policy policy, DiskFormat format) {
        String ev = file.getFileName() + " is a " + format.displayName() + " image";
        String fix = "convert it to a fixed VHD, e.g. qemu-img convert -O vpc -o subformat=fixed,force_size=on IN OUT.vhd";
        List<CheckResult> out = new ArrayList<>();
        out.add(fail("G1", "VHD footer cookie and checksum", Severity.MUST, ev + ", not a VHD", fix));
        out.add(fail("G2", "Fixed VHD", Severity.MUST, ev, fix));
        out.add(notEvaluated("G3", "File size = current size + 512, current size a whole MiB", Severity.MUST, ev));
        out.add(notEvaluated("G4", "Disk size within Azure's limits", Severity.MUST, ev));
        out.add(fail("G5", "Not VHDX or another format Azure refuses", Severity.MUST, ev
                + ", which Azure does not accept", fix));
        out.addAll(rest(policy, ev));
        return new Verdict(file, policy, Optional.of(format), out);
    }

    private static Verdict unreadable(Path file, Policy policy, Optional<DiskFormat> format, DiskException e) {
        String ev = e.getMessage();
        String fix = "the image is damaged or not a disk image: re-export or re-copy it from the source";
        List<CheckResult> out = new ArrayList<>();
        out.add(fail("G1", "VHD footer cookie and checksum", Severity.MUST, ev, fix));
        out.add(notEvaluated("G2", "Fixed VHD", Severity.MUST, "container unreadable"));
        out.add(notEvaluated("G3", "File size = current size + 512, current size a whole MiB", Severity.MUST,
                "container unreadable"));
        out.add(notEvaluated("G4", "Disk size within Azure's limits", Severity.MUST, "container unreadable"));
        out.add(notEvaluated("G5", "Not VHDX or another format Azure refuses", Severity.MUST, "container unreadable"));
        out.addAll(rest(policy, "container unreadable"));
        return new Verdict(file, policy, format, out);
    }

    private static List<CheckResult> rest(Policy policy, String why) {
        return List.of(
                notEvaluated("G6", "Partition table and VM generation", Severity.MUST, why),
                policy == Policy.MARKETPLACE
                        ? notEvaluated("G7", "First 2 MiB free of partitions (Linux)", Severity.SHOULD, why)
                        : new CheckResult("G7", "First 2 MiB free of partitions (Linux)", Severity.INFO,
                        CheckStatus.NOT_APPLICABLE, "Marketplace only", ""),
                notEvaluated("G8", "Not in saved state", Severity.MUST, why));
    }

    private static CheckResult pass(String id, String title, Severity s, String evidence) {
        return new CheckResult(id, title, s, CheckStatus.PASSED, evidence, "");
    }

    private static CheckResult fail(String id, String title, Severity s, String evidence, String fix) {
        return new CheckResult(id, title, s, CheckStatus.FAILED, evidence, fix);
    }

    private static CheckResult notEvaluated(String id, String title, Severity s, String why) {
        return new CheckResult(id, title, s, CheckStatus.NOT_EVALUATED, why, "");
    }
}
