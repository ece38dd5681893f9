package io.vhdflow.pipeline;

import java.util.Locale;

/**
 * Sizes written for people in binary units ("1.5 GiB"): the one formatter behind the command line's
 * text and the job errors operators read. JSON keeps exact numbers.
 */
public final class ByteSizes {
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSizes() {
    }

    /** {@code 1610612736} → "1.5 GiB"; below 1 KiB in bytes ("512 B"); a negative count is unknown ("?"). */
    public static String binary(long n) {
        if (n < 0) {
            return "?";
        }
        double v = n;
        int i = 0;
        while (v >= 1024 && i < BINARY.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, BINARY[i]);
    }
}
