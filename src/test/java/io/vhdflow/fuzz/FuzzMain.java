package io.vhdflow.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code bench/fuzz.sh N}: the build's fuzzing campaign run for N minutes, round-robin over the
 * readers, printing for each reader how many mutants ended in each {@link MutationCampaign.Outcome}.
 * The first failures of each defect kind are printed with their seed and reader. Exit status 1 when
 * any mutant timed out, crashed or ran out of memory.
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        long seed0 = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        long timeoutS = 20;
        Path dir = Files.createTempDirectory("vhdflow-fuzz");
        List<String> only = args.length > 2 ? List.of(args[2].split(",")) : List.of();
        List<MutationCampaign.Target> targets = MutationCampaign.targets(dir).stream()
                .filter(t -> only.isEmpty() || only.contains(t.name())).toList();
        Map<String, Map<MutationCampaign.Outcome, Integer>> counts = new LinkedHashMap<>();
        targets.forEach(t -> counts.put(t.name(), new EnumMap<>(MutationCampaign.Outcome.class)));
        List<String> defects = new ArrayList<>();
        Map<String, Integer> readersOfUnused = new java.util.TreeMap<>();
        List<String> changed = new ArrayList<>();
        long end = System.nanoTime() + (long) (minutes * 60e9);
        Random seeds = new Random(seed0);
        int n = 0;
        try (MutationCampaign campaign = new MutationCampaign()) {
            while (System.nanoTime() < end) {
                MutationCampaign.Target t = targets.get(n++ % targets.size());
                long seed = seeds.nextLong();
                MutationCampaign.Result r = campaign.run(t, MutationCampaign.mutate(t.size(), new Random(seed)), timeoutS);
                counts.get(t.name()).merge(r.outcome(), 1, Integer::sum);
                if (r.outcome() == MutationCampaign.Outcome.READY_UNUSED) {
                    // Per reader: how many of these mutants had damaged bytes read by it.
                    r.detail().ifPresent(d -> java.util.Arrays.stream(d.replaceFirst("^damaged bytes read by ", "")
                            .split("; ")).forEach(reader -> readersOfUnused.merge(t.name() + "\t" + reader, 1, Integer::sum)));
                }
                if (r.outcome() == MutationCampaign.Outcome.READY_CHANGED && changed.size() < 20) {
                    changed.add(t.name() + " seed " + seed + ": " + r.detail().orElse(""));
                }
                if (r.outcome().defect() && defects.size() < 20) {
                    defects.add(t.name() + " seed " + seed + ": " + r.outcome() + r.failure().map(f -> " " + f).orElse("")
                            + r.detail().map(d -> " " + d).orElse(""));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("vhdflow fuzz: %.1f min, %d mutants, seed %d, timeout %d s%n", minutes, n, seed0,
                timeoutS));
        out.append(String.format("%-20s", "reader"));
        // ready-unread: no damaged byte was read; ready-unused: read, report unchanged; ready-changed:
        // read and used, yet ready (listed below with what changed)
        for (MutationCampaign.Outcome o : MutationCampaign.Outcome.values()) {
            out.append(String.format(" %16s", o.name().toLowerCase().replace('_', '-')));
        }
        out.append(String.format(" %8s%n", "total"));
        Map<MutationCampaign.Outcome, Integer> sum = new EnumMap<>(MutationCampaign.Outcome.class);
        counts.forEach((reader, c) -> {
            out.append(String.format("%-20s", reader));
            int total = 0;
            for (MutationCampaign.Outcome o : MutationCampaign.Outcome.values()) {
                int k = c.getOrDefault(o, 0);
                total += k;
                sum.merge(o, k, Integer::sum);
                out.append(String.format(" %16d", k));
            }
            out.append(String.format(" %8d%n", total));
        });
        out.append(String.format("%-20s", "all"));
        for (MutationCampaign.Outcome o : MutationCampaign.Outcome.values()) {
            out.append(String.format(" %16d", sum.getOrDefault(o, 0)));
        }
        out.append(String.format(" %8d%n", n));
        if (!readersOfUnused.isEmpty()) {
            out.append("ready-unused: what read the damaged bytes (mutants per reader, one mutant may count under several)\n");
            readersOfUnused.entrySet().stream()
                    .sorted(java.util.Comparator.<Map.Entry<String, Integer>, String>comparing(e -> e.getKey().split("\t")[0])
                            .thenComparing(Map.Entry::getValue, java.util.Comparator.reverseOrder()))
                    .forEach(e -> {
                        String[] k = e.getKey().split("\t");
                        out.append(String.format("  %-20s %6d  %s%n", k[0], e.getValue(), k[1]));
                    });
        }
        changed.forEach(c -> out.append("READY-CHANGED ").append(c).append('\n'));
        defects.forEach(d -> out.append("DEFECT ").append(d).append('\n'));
        System.out.print(out);
        System.out.flush();
        boolean bad = sum.entrySet().stream().anyMatch(e -> e.getKey().defect() && e.getValue() > 0);
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        System.exit(bad ? 1 : 0);
    }
}
