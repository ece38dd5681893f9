package io.vhdflow.catalog;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Azure Compute Gallery naming rules (resource-name-rules; anchors §4), checked before anything is
 * registered so a name that Azure would refuse is refused here, with the rule spelled out.
 */
public final class NamingRules {

    /** Galleries: 1–80 alphanumerics and periods, starting and ending alphanumeric. */
    private static final Pattern GALLERY = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.]{0,78}[A-Za-z0-9])?");
    /** Image definitions: 1–80 alphanumerics, underscores, hyphens and periods, starting and ending alphanumeric. */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9])?");
    /** Publisher, offer and SKU: letters, digits, hyphens, underscores and periods. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("(\\d{1,10})\\.(\\d{1,10})\\.(\\d{1,10})");

    private NamingRules() {
    }

    /** Why {@code name} is not a valid gallery name, or empty when it is. */
    public static Optional<String> galleryProblem(String name) {
        if (name == null || !GALLERY.matcher(name).matches()) {
            return Optional.of("gallery name '" + name + "' must be 1-80 letters, digits and periods, "
                    + "starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** Why {@code name} is not a valid image definition name, or empty when it is. */
    public static Optional<String> imageProblem(String name) {
        if (name == null || !IMAGE.matcher(name).matches()) {
            return Optional.of("image definition name '" + name + "' must be 1-80 letters, digits, underscores, "
                    + "hyphens and periods, starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** Why {@code value} is not a valid publisher, offer or SKU ({@code field} names which). */
    public static Optional<String> identifierProblem(String field, String value, int maxLength) {
        if (value == null || value.length() > maxLength || !IDENTIFIER.matcher(value).matches()) {
            return Optional.of(field + " '" + value + "' must be 1-" + maxLength
                    + " letters, digits, hyphens, underscores and periods, starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** Parses {@code Major.Minor.Patch} with int32 segments, or explains why it is not one. */
    public static SemanticVersion parseVersion(String text) {
        var m = text == null ? null : VERSION.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("image version '" + text
                    + "' must be Major.Minor.Patch, three whole numbers separated by periods (e.g. 1.0.0)");
        }
        long[] parts = new long[3];
        for (int i = 0; i < 3; i++) {
            parts[i] = Long.parseLong(m.group(i + 1));
            if (parts[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("image version '" + text + "': each segment must be at most "
                        + Integer.MAX_VALUE);
            }
        }
        return new SemanticVersion((int) parts[0], (int) parts[1], (int) parts[2]);
    }

    /**
     * Turns a file name into a valid image definition name: unsupported characters become '-',
     * leading and trailing non-alphanumerics are dropped, length capped at 80.
     */
    public static String imageNameFromFile(String fileName) {
        String base = fileName.replaceFirst("(?i)\\.(vhd|vhdx|qcow2|vmdk|ova|img|raw)$", "");
        String cleaned = base.replaceAll("[^A-Za-z0-9_.-]", "-")
                .replaceAll("^[^A-Za-z0-9]+", "")
                .replaceAll("[^A-Za-z0-9]+$", "");
        if (cleaned.length() > 80) {
            cleaned = cleaned.substring(0, 80).replaceAll("[^A-Za-z0-9]+$", "");
        }
        return cleaned.isEmpty() ? "image" : cleaned;
    }
}
