package io.vhdflow.inspect.windows;

import io.vhdflow.disk.registry.Hive;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * W2: the hives read are what Windows would see. A hive whose base-block sequence numbers differ
 * was not flushed; its .LOG1/.LOG2 must have been replayed before W1 can be trusted.
 */
public final class HiveConsistencyCheck extends WindowsCheck {

    public HiveConsistencyCheck() {
        super("W2", "Registry hives are consistent, or their transaction logs were replayed", Category.BOOT, Severity.MUST, "SYSTEM and SOFTWARE hive base blocks (sequence numbers, checksum) and their .LOG1/.LOG2",
                "Windows registry file format specification (msuhanov/regf) — docs/checks.md#w2",
                "boot the VM once more and shut it down cleanly (no forced power-off) before capturing, so the "
                        + "registry is flushed; keep the .LOG1/.LOG2 files beside the hives");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        List<String> evidence = new ArrayList<>(w.problems());
        boolean unreadable = !w.problems().isEmpty();
        boolean inconsistent = false;
        for (var e : List.of(java.util.Map.entry("SYSTEM", w.system()), java.util.Map.entry("SOFTWARE", w.software()))) {
            Optional<Hive> h = e.getValue();
            if (h.isEmpty()) {
                continue;
            }
            String where = w.where(WindowsSystem.CONFIG + "/" + e.getKey());
            if (!h.get().dirty()) {
                evidence.add(where + ": clean (sequence numbers " + h.get().baseBlock().primarySequence() + " = "
                        + h.get().baseBlock().secondarySequence() + ")");
            } else if (h.get().recovered()) {
                evidence.add(where + ": dirty, made consistent by replaying its transaction log");
            } else {
                evidence.add(where + ": dirty (sequence numbers " + h.get().baseBlock().primarySequence() + " != "
                        + h.get().baseBlock().secondarySequence() + ") and no usable transaction log");
                inconsistent = true;
            }
        }
        if (inconsistent) {
            return fail(evidence.toArray(String[]::new));
        }
        return unreadable ? notRun(evidence.toArray(String[]::new)) : pass(evidence.toArray(String[]::new));
    }
}
