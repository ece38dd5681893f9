package io.vhdflow.inspect.linux;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code os-release} file (freedesktop {@code os-release(5)}): newline-separated
 * {@code KEY=value} assignments where the value may be unquoted, double-quoted (with {@code \"},
 * {@code \\}, {@code \$}, {@code \`} escapes) or single-quoted. Lines that are not valid
 * assignments are ignored, as the specification asks.
 *
 * @param values the assignments in file order
 */
public record OsRelease(Map<String, String> values) {

    /** Keys longer than this are not os-release keys; ignoring them bounds the map. */
    private static final int MAX_KEY = 64;
    private static final int MAX_ENTRIES = 256;

    public OsRelease {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
    }

    public static OsRelease parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq > MAX_KEY) {
                continue;
            }
            String key = line.substring(0, eq);
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                continue;
            }
            unquote(line.substring(eq + 1)).ifPresent(v -> {
                if (out.size() < MAX_ENTRIES || out.containsKey(key)) {
                    out.put(key, v);
                }
            });
        }
        return new OsRelease(out);
    }

    /** Shell-like unquoting of one value; empty when the quoting is broken. */
    static Optional<String> unquote(String v) {
        if (v.isEmpty()) {
            return Optional.of("");
        }
        char q = v.charAt(0);
        if (q == '\'') {
            int end = v.indexOf('\'', 1);
            return end < 0 ? Optional.empty() : Optional.of(v.substring(1, end));
        }
        if (q == '"') {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length() && "\"\\$`".indexOf(v.charAt(i + 1)) >= 0) {
                    sb.append(v.charAt(++i));
                } else if (c == '"') {
                    return Optional.of(sb.toString());
                } else {
                    sb.append(c);
                }
            }
            return Optional.empty();
        }
        // Unquoted: up to the first whitespace or comment, backslash escapes the next character.
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isWhitespace(c) || c == '#') {
                break;
            }
            if (c == '\\' && i + 1 < v.length()) {
                c = v.charAt(++i);
            }
            sb.append(c);
        }
        return Optional.of(sb.toString());
    }
}
