package io.vhdflow.disk.registry;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The content of a hive as a map from key path to its values (name -> "type:hexbytes"), built
 * either by parsing {@code hivexregedit --export} output recorded when a fixture was made, or by
 * walking a {@link Hive} with the reader under test. Comparing the two maps checks every key and
 * every value byte against hivex's own reading.
 */
final class RegExport {
    private RegExport() {
    }

    /** Parses hivexregedit export text (strings exported as hex, dwords as dword:). */
    static Map<String, Map<String, String>> parse(String text, String prefix) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Map<String, String> current = null;
        String pending = null;
        for (String raw : text.split("\n")) {
            String line = raw;
            if (pending != null) {
                line = pending + line.strip();
                pending = null;
            }
            if (line.endsWith("\\") && current != null && !line.startsWith("[")) {
                pending = line.substring(0, line.length() - 1);
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String path = line.substring(1, line.length() - 1);
                if (!path.startsWith(prefix)) {
                    throw new IllegalArgumentException("unexpected key " + path);
                }
                path = path.substring(prefix.length());
                current = new TreeMap<>();
                out.put(normalise(path), current);
                continue;
            }
            if (line.isEmpty() || current == null) {
                continue;
            }
            String name;
            String rest;
            if (line.startsWith("@=")) {
                name = "";
                rest = line.substring(2);
            } else {
                int end = closingQuote(line);
                name = line.substring(1, end).replace("\\\"", "\"").replace("\\\\", "\\");
                rest = line.substring(end + 2);
            }
            String value;
            if (rest.startsWith("dword:")) {
                long v = Long.parseLong(rest.substring(6), 16);
                byte[] b = {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
                value = "4:" + HexFormat.of().formatHex(b);
            } else if (rest.startsWith("hex(")) {
                int close = rest.indexOf(')');
                long type = Long.parseLong(rest.substring(4, close), 16);
                value = type + ":" + rest.substring(close + 2).replace(",", "");
            } else {
                throw new IllegalArgumentException("cannot parse value line " + line);
            }
            current.put(name, value);
        }
        return out;
    }

    private static int closingQuote(String line) {
        for (int i = 1; i < line.length(); i++) {
            if (line.charAt(i) == '\\') {
                i++;
            } else if (line.charAt(i) == '"') {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated name in " + line);
    }

    private static String normalise(String path) {
        String p = path.startsWith("\\") ? path.substring(1) : path;
        return p.endsWith("\\") ? p.substring(0, p.length() - 1) : p;
    }

    /** Walks the whole hive (iteratively, each key node once) into the same shape. */
    static Map<String, Map<String, String>> walk(Hive hive) throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Deque<Object[]> todo = new ArrayDeque<>();
        todo.push(new Object[]{"", hive.root()});
        Set<Long> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Object[] item = todo.pop();
            String path = (String) item[0];
            RegistryKey k = (RegistryKey) item[1];
            if (!seen.add(k.offset())) {
                throw new IllegalStateException("key node reached twice: " + k);
            }
            Map<String, String> values = new TreeMap<>();
            for (RegistryValue v : k.values()) {
                values.put(v.name(), Integer.toUnsignedLong(v.typeCode()) + ":" + HexFormat.of().formatHex(v.asBytes()));
            }
            out.put(path, values);
            for (RegistryKey c : k.subkeys()) {
                todo.push(new Object[]{path.isEmpty() ? c.name() : path + "\\" + c.name(), c});
            }
        }
        return out;
    }
}
