package io.vhdflow.pipeline;

import io.vhdflow.disk.container.FixedVhdWriter;

import java.util.Properties;

/**
 * How jobs read and digest their data ({@code vhdflow.package.md5}, {@code vhdflow.package.sha256},
 * {@code vhdflow.pipeline.data-passes}, {@code vhdflow.pipeline.large-job-bytes},
 * {@code vhdflow.pipeline.bandwidth-bytes-per-second}).
 *
 * @param md5                    also compute the whole-disk MD5 of the fixed VHD (Azure's Content-MD5); its
 *                               cost follows the virtual size
 * @param sha256                 also compute the whole-file SHA-256 of the fixed VHD (listed in SHA256SUMS)
 * @param dataPasses             data passes (backup + conversion) of different jobs run at once
 * @param largeJobBytes          a source larger than this is large: large jobs hold at most
 *                               {@code dataPasses - 1} slots, leaving a lane for small ones
 * @param bandwidthBytesPerSecond cap on the read rate of all data passes together, 0 for none
 */
public record DataPathSettings(boolean md5, boolean sha256, int dataPasses, long largeJobBytes,
                               long bandwidthBytesPerSecond) {

    public DataPathSettings {
        if (dataPasses < 1 || dataPasses > 64) {
            throw new IllegalArgumentException("vhdflow.pipeline.data-passes must be between 1 and 64, got "
                    + dataPasses);
        }
        if (largeJobBytes < 0 || bandwidthBytesPerSecond < 0) {
            throw new IllegalArgumentException("vhdflow.pipeline.large-job-bytes and "
                    + "vhdflow.pipeline.bandwidth-bytes-per-second must not be negative");
        }
    }

    public static DataPathSettings from(Properties p) {
        return new DataPathSettings(
                bool(p, "vhdflow.package.md5"),
                bool(p, "vhdflow.package.sha256"),
                (int) number(p, "vhdflow.pipeline.data-passes", 2),
                number(p, "vhdflow.pipeline.large-job-bytes", 4L << 30),
                number(p, "vhdflow.pipeline.bandwidth-bytes-per-second", 0));
    }

    /** The whole-file digests the converter computes besides the data tree digest. */
    public FixedVhdWriter.Digests digests() {
        return new FixedVhdWriter.Digests(md5, sha256);
    }

    private static boolean bool(Properties p, String key) {
        String v = p.getProperty(key, "false").trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static long number(Properties p, String key, long dflt) {
        String s = p.getProperty(key);
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + s + "'");
        }
    }
}
