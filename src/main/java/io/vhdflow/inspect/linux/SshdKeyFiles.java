package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where sshd looks for a user's authorized keys: {@code AuthorizedKeysFile} from
 * {@code /etc/ssh/sshd_config} and the files it includes ({@code Include}, with {@code *} globs in
 * the last path component, as Debian's {@code sshd_config.d/*.conf}). sshd takes the first value
 * it reads; values inside {@code Match} blocks apply to some users, so they are kept as well.
 * Without a value, sshd's default {@code .ssh/authorized_keys .ssh/authorized_keys2}.
 *
 * @param patterns the file patterns ({@code %h}, {@code %u}, {@code %U}, {@code %%} tokens; relative to the home)
 * @param source   where they were read, for evidence
 * @param command  an {@code AuthorizedKeysCommand}, when one is set (keys then come from elsewhere too)
 */
record SshdKeyFiles(List<String> patterns, String source, Optional<String> command) {

    static final String CONFIG = "/etc/ssh/sshd_config";
    static final List<String> DEFAULT = List.of(".ssh/authorized_keys", ".ssh/authorized_keys2");
    private static final int MAX_FILES = 64;

    /** What the configuration files said so far, while they are read. */
    private static final class Seen {
        final List<String> files = new ArrayList<>();
        final List<String> first = new ArrayList<>();
        final Set<String> inMatch = new LinkedHashSet<>();
        Optional<String> command = Optional.empty();
        String from = "";
    }

    static SshdKeyFiles read(Filesystem fs) throws IOException {
        Seen seen = new Seen();
        read(fs, CONFIG, seen, 0);
        List<String> patterns = new ArrayList<>(seen.first.isEmpty() ? DEFAULT : seen.first);
        for (String m : seen.inMatch) {
            if (!patterns.contains(m)) {
                patterns.add(m);
            }
        }
        patterns.removeIf(p -> p.equalsIgnoreCase("none"));
        String source = seen.first.isEmpty() ? "sshd's default (no AuthorizedKeysFile in " + CONFIG + " or its includes)"
                : "AuthorizedKeysFile in " + seen.from;
        return new SshdKeyFiles(List.copyOf(patterns), source, seen.command);
    }

    private static void read(Filesystem fs, String path, Seen seen, int depth) throws IOException {
        List<String> files = seen.files;
        if (files.size() >= MAX_FILES || depth > 4 || files.contains(path)) {
            return;
        }
        Optional<String> text = FileReads.text(fs, path, FileReads.CONFIG_CAP);
        if (text.isEmpty()) {
            return;
        }
        files.add(path);
        boolean match = false;
        for (String raw : text.get().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("[\\s=]+", 2);
            String key = kv[0].toLowerCase(Locale.ROOT);
            String value = kv.length == 2 ? kv[1].strip() : "";
            switch (key) {
                case "match" -> match = !value.equalsIgnoreCase("all");
                case "include" -> {
                    for (String inc : value.split("\\s+")) {
                        for (String p : glob(fs, inc.startsWith("/") ? inc : "/etc/ssh/" + inc)) {
                            read(fs, p, seen, depth + 1);
                        }
                    }
                }
                case "authorizedkeysfile" -> {
                    List<String> v = List.of(value.split("\\s+")).stream().limit(8).toList();
                    if (match) {
                        seen.inMatch.addAll(v);
                    } else if (seen.first.isEmpty()) {
                        seen.first.addAll(v);
                        seen.from = path;
                    }
                }
                case "authorizedkeyscommand" -> {
                    if (seen.command.isEmpty() && !value.equalsIgnoreCase("none")) {
                        seen.command = Optional.of(value);
                    }
                }
                default -> {
                }
            }
        }
    }

    /** A path whose last component may hold {@code *}: the matching files in name order. */
    private static List<String> glob(Filesystem fs, String pattern) throws IOException {
        int slash = pattern.lastIndexOf('/');
        String dir = pattern.substring(0, Math.max(1, slash));
        String name = pattern.substring(slash + 1);
        if (!name.contains("*") && !name.contains("?")) {
            return List.of(pattern);
        }
        String regex = name.replace(".", "\\.").replace("*", ".*").replace("?", ".");
        List<String> out = new ArrayList<>();
        for (DirEntry e : FileReads.list(fs, dir)) {
            if (e.name().matches(regex)) {
                out.add(FileReads.child(dir, e.name()));
            }
        }
        return out;
    }

    /** The file a pattern names for one account. */
    static String expand(String pattern, String home, String user, long uid) {
        String p = pattern.replace("%%", "\u0000").replace("%h", home).replace("%u", user)
                .replace("%U", Long.toString(uid)).replace("\u0000", "%");
        return p.startsWith("/") ? p : FileReads.child(home, p);
    }
}
