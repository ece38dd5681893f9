package io.vhdflow.inspect;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which rules an image is held to: what Azure needs to run it, or what the Marketplace certifies. */
public enum Policy {
    /** What Azure needs to provision VMs from the image (the default). */
    AZURE_PLATFORM("azure-platform"),
    /** Azure Marketplace certification (Partner Center) on top of the platform's rules. */
    MARKETPLACE("marketplace");

    private final String id;

    Policy(String id) {
        this.id = id;
    }

    /** The policy's name on the command line, in configuration and in reports. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
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
                + Arrays.stream(values()).map(Policy::id).collect(Collectors.joining(" or ")));
    }
}
