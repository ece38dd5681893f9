package io.vhdflow.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The pipeline's configuration, read from the effective properties (defaults, then
 * {@code application.properties}, then {@code VHDFLOW_*} environment variables, then flags; see
 * {@link SettingsLoader}). The same properties feed the Camel routes' placeholders.
 *
 * @param home                 the home folder
 * @param concurrency          jobs processed at once
 * @param settle               how long size and modification time must stay unchanged before a dropped file is taken
 * @param readyMarker          when true, a file is taken only once {@code NAME.vhd.ready} exists beside it
 * @param backupRetention      backups kept per image (newest first); 0 keeps all
 * @param defaultGallery       gallery used when the sidecar names none
 * @param defaultPublisher     publisher used when the sidecar names none
 * @param archive              also write {@code <image>-<version>.tar.zst} of the package
 * @param throttleBytesPerSecond cap on the read rate of data-copying stages, 0 for none
 * @param minFreeBytes         free space below which health is DOWN and new work waits
 * @param spaceReserveBytes    free space a backup must leave beside what it writes
 * @param verifyPolicy         verification policy: {@code azure-platform}, {@code marketplace} or {@code strict}
 * @param registerSpecialized  register an image blocked only by provisioning or access checks as Specialized
 *                             instead of failing it (VerdictRule.publication)
 * @param verifyWaivers        ids of OS checks whose failure is accepted (reported as waived)
 * @param upload               page-blob upload after registration ({@code vhdflow.upload.*}; credentials masked)
 * @param dataPath             digests and the data-pass budget ({@link DataPathSettings})
 * @param fetch                how blobs named by job files are fetched ({@code vhdflow.fetch.*})
 * @param diskParallelism      disks of one VM image backed up, verified or packaged at once
 * @param folderGrowthLimit    how long a VM image's folder in the drop folder may keep changing before its job fails
 * @param scaleOut             the shared database and this node's name, when several workers share the work
 */
public record Settings(
        HomeLayout home,
        int concurrency,
        Duration settle,
        boolean readyMarker,
        int backupRetention,
        String defaultGallery,
        String defaultPublisher,
        boolean archive,
        long throttleBytesPerSecond,
        long minFreeBytes,
        long spaceReserveBytes,
        String verifyPolicy,
        boolean registerSpecialized,
        java.util.Set<String> verifyWaivers,
        io.vhdflow.catalog.upload.UploadSettings upload,
        DataPathSettings dataPath,
        io.vhdflow.source.FetchSettings fetch,
        int diskParallelism,
        Duration folderGrowthLimit,
        ScaleOut scaleOut) {

    public static Settings from(Properties p) {
        return new Settings(
                layout(p),
                positive(p, "vhdflow.pipeline.concurrency", 2),
                Duration.ofMillis(nonNegative(p, "vhdflow.intake.settle-ms", 5000)),
                Boolean.parseBoolean(p.getProperty("vhdflow.intake.ready-marker", "false")),
                (int) nonNegative(p, "vhdflow.backup.retention", 3),
                p.getProperty("vhdflow.catalog.gallery", "vhdflow"),
                p.getProperty("vhdflow.catalog.publisher", "vhdflow"),
                Boolean.parseBoolean(p.getProperty("vhdflow.package.archive", "false")),
                nonNegative(p, "vhdflow.throttle.bytes-per-second", 0),
                nonNegative(p, "vhdflow.health.min-free-bytes", 1L << 30),
                nonNegative(p, "vhdflow.backup.reserve-bytes", 64L << 20),
                p.getProperty("vhdflow.verify.policy", "azure-platform"),
                "specialized".equalsIgnoreCase(p.getProperty("vhdflow.verify.not-generalized", "fail")),
                idList(p.getProperty("vhdflow.verify.waivers", "")),
                io.vhdflow.catalog.upload.UploadSettings.from(p),
                DataPathSettings.from(p),
                io.vhdflow.source.FetchSettings.from(p),
                positive(p, "vhdflow.pipeline.disk-parallelism", 2),
                Duration.ofMillis(nonNegative(p, "vhdflow.intake.folder-growth-limit-ms", 600_000)),
                ScaleOut.from(p));
    }

    /** The home, with the shared data folder when {@code vhdflow.data} names one. */
    private static HomeLayout layout(Properties p) {
        Path home = Path.of(p.getProperty("vhdflow.home", "vhdflow-home"));
        String data = p.getProperty("vhdflow.data", "").strip();
        return data.isEmpty() ? new HomeLayout(home) : new HomeLayout(home, Path.of(data));
    }

    /** A comma-separated list of check ids ({@code L3, W5}), upper-cased, blanks dropped. */
    public static java.util.Set<String> idList(String text) {
        return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> x.toUpperCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static int positive(Properties p, String key, int dflt) {
        long v = nonNegative(p, key, dflt);
        if (v < 1 || v > 1024) {
            throw new IllegalArgumentException(key + " must be between 1 and 1024, got " + v);
        }
        return (int) v;
    }

    private static long nonNegative(Properties p, String key, long dflt) {
        String s = p.getProperty(key);
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) {
                throw new IllegalArgumentException(key + " must not be negative, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + s + "'");
        }
    }
}
