package io.vhdflow.inspect.disk;

import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.VhdFooter;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.ArrayList;
import java.util.List;

/** G3: file size = current size + 512, and the current size is a whole number of MiB. */
final class SizeLayoutCheck implements DiskCheck {
    static final long MIB = 1L << 20;

    @Override public String id() { return "G3"; }
    @Override public String title() { return "File size = current size + 512, current size a whole MiB"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "VHD footer current size, the file's size"; }
    @Override public String source() { return "Azure: upload a VHD (virtual size a whole MiB; fixed VHD = data + 512-byte footer) — docs/checks.md#g3"; }
    @Override public String remediation() { return "convert to a fixed VHD of a whole MiB: vhdflow vhd convert IN OUT.vhd"; }
    @Override public boolean fixedByPackaging() { return true; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isEmpty()) {
            return notRun(ctx, List.of(ctx.containerUnreadable()));
        }
        DiskImage img = ctx.disk().image().get();
        long size = img.virtualSize();
        List<String> problems = new ArrayList<>();
        if (size % MIB != 0) {
            problems.add("virtual size " + size + " bytes is not a whole number of MiB (" + size / MIB + " MiB + "
                    + size % MIB + " bytes)");
        }
        if (img.footer().isEmpty() || img.format() != DiskFormat.VHD_FIXED) {
            problems.add("file size " + img.fileSize() + " is not that of a fixed VHD (" + (size + 512) + ")");
        } else if (img.fileSize() != size + VhdFooter.SIZE) {
            problems.add("file size " + img.fileSize() + " ≠ current size + 512 = " + (size + 512));
        }
        if (problems.isEmpty()) {
            return pass(ctx, List.of("current size " + size + " = " + size / MIB + " MiB, file size " + img.fileSize()));
        }
        long rounded = (size + MIB - 1) / MIB * MIB;
        problems.add("a fixed VHD of " + rounded + " bytes (+512 footer) is what Azure takes");
        return fail(ctx, problems);
    }
}
