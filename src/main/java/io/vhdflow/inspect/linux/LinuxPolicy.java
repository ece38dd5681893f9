package io.vhdflow.inspect.linux;

import java.util.Locale;

/** Readiness policy for the Linux checks: Marketplace certification is stricter than the platform. */
public enum LinuxPolicy {
    /** What Azure needs to provision VMs from the image (default). */
    AZURE_PLATFORM("azure-platform"),
    /** Azure Marketplace certification (Partner Center) on top of the platform. */
    MARKETPLACE("marketplace");

    private final String id;

    LinuxPolicy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** {@code azure-platform} or {@code marketplace}; anything else is refused with the accepted names. */
    public static LinuxPolicy parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (LinuxPolicy p : values()) {
            if (p.id.equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + name + "': use azure-platform or marketplace");
    }
}
