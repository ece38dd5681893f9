package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for LVM2's metadata text ({@code vg { id = "..." physical_volumes { ... } }}). The text
 * comes from an untrusted image, so the parser is bounded: nesting depth, number of values and
 * integer range are capped, and every error names its position.
 *
 * <pre>
 * file    := (entry)*
 * entry   := key '=' value | key '{' (entry)* '}'
 * value   := string | integer | '[' (value (',' value)*)? ']'
 * string  := '"' (char | '\' char)* '"'
 * comment := '#' ... end of line
 * </pre>
 */
final class ConfigParser {
    static final int MAX_DEPTH = 32;
    static final int MAX_VALUES = 200_000;

    private final String text;
    private final String structure;
    private final long offset;
    private int pos;
    private int values;

    private ConfigParser(String text, String structure, long offset) {
        this.text = text;
        this.structure = structure;
        this.offset = offset;
    }

    /**
     * @param offset absolute disk offset of the text, added to positions in errors (-1 if unknown)
     */
    static ConfigValue.Section parse(String text, String structure, long offset) throws DiskException {
        ConfigParser p = new ConfigParser(text, structure, offset);
        return p.section(0, true);
    }

    private ConfigValue.Section section(int depth, boolean top) throws DiskException {
        if (depth > MAX_DEPTH) {
            throw error("sections nested deeper than " + MAX_DEPTH);
        }
        Map<String, ConfigValue> entries = new LinkedHashMap<>();
        while (true) {
            skipBlanks();
            if (pos >= text.length()) {
                if (top) {
                    return new ConfigValue.Section(entries);
                }
                throw error("section not closed with '}' before the end of the text");
            }
            char c = text.charAt(pos);
            if (c == '}') {
                if (top) {
                    throw error("unexpected '}'");
                }
                pos++;
                return new ConfigValue.Section(entries);
            }
            int keyAt = pos;
            String key = key();
            skipBlanks();
            ConfigValue v;
            if (peek() == '{') {
                pos++;
                v = section(depth + 1, false);
            } else if (peek() == '=') {
                pos++;
                v = value(depth + 1);
            } else {
                throw error("expected '=' or '{' after \"" + key + "\"");
            }
            if (entries.put(key, v) != null) {
                pos = keyAt;
                throw error("key \"" + key + "\" appears twice in one section");
            }
        }
    }

    private ConfigValue value(int depth) throws DiskException {
        if (++values > MAX_VALUES) {
            throw error("more than " + MAX_VALUES + " values");
        }
        skipBlanks();
        char c = peek();
        if (c == '"') {
            return new ConfigValue.Str(string());
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (c == '[') {
            if (depth > MAX_DEPTH) {
                throw error("arrays nested deeper than " + MAX_DEPTH);
            }
            pos++;
            List<ConfigValue> items = new ArrayList<>();
            skipBlanks();
            if (peek() == ']') {
                pos++;
                return new ConfigValue.Arr(List.copyOf(items));
            }
            while (true) {
                items.add(value(depth + 1));
                skipBlanks();
                char d = peek();
                pos++;
                if (d == ']') {
                    return new ConfigValue.Arr(List.copyOf(items));
                }
                if (d != ',') {
                    pos--;
                    throw error("expected ',' or ']' in an array");
                }
            }
        }
        throw error("expected a value");
    }

    private String string() throws DiskException {
        int start = pos;
        pos++; // opening quote
        StringBuilder s = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                c = text.charAt(pos++);
            }
            s.append(c);
        }
        pos = start;
        throw error("string not closed");
    }

    private ConfigValue number() throws DiskException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        String t = text.substring(start, pos);
        if (t.contains(".")) {
            // Floats appear only in lvm.conf-style settings, never in the fields read here.
            return new ConfigValue.Str(t);
        }
        try {
            return new ConfigValue.Num(Long.parseLong(t));
        } catch (NumberFormatException e) {
            pos = start;
            throw error("integer \"" + (t.length() > 30 ? t.substring(0, 30) + "..." : t) + "\" out of range");
        }
    }

    private String key() throws DiskException {
        int start = pos;
        while (pos < text.length() && isKeyChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a key");
        }
        return text.substring(start, pos);
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '+' || c == '-';
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipBlanks() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0') {
                pos++;
            } else {
                return;
            }
        }
    }

    private DiskException error(String problem) {
        int line = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new DiskException(ErrorKind.CORRUPT, structure, offset >= 0 ? offset + pos : -1,
                problem + " (line " + line + ", character " + pos + " of the metadata text)");
    }
}
