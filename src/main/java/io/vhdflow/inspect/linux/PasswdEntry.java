package io.vhdflow.inspect.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /etc/passwd} ({@code name:password:uid:gid:gecos:home:shell}).
 *
 * @param name     login name
 * @param password second field: {@code x} when the hash lives in {@code /etc/shadow}
 * @param uid      user id (-1 when not a number)
 * @param gid      group id (-1 when not a number)
 * @param home     home directory
 * @param shell    login shell
 */
public record PasswdEntry(String name, String password, long uid, long gid, String home, String shell) {

    /** More lines than any real system has: a hostile file cannot make us build huge lists. */
    static final int MAX_LINES = 100_000;

    public static List<PasswdEntry> parseAll(String text) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (out.size() >= MAX_LINES) {
                break;
            }
            parse(line).ifPresent(out::add);
        }
        return out;
    }

    public static Optional<PasswdEntry> parse(String line) {
        if (line.isBlank() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
            return Optional.empty();
        }
        String[] f = line.split(":", -1);
        if (f.length < 7 || f[0].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PasswdEntry(f[0], f[1], number(f[2]), number(f[3]), f[5], f[6]));
    }

    private static long number(String s) {
        return s.matches("\\d{1,10}") ? Long.parseLong(s) : -1;
    }
}
