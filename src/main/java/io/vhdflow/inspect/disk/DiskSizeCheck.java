package io.vhdflow.inspect.disk;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/**
 * G4: the disk's size is within Azure's limits: at least 20 MiB, at most 32,767 GiB (a data disk);
 * over 2 TiB is a warning for an OS disk (Gen1 limit); the Marketplace wants 30–1023 GiB.
 */
public final class DiskSizeCheck implements DiskCheck {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    /** Smallest size Azure accepts for a managed-disk upload: 20 MiB. */
    public static final long MIN_SIZE = 20 * MIB;
    /** Largest Gen1 OS disk: 2 TiB. */
    public static final long MAX_OS_DISK = 2048 * GIB;
    /** Largest data disk: 32,767 GiB. */
    public static final long MAX_DATA_DISK = 32_767 * GIB;
    /** Marketplace OS disk range (Linux): 30–1023 GiB. */
    public static final long MARKETPLACE_MIN = 30 * GIB;
    public static final long MARKETPLACE_MAX = 1023 * GIB;

    @Override public String id() { return "G4"; }
    @Override public String title() { return "Disk size within Azure's limits"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "VHD footer current size (the virtual disk's size)"; }
    @Override public String source() { return "Azure managed disk limits (20 MiB–32,767 GiB; Gen1 OS disk ≤ 2 TiB); Marketplace certification (30–1023 GiB) — docs/checks.md#g4"; }
    @Override public String remediation() { return "resize the disk into Azure's limits (20 MiB–32,767 GiB; an OS disk ≤ 2 TiB on Gen1)"; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isEmpty()) {
            return notRun(ctx, List.of(ctx.containerUnreadable()));
        }
        return judge(ctx, ctx.disk().image().get().virtualSize());
    }

    /** The size rule alone, for a disk of {@code size} bytes. */
    public CheckResult judge(DiskContext ctx, long size) {
        if (size < MIN_SIZE) {
            return fail(ctx, List.of(size + " bytes is below Azure's 20 MiB minimum; grow the disk to at least 20 MiB"));
        }
        if (size > MAX_DATA_DISK) {
            return fail(ctx, List.of(size + " bytes exceeds the 32,767 GiB data-disk limit; shrink the filesystems and the disk"));
        }
        if (ctx.policy() == Policy.MARKETPLACE && (size < MARKETPLACE_MIN || size > MARKETPLACE_MAX)) {
            return fail(ctx, List.of(String.format("%.3f GiB is outside the Marketplace OS disk range 30–1023 GiB "
                    + "(Windows: 30–250 GiB)", size / (double) GIB)));
        }
        if (size > MAX_OS_DISK) {
            return new CheckResult(id(), title(), category(), Severity.SHOULD, CheckStatus.FAIL, List.of(String.format(
                    "%.1f GiB exceeds the 2 TiB Gen1 OS disk limit; fine as a data disk (≤ 32,767 GiB) or a Gen2 OS disk",
                    size / (double) GIB)), "use it as a data disk, or as a Gen2 OS disk", source());
        }
        String extra = ctx.policy() == Policy.MARKETPLACE ? "; within Marketplace 30–1023 GiB (Windows needs ≤ 250 GiB)" : "";
        return pass(ctx, List.of(String.format("%.3f GiB: within 20 MiB–2 TiB%s", size / (double) GIB, extra)));
    }
}
