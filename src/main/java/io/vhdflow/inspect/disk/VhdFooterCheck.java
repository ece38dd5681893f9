package io.vhdflow.inspect.disk;

import io.vhdflow.disk.container.VhdFooter;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;
import java.util.Optional;

/** G1: the image ends in a valid VHD footer (cookie {@code conectix}, checksum). */
final class VhdFooterCheck implements DiskCheck {
    static final String CONVERT = "convert it: vhdflow vhd convert IN OUT.vhd (fixed VHD, size rounded up to a whole MiB)";

    @Override public String id() { return "G1"; }
    @Override public String title() { return "VHD footer cookie and checksum"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "the last 512 bytes of the file (VHD footer): cookie, checksum, creator"; }
    @Override public String source() { return "Virtual Hard Disk Image Format Specification (Microsoft), hard disk footer — docs/checks.md#g1"; }
    @Override public String remediation() { return CONVERT; }
    /** A VHDX, qcow2, VMDK, OVA or raw image has no footer; the package stage writes a fixed VHD with one. */
    @Override public boolean fixedByPackaging() { return true; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isEmpty()) {
            return fail(ctx, List.of(ctx.containerUnreadable()));
        }
        Optional<VhdFooter> footer = ctx.disk().image().get().footer();
        if (footer.isEmpty()) {
            return fail(ctx, List.of(ctx.disk().image().get().format().displayName() + ": no VHD footer (the package"
                    + " stage writes a fixed VHD with one)"));
        }
        VhdFooter f = footer.get();
        return pass(ctx, List.of(String.format("cookie \"conectix\", checksum 0x%08x valid, creator \"%s\"%s",
                f.checksum(), f.creatorDisplay(), f.knownCreator().map(c -> " (" + c + ")").orElse(" (unknown creator)"))));
    }
}
