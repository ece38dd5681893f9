package io.vhdflow.inspect.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of a shadow-style file: {@code /etc/shadow} ({@code name:hash:lastchg:...}) or
 * {@code /etc/gshadow} ({@code group:hash:admins:members}); only the first two fields matter here.
 *
 * @param name the account or group name
 * @param hash the second field as stored
 */
public record ShadowEntry(String name, String hash) {

    public static List<ShadowEntry> parseAll(String text) {
        List<ShadowEntry> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (out.size() >= PasswdEntry.MAX_LINES) {
                break;
            }
            parse(line).ifPresent(out::add);
        }
        return out;
    }

    public static Optional<ShadowEntry> parse(String line) {
        if (line.isBlank() || line.startsWith("#")) {
            return Optional.empty();
        }
        String[] f = line.split(":", -1);
        if (f.length < 2 || f[0].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ShadowEntry(f[0], f[1]));
    }

    /** What the password field allows. */
    public enum HashState {
        /** {@code *}, {@code !}, {@code !!}, {@code *LOCK*}, or any value starting with {@code !}/{@code *}: no password login. */
        LOCKED,
        /** Empty field: login without any password where PAM allows it ({@code nullok}). */
        EMPTY,
        /** A crypt(3) hash that a password can match. */
        USABLE
    }

    public HashState state() {
        return stateOf(hash);
    }

    public static HashState stateOf(String hash) {
        if (hash.isEmpty()) {
            return HashState.EMPTY;
        }
        if (hash.startsWith("!") || hash.startsWith("*")) {
            return HashState.LOCKED;
        }
        // Fewer than 13 characters or characters outside crypt's alphabet cannot match any password.
        if (hash.length() < 13 && !hash.startsWith("$")) {
            return HashState.LOCKED;
        }
        return HashState.USABLE;
    }

    /**
     * The hashing scheme named by the hash prefix, never the hash itself: evidence must not copy
     * credentials into reports.
     */
    public String scheme() {
        return schemeOf(hash);
    }

    public static String schemeOf(String hash) {
        if (hash.startsWith("$y$")) {
            return "yescrypt ($y$)";
        }
        if (hash.startsWith("$gy$")) {
            return "gost-yescrypt ($gy$)";
        }
        if (hash.startsWith("$7$")) {
            return "scrypt ($7$)";
        }
        if (hash.startsWith("$6$")) {
            return "sha512-crypt ($6$)";
        }
        if (hash.startsWith("$5$")) {
            return "sha256-crypt ($5$)";
        }
        if (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")) {
            return "bcrypt ($2?$)";
        }
        if (hash.startsWith("$1$")) {
            return "md5-crypt ($1$)";
        }
        if (hash.startsWith("$")) {
            int end = hash.indexOf('$', 1);
            return "crypt " + (end > 0 && end < 8 ? hash.substring(0, end + 1) : "$?$");
        }
        return "traditional DES crypt";
    }
}
