package io.vhdflow.inspect.disk;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/** G5: the image is a format vhdflow reads and can package for Azure (VHD or raw; not VHDX, qcow2, ...). */
final class AcceptedFormatCheck implements DiskCheck {
    @Override public String id() { return "G5"; }
    @Override public String title() { return "Not VHDX or another format Azure refuses"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "the file's magic: VHD footer, VHDX and qcow2 signatures"; }
    @Override public String source() { return "Azure: upload a VHD (VHDX and other formats are refused) — docs/checks.md#g5"; }
    @Override public String remediation() {
        return "convert it to a fixed VHD, e.g. qemu-img convert -O vpc -o subformat=fixed,force_size=on IN OUT.vhd";
    }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isPresent()) {
            return pass(ctx, List.of(ctx.disk().image().get().format().displayName()));
        }
        if (ctx.disk().format().isPresent() && !ctx.disk().format().get().readable()) {
            return fail(ctx, List.of(ctx.containerUnreadable() + "; Azure does not accept it"));
        }
        return notRun(ctx, List.of(ctx.containerUnreadable()));
    }
}
