package io.vhdflow.inspect;

import java.time.Duration;
import java.util.Locale;

/**
 * How much a scan of file contents (the secrets scan) may read of one installation: files, bytes,
 * wall time, bytes of any one file, directory depth. A scan that reaches a limit stops there and
 * says so in the report (a warning, never silence). The defaults keep {@code vhdflow inspect} of a
 * 1 TiB image with a full Linux installation under 2 s and 64 MiB read (measured by
 * {@code bench/inspect-vs-virt-inspector.sh}).
 *
 * @param maxFiles     files whose content may be read
 * @param maxBytes     bytes of file content that may be read in all
 * @param maxTime      wall time the scan may take
 * @param maxFileBytes bytes read of any one file; a longer text file is scanned in its first part
 * @param maxDepth     directory levels below each scanned place
 */
public record ScanBudget(int maxFiles, long maxBytes, Duration maxTime, long maxFileBytes, int maxDepth) {

    /** The defaults: 20,000 files, 32 MiB, 1 s, 1 MiB a file, 16 levels. */
    public static final ScanBudget DEFAULT = new ScanBudget(20_000, 32L << 20, Duration.ofSeconds(1), 1L << 20, 16);

    public ScanBudget {
        if (maxFiles < 0 || maxBytes < 0 || maxFileBytes < 0 || maxDepth < 0 || maxTime.isNegative()) {
            throw new IllegalArgumentException("a scan budget cannot be negative");
        }
    }

    /**
     * The budget written as {@code files=N,mib=N,seconds=N,file-mib=N,depth=N} (any subset, in any
     * order; the rest keep their defaults), as given to {@code vhdflow inspect --scan-budget}.
     */
    public static ScanBudget parse(String text) {
        ScanBudget b = DEFAULT;
        if (text == null || text.isBlank()) {
            return b;
        }
        for (String part : text.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2 || !kv[1].strip().matches("\\d{1,9}(\\.\\d{1,3})?")) {
                throw new IllegalArgumentException("scan budget '" + part.strip() + "': use files=N, mib=N, seconds=N, "
                        + "file-mib=N or depth=N");
            }
            String key = kv[0].strip().toLowerCase(Locale.ROOT);
            double n = Double.parseDouble(kv[1].strip());
            b = switch (key) {
                case "files" -> new ScanBudget((int) n, b.maxBytes, b.maxTime, b.maxFileBytes, b.maxDepth);
                case "mib" -> new ScanBudget(b.maxFiles, (long) (n * (1 << 20)), b.maxTime, b.maxFileBytes, b.maxDepth);
                case "seconds" -> new ScanBudget(b.maxFiles, b.maxBytes, Duration.ofMillis((long) (n * 1000)),
                        b.maxFileBytes, b.maxDepth);
                case "file-mib" -> new ScanBudget(b.maxFiles, b.maxBytes, b.maxTime, (long) (n * (1 << 20)), b.maxDepth);
                case "depth" -> new ScanBudget(b.maxFiles, b.maxBytes, b.maxTime, b.maxFileBytes, (int) n);
                default -> throw new IllegalArgumentException("scan budget: unknown limit '" + key
                        + "' (use files, mib, seconds, file-mib or depth)");
            };
        }
        return b;
    }

    /** The budget as {@link #parse} reads it. */
    public String describe() {
        return "files=" + maxFiles + ",mib=" + trim(maxBytes / (double) (1 << 20)) + ",seconds="
                + trim(maxTime.toMillis() / 1000.0) + ",file-mib=" + trim(maxFileBytes / (double) (1 << 20))
                + ",depth=" + maxDepth;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", "");
    }
}
