package io.vhdflow.fuzz;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Watches a mutant's damaged bytes: a source over the mutant that notes, for every read covering
 * one of them, which reader asked for it (the innermost frame of the disk layer that is not mere
 * plumbing) and on behalf of which check. An empty {@link #readers()} after a verification means no
 * damaged byte was read by anything. Closing it leaves the mutant open.
 */
final class ReadWitness implements ByteSource {
    private final ByteSource mutant;
    private final long[] damaged;
    private final Set<String> readers = new LinkedHashSet<>();

    ReadWitness(ByteSource mutant, long[] damagedOffsets) {
        this.mutant = mutant;
        this.damaged = damagedOffsets.clone();
        Arrays.sort(this.damaged);
    }

    @Override
    public long size() {
        return mutant.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = mutant.read(offset, dst);
        if (n > 0) {
            int i = Arrays.binarySearch(damaged, offset);
            int at = i >= 0 ? i : -i - 1;
            if (at < damaged.length && damaged[at] < offset + n) {
                note(new Throwable().getStackTrace());
            }
        }
        return n;
    }

    /**
     * Names a read: its reader (the innermost frame past the byte-source plumbing of
     * {@code disk.container}) and, when a check or inspector asked, the innermost frame of
     * {@code inspect}.
     */
    private synchronized void note(StackTraceElement[] stack) {
        String reader = null;
        String asker = null;
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (!c.startsWith("io.vhdflow.") || c.startsWith("io.vhdflow.fuzz.")) {
                continue;
            }
            boolean plumbing = c.startsWith("io.vhdflow.disk.container.") && f.getMethodName().startsWith("read");
            if (reader == null && !plumbing) {
                reader = simple(f);
            } else if (reader != null && c.startsWith("io.vhdflow.inspect.")) {
                asker = simple(f);
                break;
            }
        }
        readers.add((reader == null ? "the container" : reader) + (asker == null ? "" : " for " + asker));
    }

    private static String simple(StackTraceElement f) {
        String c = f.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
    }

    synchronized Set<String> readers() {
        return Set.copyOf(readers);
    }

    @Override
    public String describe() {
        return mutant.describe();
    }

    @Override
    public void close() {
        // The mutant overlays the campaign's image, which stays open for the next mutant.
    }
}
