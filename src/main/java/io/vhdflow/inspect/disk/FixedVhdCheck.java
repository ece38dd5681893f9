package io.vhdflow.inspect.disk;

import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/** G2: the disk is a fixed VHD, the only kind Azure takes. Packaging converts any readable disk. */
final class FixedVhdCheck implements DiskCheck {
    @Override public String id() { return "G2"; }
    @Override public String title() { return "Fixed VHD"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "VHD footer disk type (2 fixed, 3 dynamic, 4 differencing)"; }
    @Override public String source() { return "Azure: upload a VHD to create a managed disk (fixed VHD only) — docs/checks.md#g2"; }
    @Override public String remediation() { return VhdFooterCheck.CONVERT; }
    @Override public boolean fixedByPackaging() { return true; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isEmpty()) {
            return ctx.disk().containerError().isPresent() ? notRun(ctx, List.of(ctx.containerUnreadable()))
                    : fail(ctx, List.of(ctx.containerUnreadable()));
        }
        DiskImage img = ctx.disk().image().get();
        String type = img.footer().map(f -> "disk type " + f.diskTypeCode() + " (" + img.format().displayName() + ")")
                .orElse(img.format().displayName());
        return img.format() == DiskFormat.VHD_FIXED ? pass(ctx, List.of(type))
                : fail(ctx, List.of(type + "; Azure accepts only fixed VHDs"));
    }
}
