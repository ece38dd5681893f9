package io.vhdflow.catalog;

import java.util.Comparator;

/** An image version name, {@code Major.Minor.Patch} with int32 segments, ordered as "latest" orders them. */
public record SemanticVersion(int major, int minor, int patch) implements Comparable<SemanticVersion> {

    private static final Comparator<SemanticVersion> ORDER = Comparator.comparingInt(SemanticVersion::major)
            .thenComparingInt(SemanticVersion::minor).thenComparingInt(SemanticVersion::patch);

    public SemanticVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version segments cannot be negative");
        }
    }

    public static SemanticVersion parse(String text) {
        return NamingRules.parseVersion(text);
    }

    /** The next patch version, used when a drop names no version. */
    public SemanticVersion nextPatch() {
        if (patch == Integer.MAX_VALUE) {
            throw new IllegalStateException("version " + this + " has no next patch; name a version in the sidecar");
        }
        return new SemanticVersion(major, minor, patch + 1);
    }

    @Override
    public int compareTo(SemanticVersion o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
