package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * W1: Sysprep generalized the image and resealed it to OOBE. Both records must say so: the SOFTWARE
 * hive's {@code Setup\State\ImageState} and {@code Windows\Setup\State\State.ini}; any disagreement
 * fails. What Sysprep left in SYSTEM ({@code SysprepStatus}, {@code SystemSetupInProgress}) is shown when it
 * disagrees with {@code ImageState}, never trusted: {@code GeneralizationState} 7 is also seen on
 * running machines (docs/checks.md#w1).
 */
public final class ImageStateCheck extends WindowsCheck {
    static final String GENERALIZED = "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE";
    static final String AUDIT = "IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT";
    static final String KEY = "Microsoft\\Windows\\CurrentVersion\\Setup\\State";
    static final String STATE_INI = "/Windows/Setup/State/State.ini";
    private static final long MAX_INI = 64 * 1024;

    public ImageStateCheck() {
        super("W1", "Sysprep generalized the image and resealed it to OOBE", Category.PROVISIONING, Severity.MUST, "SOFTWARE Microsoft\\Windows\\CurrentVersion\\Setup\\State ImageState, \\Windows\\Setup\\State\\State.ini; SYSTEM Setup\\Status\\SysprepStatus and Setup\\SystemSetupInProgress (shown when they disagree)",
                "Windows Setup States (learn.microsoft.com) — docs/checks.md#w1",
                "run 'Sysprep /generalize /oobe /shutdown' (OOBE, not audit mode: Azure provisioning needs OOBE), "
                        + "capture the VHD after the VM has shut down, and do not boot it again before capture");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        List<String> evidence = new ArrayList<>();
        Optional<String> registry = WindowsSystem.text(w.softwareValue(KEY, "ImageState"));
        evidence.add(w.where("SOFTWARE\\" + KEY + "\\ImageState") + " = " + registry.orElse("(absent)"));
        Optional<String> ini = stateIni(w);
        evidence.add(w.where(STATE_INI) + " [State] ImageState = " + ini.orElse("(absent)"));
        evidence.addAll(leftovers(w, registry.or(() -> ini).orElse("")));
        if (w.software().isEmpty()) {
            evidence.addAll(w.problems());
            return notRun(evidence.toArray(String[]::new));
        }
        if (registry.isPresent() && ini.isPresent() && !registry.get().equalsIgnoreCase(ini.get())) {
            evidence.add("the registry and State.ini disagree: the image state is inconsistent");
            return fail(evidence.toArray(String[]::new));
        }
        String state = registry.or(() -> ini).orElse("");
        if (state.equalsIgnoreCase(GENERALIZED) && registry.isPresent() && ini.isPresent()) {
            return pass(evidence.toArray(String[]::new));
        }
        if (state.equalsIgnoreCase(AUDIT)) {
            evidence.add("resealed to audit mode: Azure provisioning needs OOBE, VMs would not provision");
        } else if (state.equalsIgnoreCase(GENERALIZED)) {
            evidence.add("only one of the two records says generalized");
        } else {
            evidence.add("not generalized: " + (state.isEmpty() ? "no image state recorded" : state));
        }
        return fail(evidence.toArray(String[]::new));
    }

    /**
     * What a Sysprep run left in the SYSTEM hive, shown when it disagrees with {@code state}; never
     * decisive (docs/checks.md#w1: these values are undocumented, and re-arming scripts set them by hand).
     * <ul>
     *   <li>{@code Setup\Status\SysprepStatus\GeneralizationState} (with {@code CleanupState}): 7 is
     *       what a completed Sysprep run leaves (and what re-arm scripts set). 7 beside a state that is
     *       not generalized, or another value beside a generalized one, disagrees.</li>
     *   <li>{@code Setup\SystemSetupInProgress}: 1 while Windows Setup has a pass to run, as it has at
     *       the next boot of a resealed image; 0 once it has none. 0 beside a resealed state, or 1
     *       beside {@code IMAGE_STATE_COMPLETE}, disagrees.</li>
     * </ul>
     */
    static List<String> leftovers(WindowsSystem w, String state) throws IOException {
        List<String> out = new ArrayList<>();
        boolean resealed = state.toUpperCase(Locale.ROOT).startsWith("IMAGE_STATE_GENERALIZE_RESEAL");
        boolean complete = state.equalsIgnoreCase("IMAGE_STATE_COMPLETE");
        RegistryReading gen = w.system("Setup\\Status\\SysprepStatus", "GeneralizationState");
        RegistryReading cleanup = w.system("Setup\\Status\\SysprepStatus", "CleanupState");
        if (gen.present() && gen.is(7) != resealed) {
            out.add(w.where(gen.path()) + " = " + gen.shown() + (cleanup.present() ? ", CleanupState = " + cleanup.shown() : "")
                    + " disagrees with ImageState " + (state.isEmpty() ? "(absent)" : state) + ": "
                    + (resealed ? "a completed Sysprep run leaves 7" : "7 says a Sysprep run completed (or was re-armed by hand)")
                    + "; informational, ImageState decides");
        }
        RegistryReading setup = w.system("Setup", "SystemSetupInProgress");
        if (setup.present() && ((resealed && setup.is(0)) || (complete && setup.is(1)))) {
            out.add(w.where(setup.path()) + " = " + setup.shown() + " disagrees with ImageState " + state + ": "
                    + (resealed ? "a resealed image has Windows Setup to run at its next boot (1)"
                    : "Windows Setup has not finished although the image state says it has"));
        }
        return out;
    }

    /** {@code ImageState} from State.ini, which Windows writes in UTF-16 (with BOM) or ANSI. */
    static Optional<String> stateIni(WindowsSystem w) throws IOException {
        if (!w.filesystem().isRegularFile(STATE_INI)) {
            return Optional.empty();
        }
        String text = decode(w.filesystem().readAllBytes(STATE_INI, MAX_INI));
        boolean inState = false;
        for (String line : text.split("\\r?\\n")) {
            String l = line.strip();
            if (l.startsWith("[")) {
                inState = l.equalsIgnoreCase("[State]");
            } else if (inState) {
                int eq = l.indexOf('=');
                if (eq > 0 && l.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("imagestate")) {
                    return Optional.of(l.substring(eq + 1).strip());
                }
            }
        }
        return Optional.empty();
    }

    static String decode(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
