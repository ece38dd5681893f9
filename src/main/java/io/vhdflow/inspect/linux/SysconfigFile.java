package io.vhdflow.inspect.linux;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A shell-style {@code KEY=value} file as RHEL's network-scripts ({@code ifcfg-*}), SUSE's
 * {@code /etc/sysconfig/network/ifcfg-*} and dracut's configuration are written: values unquoted,
 * single- or double-quoted ({@link OsRelease#unquote}), {@code #} comments, the last assignment of
 * a key winning, with the line it was on.
 *
 * @param values key to its value and 1-based line
 */
record SysconfigFile(Map<String, Assignment> values) {

    private static final int MAX_KEYS = 1024;

    /** One assignment: the value (unquoted), whether it appends ({@code +=}), and its line. */
    record Assignment(String value, boolean append, int line) {
    }

    SysconfigFile {
        values = Map.copyOf(values);
    }

    static SysconfigFile parse(String text) {
        Map<String, Assignment> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            boolean append = l.charAt(eq - 1) == '+';
            String key = l.substring(0, append ? eq - 1 : eq).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*") || (out.size() >= MAX_KEYS && !out.containsKey(key))) {
                continue;
            }
            int line = i + 1;
            OsRelease.unquote(l.substring(eq + 1).strip()).ifPresent(v -> out.put(key, new Assignment(v, append, line)));
        }
        return new SysconfigFile(out);
    }

    Optional<Assignment> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(a -> !a.value().isBlank());
    }
}
