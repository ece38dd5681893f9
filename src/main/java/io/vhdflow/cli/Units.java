package io.vhdflow.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * How the command line writes quantities for people: sizes in binary units ("1.5 GiB"), rates
 * per second, durations in hours, minutes and seconds, instants as ISO-8601 in UTC. JSON output
 * keeps exact numbers; only text goes through here.
 */
final class Units {
    private Units() {
    }

    /** {@code 1610612736} → "1.5 GiB"; below 1 KiB in bytes ("512 B"). */
    static String bytes(long n) {
        return io.vhdflow.pipeline.ByteSizes.binary(n);
    }

    /** Bytes per second: "85.3 MiB/s". */
    static String rate(double bytesPerSecond) {
        return bytes(Math.round(bytesPerSecond)) + "/s";
    }

    /** "850 ms", "42 s", "3 min 5 s", "2 h 10 min". */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** An instant as ISO-8601 in UTC to the second: "2026-05-01T10:00:00Z". */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
