package io.vhdflow.inspect;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which rules an image is held to: what Azure needs to run it, what the Marketplace certifies, or
 * the Marketplace's rules with every warning made a blocker. A policy changes two things only: the
 * thresholds and severities the checks apply ({@link #rules()}), and whether a warning blocks
 * ({@link #warningsBlock()}). How a result then decides the verdict is {@link VerdictRule}'s.
 */
public enum Policy {
    /** What Azure needs to provision VMs from the image, and what makes it safe to share (the default). */
    AZURE_PLATFORM("azure-platform"),
    /** Azure Marketplace certification (Partner Center) on top of the platform's rules. */
    MARKETPLACE("marketplace"),
    /** The Marketplace's rules, and every warning blocks: nothing is published with a known leftover. */
    STRICT("strict");

    private final String id;

    Policy(String id) {
        this.id = id;
    }

    /** The policy's name on the command line, in configuration and in reports. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
    }

    /**
     * The policy whose thresholds and severities the checks themselves apply: strict adds no rule
     * of its own, it only changes what a warning means, so its checks run with the Marketplace's.
     */
    public Policy rules() {
        return this == STRICT ? MARKETPLACE : this;
    }

    /** Whether a failed {@code SHOULD} (a warning, including {@link Check#warn}) blocks like a {@code MUST}. */
    public boolean warningsBlock() {
        return this == STRICT;
    }

    /** A severity as this policy judges it: under strict a {@code SHOULD} is a {@code MUST}; {@code INFO} never blocks. */
    public Severity judge(Severity severity) {
        return warningsBlock() && severity == Severity.SHOULD ? Severity.MUST : severity;
    }

    /** The severity of {@code check} under this policy, as the catalogue shows it. */
    public Severity severityOf(Check<?> check) {
        return judge(check.severity(rules()));
    }

    /** The policy named {@code name} (any case); anything else is refused with the accepted names. */
    public static Policy parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (Policy p : values()) {
            if (p.id.equals(n) || p.name().equalsIgnoreCase(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + name + "': use "
                + Arrays.stream(values()).map(Policy::id).collect(Collectors.joining(", ")));
    }
}
