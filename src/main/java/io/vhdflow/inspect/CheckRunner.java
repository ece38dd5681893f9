package io.vhdflow.inspect;

import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs checks on one input. A check that cannot read what it needs (a damaged structure, a file
 * over a size limit, a defect) is reported as not run with the reason as evidence, so a failure to
 * read is never a pass and never stops the other checks.
 */
public final class CheckRunner {
    private CheckRunner() {
    }

    /**
     * @param where names the input in the evidence of a check that could not run, e.g. {@code mbr:p1/ext4:/}
     */
    public static <C extends CheckContext> List<CheckResult> run(List<? extends Check<C>> checks, C ctx, String where) {
        List<CheckResult> out = new ArrayList<>(checks.size());
        for (Check<C> c : checks) {
            CheckResult r;
            try {
                r = c.run(ctx);
            } catch (IOException e) {
                r = c.notRun(ctx, List.of(where + " could not be read (" + ErrorKind.of(e).label() + "): "
                        + e.getMessage()));
            } catch (RuntimeException e) {
                // A defect in the check must not pass the image; the message names the check for a bug report.
                r = c.notRun(ctx, List.of("internal error in check " + c.id() + " on " + where
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
            out.add(r);
        }
        return out;
    }
}
