package io.vhdflow.inspect.disk;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/** G8: the VHD is not in saved state (a VM saved or hibernated rather than shut down). */
final class SavedStateCheck implements DiskCheck {
    @Override public String id() { return "G8"; }
    @Override public String title() { return "Not in saved state"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "VHD footer saved-state flag (byte 84)"; }
    @Override public String source() { return "Virtual Hard Disk Image Format Specification (Microsoft), saved state — docs/checks.md#g8"; }
    @Override public String remediation() {
        return "boot the VM and shut it down cleanly (not save/hibernate), then export the disk again";
    }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().image().isEmpty()) {
            return notRun(ctx, List.of(ctx.containerUnreadable()));
        }
        return ctx.disk().image().get().footer()
                .map(f -> f.savedState() ? fail(ctx, List.of("footer saved-state flag is 1"))
                        : pass(ctx, List.of("footer saved-state flag is 0")))
                .orElseGet(() -> notApplicable(ctx, "no VHD footer"));
    }
}
