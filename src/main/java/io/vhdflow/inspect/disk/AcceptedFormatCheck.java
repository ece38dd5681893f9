package io.vhdflow.inspect.disk;

import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/**
 * G5: the image is a format vhdflow reads and can package for Azure (VHD, VHDX, qcow2, VMDK, OVA,
 * raw); a format it only recognises (VDI) or cannot read at all fails.
 */
final class AcceptedFormatCheck implements DiskCheck {
    @Override public String id() { return "G5"; }
    @Override public String title() { return "A format vhdflow reads and converts for Azure"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() {
        return "the file's magic: VHD footer, VHDX, qcow2, VMDK, tar (OVA) and VDI signatures";
    }
    @Override public String source() { return "Azure: upload a VHD (VHDX and other formats are refused) — docs/checks.md#g5"; }
    @Override public String remediation() {
        return "convert it to a fixed VHD, e.g. qemu-img convert -O vpc -o subformat=fixed,force_size=on IN OUT.vhd";
    }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isPresent()) {
            DiskFormat f = ctx.disk().image().get().format();
            return pass(ctx, List.of(f.acceptedByAzure() ? f.displayName() : f.displayName()
                    + ", read by vhdflow; the package stage converts it to a fixed VHD"));
        }
        if (ctx.disk().format().isPresent() && !ctx.disk().format().get().readable()) {
            return fail(ctx, List.of(ctx.containerUnreadable() + "; Azure does not accept it"));
        }
        return notRun(ctx, List.of(ctx.containerUnreadable()));
    }
}
