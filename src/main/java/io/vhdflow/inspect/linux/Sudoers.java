package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sudo policy as sudoers(5) reads it, for the checks: user specifications with the file and
 * line they are on, global {@code Defaults} flags and {@code User_Alias} definitions, starting at
 * {@code /etc/sudoers} and following {@code #include}/{@code @include} and
 * {@code #includedir}/{@code @includedir} (files in a directory in name order, skipping names that
 * end in {@code ~} or contain a {@code .}, as sudo does). Bounded: at most {@value #MAX_FILES} files,
 * {@value #MAX_DEPTH} levels of includes, {@link FileReads#CONFIG_CAP} bytes a file.
 *
 * @param rules    every user specification, in the order sudo reads them
 * @param defaults global {@code Defaults} flags and settings names, lower case (e.g. {@code targetpw})
 * @param aliases  {@code User_Alias} name to its members
 * @param files    the files read, in order
 * @param notes    what could not be followed (missing include, limits)
 */
record Sudoers(List<Rule> rules, Set<String> defaults, Map<String, List<String>> aliases, List<String> files,
               List<String> notes) {

    static final String MAIN = "/etc/sudoers";
    static final String DROP_IN = "/etc/sudoers.d";
    static final int MAX_FILES = 128;
    static final int MAX_DEPTH = 8;

    /**
     * One user specification: {@code who HOSTS = (RUNAS) COMMANDS}.
     *
     * @param file the file it is in
     * @param line its first line number
     * @param who  the user list items as written ({@code alice}, {@code %sudo}, {@code ALL}, {@code #1000}, an alias)
     * @param text the specification with its commands, for evidence (one line, at most 200 characters)
     */
    record Rule(String file, int line, List<String> who, String text) {
    }

    /** Reads the policy; without {@code /etc/sudoers} the drop-in directory is read as Debian's file includes it. */
    static Sudoers read(Filesystem fs) throws IOException {
        Sudoers s = new Sudoers(new ArrayList<>(), new LinkedHashSet<>(), new HashMap<>(), new ArrayList<>(),
                new ArrayList<>());
        if (fs.isRegularFile(MAIN)) {
            s.readFile(fs, MAIN, 0);
        } else if (fs.isDirectory(DROP_IN)) {
            s.notes.add(MAIN + " absent (sudo not installed?): " + DROP_IN + " read as if included");
            s.readDir(fs, DROP_IN, 0);
        }
        return s;
    }

    private void readFile(Filesystem fs, String path, int depth) throws IOException {
        if (files.size() >= MAX_FILES || depth > MAX_DEPTH) {
            notes.add(path + " not read: more than " + MAX_FILES + " sudoers files or " + MAX_DEPTH + " include levels");
            return;
        }
        if (files.contains(path)) {
            return;
        }
        Optional<String> text = FileReads.text(fs, path, FileReads.CONFIG_CAP);
        if (text.isEmpty()) {
            notes.add(path + " is included but absent");
            return;
        }
        files.add(path);
        String[] lines = text.get().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i + 1;
            StringBuilder logical = new StringBuilder(lines[i]);
            while (logical.length() > 0 && logical.charAt(logical.length() - 1) == '\\' && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines[++i]);
            }
            parseLine(fs, path, first, logical.toString().strip(), depth);
        }
    }

    private void parseLine(Filesystem fs, String path, int line, String l, int depth) throws IOException {
        if (l.isEmpty()) {
            return;
        }
        String[] words = l.split("\\s+", 2);
        String directive = words[0];
        if (directive.equals("#includedir") || directive.equals("@includedir")) {
            if (words.length == 2) {
                readDir(fs, resolve(path, words[1].strip()), depth + 1);
            }
            return;
        }
        if (directive.equals("#include") || directive.equals("@include")) {
            if (words.length == 2) {
                readFile(fs, resolve(path, words[1].strip()), depth + 1);
            }
            return;
        }
        // '#' starts a comment, except "#<uid>" as the first user of a rule.
        if (l.startsWith("#") && !l.matches("#\\d+[\\s,].*=.*")) {
            return;
        }
        int hash = l.indexOf(" #");
        if (hash > 0) {
            l = l.substring(0, hash).strip();
        }
        if (directive.equals("Defaults")) {
            for (String d : (words.length == 2 ? words[1] : "").split(",")) {
                String name = d.strip().split("[\\s=+\\-]", 2)[0].replace("!", "").toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !d.strip().startsWith("!")) {
                    defaults.add(name);
                }
            }
            return;
        }
        if (directive.startsWith("Defaults")) {
            return; // Defaults:user, Defaults@host, Defaults>runas, Defaults!cmnd apply to some only
        }
        if (directive.equals("User_Alias")) {
            for (String def : (words.length == 2 ? words[1] : "").split(":")) {
                String[] kv = def.split("=", 2);
                if (kv.length == 2 && aliases.size() < 1024) {
                    aliases.put(kv[0].strip(), items(kv[1]));
                }
            }
            return;
        }
        if (directive.equals("Runas_Alias") || directive.equals("Host_Alias") || directive.equals("Cmnd_Alias")
                || directive.equals("Cmd_Alias")) {
            return;
        }
        int eq = l.indexOf('=');
        if (eq <= 0 || rules.size() >= 10_000) {
            return;
        }
        // "alice, bob  ALL = ..." : the user list is everything before the host list.
        String head = l.substring(0, eq).replaceAll("\\s*,\\s*", ",").strip();
        String[] parts = head.split("\\s+");
        if (parts.length < 2) {
            return;
        }
        rules.add(new Rule(path, line, items(parts[0]), l.length() > 200 ? l.substring(0, 200) + "..." : l));
    }

    private void readDir(Filesystem fs, String dir, int depth) throws IOException {
        if (!fs.isDirectory(dir)) {
            notes.add(dir + " is included but absent");
            return;
        }
        for (DirEntry e : FileReads.list(fs, dir)) {
            if (!e.name().endsWith("~") && !e.name().contains(".")) {
                readFile(fs, FileReads.child(dir, e.name()), depth);
            }
        }
    }

    /** sudo 1.9 resolves a relative include against the including file's directory. */
    private static String resolve(String from, String target) {
        String t = target.startsWith("\"") && target.endsWith("\"") && target.length() > 1
                ? target.substring(1, target.length() - 1) : target;
        String joined = t.startsWith("/") ? t : FileReads.child(from.substring(0, Math.max(1, from.lastIndexOf('/'))), t);
        // Normalized, so "../sudoers" is the file already read, not a new one.
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String part : joined.split("/")) {
            if (part.equals("..")) {
                parts.pollLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static List<String> items(String list) {
        List<String> out = new ArrayList<>();
        for (String i : list.split(",")) {
            if (!i.isBlank() && out.size() < 256) {
                out.add(i.strip());
            }
        }
        return out;
    }

    /** Whether sudo asks for the target user's (root's) password rather than the caller's. */
    boolean asksTargetPassword() {
        return defaults.contains("targetpw") || defaults.contains("rootpw") || defaults.contains("runaspw");
    }
}
