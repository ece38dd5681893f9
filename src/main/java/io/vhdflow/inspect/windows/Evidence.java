package io.vhdflow.inspect.windows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a check with several items found, line by line, and the worst of it: a check such as W6
 * reads a dozen values, some of which block (RDP denied) and some of which only warn (NLA off).
 * {@link WindowsCheck#conclude} turns it into one result whose remedy lists the commands for the
 * lines that were not right, in the order found.
 */
final class Evidence {

    /** How bad a line is, mildest first. */
    enum Level {
        OK,
        /** Worth fixing, does not block: reported failed at SHOULD (or the check's own, if lower). */
        WARN,
        /** Could not be read or decided: the check did not run, unless something else blocks. */
        UNKNOWN,
        /** Blocks at the check's own severity. */
        BLOCK
    }

    private record Line(Level level, String text) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final Set<String> remedies = new LinkedHashSet<>();
    private Level worst = Level.OK;

    void ok(String line) {
        add(Level.OK, line, "");
    }

    void warn(String line, String remedy) {
        add(Level.WARN, line, remedy);
    }

    void unknown(String line) {
        add(Level.UNKNOWN, line, "");
    }

    void block(String line, String remedy) {
        add(Level.BLOCK, line, remedy);
    }

    private void add(Level level, String line, String remedy) {
        lines.add(new Line(level, line));
        if (!remedy.isEmpty()) {
            remedies.add(remedy);
        }
        if (level.compareTo(worst) > 0) {
            worst = level;
        }
    }

    /**
     * The lines, the worst first (in the order found within a level): the verdict quotes a failed
     * check's first line, which must be the one that decided it.
     */
    List<String> lines() {
        return lines.stream().sorted(Comparator.comparing(Line::level).reversed()).map(Line::text).toList();
    }

    Level worst() {
        return worst;
    }

    /** The remedies of the lines that were not right, as one line. */
    String remedy() {
        return String.join("; ", remedies);
    }
}
