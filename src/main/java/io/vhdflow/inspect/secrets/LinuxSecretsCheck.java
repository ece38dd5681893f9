package io.vhdflow.inspect.secrets;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.linux.LinuxCheck;
import io.vhdflow.inspect.linux.LinuxContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A check that judges one family of the Linux secrets scan ({@link LinuxSecrets}): any finding
 * blocks, a finding its rule marks as a warning warns, none passes. Evidence names each finding's
 * rule, path, line, length and SHA-256 prefix, never the value.
 */
abstract class LinuxSecretsCheck implements LinuxCheck {
    /** Findings listed in evidence before "and N more". */
    static final int SHOWN = 20;

    abstract SecretFamily family();

    @Override
    public Category category() {
        return Category.SECRETS;
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        SecretScan scan = LinuxSecrets.of(ctx);
        List<SecretFinding> found = scan.of(family());
        String location = ctx.os().location();
        List<String> evidence = new ArrayList<>();
        found.stream().filter(f -> !f.warning()).limit(SHOWN).forEach(f -> evidence.add(f.evidence(location)));
        found.stream().filter(SecretFinding::warning).limit(SHOWN).forEach(f -> evidence.add(f.evidence(location)));
        if (found.size() > SHOWN) {
            evidence.add("and " + (found.size() - SHOWN) + " more finding(s) of this kind");
        }
        if (found.isEmpty()) {
            evidence.add("none found; " + scan.summary(location));
            if (!scan.complete()) {
                evidence.add("the scan did not cover everything: see LS5");
            }
            return pass(ctx, evidence);
        }
        evidence.add(scan.summary(location));
        return found.stream().allMatch(SecretFinding::warning) ? warn(ctx, evidence) : fail(ctx, evidence);
    }
}
