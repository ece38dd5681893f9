package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Mutates valid hives and logs (random bytes, random 32-bit fields at cell-aligned offsets where
 * sizes and offsets live, truncation) and reads everything: the only failure allowed is a
 * {@link DiskException}; never a RuntimeException, an OutOfMemoryError or a hang.
 */
class HiveMutationPropertiesTest {

    /**
     * One mutation: kind 0 = random byte, 1 = random int at an 8-aligned (+0 or +4) offset,
     * 2 = truncate, 3 = random int into one of the first 20 fields of an allocated cell (where
     * sizes, counts and offsets live).
     */
    record Mutation(int kind, double where, int value) {
    }

    record Case(String hive, List<String> logs, int target, List<Mutation> mutations) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Mutation> m = Combinators.combine(
                Arbitraries.frequency(Tuple.of(25, 0), Tuple.of(25, 1), Tuple.of(3, 2), Tuple.of(47, 3)),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.oneOf(Arbitraries.integers(),
                        Arbitraries.of(0, -1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF8, -8, 8, 0x20, 0x1000, 0x80000004))
        ).as(Mutation::new);
        Arbitrary<Case> plain = Combinators.combine(
                Arbitraries.of("software.hive", "system.hive", "amcache.hve"),
                m.list().ofMinSize(1).ofMaxSize(12)
        ).as((h, ms) -> new Case(h, List.of(), 0, ms));
        Arbitrary<Case> logged = Combinators.combine(
                Arbitraries.of(
                        List.of("system-dirty.LOG1", "system-dirty.LOG2"),
                        List.of("system-dirty-old.LOG")),
                Arbitraries.integers().between(0, 2),
                m.list().ofMinSize(1).ofMaxSize(12)
        ).as((logs, target, ms) -> new Case("system-dirty", logs, Math.min(target, logs.size()), ms));
        return Arbitraries.oneOf(plain, plain, logged);
    }

    @Property(tries = 200)
    void mutatedHivesFailOnlyWithTypedErrors(@ForAll("cases") Case c) {
        String outcome = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            // target 0 = the primary; 1.. = the n-th log
            List<byte[]> files = new ArrayList<>();
            files.add(HiveFixtures.bytes(c.hive()));
            for (String l : c.logs()) {
                files.add(HiveFixtures.bytes(l));
            }
            byte[] t = mutate(files.get(c.target()), c.mutations());
            files.set(c.target(), t);
            List<ByteSource> logs = new ArrayList<>();
            for (int i = 1; i < files.size(); i++) {
                logs.add(new ByteArraySource(files.get(i), c.logs().get(i - 1)));
            }
            try {
                Hive h = Hive.open(new ByteArraySource(files.get(0), c.hive()), logs);
                readEverything(h);
                return h.recovered() ? "read completely, logs replayed" : "read completely";
            } catch (DiskException expected) {
                // the only acceptable failure
                return expected.structure().replaceAll(" at .*| of .*|0x.*", "");
            }
        });
        Statistics.collect(outcome);
    }

    static byte[] mutate(byte[] in, List<Mutation> ms) {
        byte[] b = in;
        int[] cells = cellOffsets(in);           // from the valid file, before any damage
        for (Mutation m : ms) {
            if (b.length < 4) {
                break;
            }
            int pos = (int) (m.where() * (b.length - 1));
            switch (m.kind()) {
                case 0 -> b[pos] = (byte) m.value();
                case 3 -> {
                    if (cells.length > 0) {
                        int cell = cells[(int) (m.where() * (cells.length - 1))];
                        int at = cell + 4 * (1 + Math.floorMod(m.value() >>> 8, 20));
                        if (at + 4 <= b.length) {
                            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, m.value());
                        }
                    }
                }
                case 1 -> {
                    int at = Math.max(0, Math.min(b.length - 4, (pos & ~7) + ((m.value() & 1) == 0 ? 0 : 4)));
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, m.value());
                }
                default -> b = java.util.Arrays.copyOf(b, Math.max(0, pos));
            }
        }
        return b;
    }

    /** Offsets of the allocated cells of a hive file (empty for a log or unparseable bytes). */
    static int[] cellOffsets(byte[] hive) {
        List<Integer> out = new ArrayList<>();
        if (hive.length > 4096 + 32 && hive[4096] == 'h' && hive[0] == 'r') {
            ByteBuffer b = ByteBuffer.wrap(hive).order(ByteOrder.LITTLE_ENDIAN);
            int end = Math.min(hive.length, 4096 + b.getInt(40));
            for (int off = 4096; off + 32 <= end && b.getInt(off + 8) > 0; off += b.getInt(off + 8)) {
                int binEnd = Math.min(end, off + b.getInt(off + 8));
                for (int p = off + 32; p + 4 <= binEnd && b.getInt(p) != 0; p += Math.abs(b.getInt(p))) {
                    if (b.getInt(p) < 0) {
                        out.add(p);
                    }
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Reads every key, value and typed accessor reachable, each key node once. */
    static void readEverything(Hive h) throws IOException {
        Deque<RegistryKey> todo = new ArrayDeque<>();
        todo.push(h.root());
        Set<Long> seen = new HashSet<>();
        h.currentControlSetName();
        while (!todo.isEmpty()) {
            RegistryKey k = todo.pop();
            if (!seen.add(k.offset())) {
                continue;
            }
            k.className();
            k.lastWritten();
            for (RegistryValue v : k.values()) {
                v.asBytes();
                for (Accessor a : ACCESSORS) {
                    try {
                        a.read(v);
                    } catch (DiskException wrongTypeOrBadData) {
                        // typed: fine
                    }
                }
                k.value(v.name());
            }
            for (RegistryKey c : k.subkeys()) {
                todo.push(c);
                k.subkey(c.name());
            }
        }
    }

    private interface Accessor {
        Object read(RegistryValue v) throws IOException;
    }

    private static final Accessor[] ACCESSORS = {
            RegistryValue::asString, RegistryValue::asMultiString, RegistryValue::asDword, RegistryValue::asQword};
}
