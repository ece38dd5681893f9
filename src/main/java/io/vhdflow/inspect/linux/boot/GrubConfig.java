package io.vhdflow.inspect.linux.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a GRUB 2 {@code grub.cfg} (as {@code grub-mkconfig} writes it) that say what boots:
 * {@code menuentry} and {@code submenu} blocks with their {@code linux}/{@code initrd} lines,
 * {@code set default=...}, and whether {@code blscfg} reads Boot Loader Specification entries
 * instead. GRUB's scripting is not evaluated; {@code if} branches are read as written, which is
 * what the generated files need.
 */
public final class GrubConfig {

    /** A menu item: an entry, or a submenu holding entries. */
    public record Item(String title, Optional<String> id, boolean submenu, List<Item> children,
                       Optional<String> linux, List<String> initrds) {
        public Item {
            children = List.copyOf(children);
            initrds = List.copyOf(initrds);
        }
    }

    /** Most menu items read; generated files have a few dozen. */
    static final int MAX_ITEMS = 1000;

    private final List<Item> items;
    private final List<String> defaults;
    private final boolean blscfg;
    private final boolean stub;
    private final Optional<String> configfile;

    private GrubConfig(List<Item> items, List<String> defaults, boolean blscfg, Optional<String> configfile) {
        this.items = items;
        this.defaults = defaults;
        this.blscfg = blscfg;
        this.configfile = configfile;
        this.stub = items.isEmpty() && !blscfg && configfile.isPresent();
    }

    /** Top-level menu items in order. */
    public List<Item> items() {
        return items;
    }

    /** The values of every {@code set default=} outside one-shot {@code next_entry} settings, in file order. */
    public List<String> defaults() {
        return defaults;
    }

    /** The file asks GRUB's {@code blscfg} to add the BLS entries of {@code /boot/loader/entries}. */
    public boolean blscfg() {
        return blscfg;
    }

    /** A stub (as on an ESP) that only loads another file: the path it loads. */
    public Optional<String> stubTarget() {
        return stub ? configfile : Optional.empty();
    }

    public static GrubConfig parse(String text) {
        List<Item> top = new ArrayList<>();
        List<String> defaults = new ArrayList<>();
        boolean bls = false;
        Optional<String> configfile = Optional.empty();
        // Stack of open blocks: menuentry/submenu builders, or other braces (if/function bodies).
        List<Builder> stack = new ArrayList<>();
        int[] count = {0};
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = words(line);
            if (words.isEmpty()) {
                continue;
            }
            String cmd = words.get(0);
            if ((cmd.equals("menuentry") || cmd.equals("submenu")) && line.endsWith("{")) {
                Builder b = new Builder(cmd.equals("submenu"), words.size() > 1 ? words.get(1) : "", id(words));
                stack.add(b);
                continue;
            }
            if (line.equals("}") || line.endsWith(" }") && !line.contains("{")) {
                if (!stack.isEmpty()) {
                    Builder b = stack.remove(stack.size() - 1);
                    if (b != null && count[0]++ < MAX_ITEMS) {
                        Item item = b.build();
                        Builder parent = innermostMenu(stack);
                        if (parent != null) {
                            parent.children.add(item);
                        } else {
                            top.add(item);
                        }
                    }
                }
                continue;
            }
            if (line.endsWith("{")) {
                stack.add(null); // if/function/other block
                continue;
            }
            Builder current = innermostMenu(stack);
            switch (cmd) {
                case "linux", "linuxefi", "linux16", "kernel" -> {
                    if (current != null && words.size() > 1) {
                        current.linux = Optional.of(String.join(" ", words.subList(1, words.size())));
                    }
                }
                case "initrd", "initrdefi", "initrd16" -> {
                    if (current != null) {
                        current.initrds.addAll(words.subList(1, words.size()));
                    }
                }
                case "set" -> {
                    if (words.size() > 1 && words.get(1).startsWith("default=")) {
                        String v = unquote(words.get(1).substring("default=".length()));
                        if (!v.contains("next_entry")) {
                            defaults.add(v);
                        }
                    }
                }
                case "blscfg" -> bls = true;
                case "configfile" -> {
                    if (words.size() > 1) {
                        configfile = Optional.of(words.get(1));
                    }
                }
                default -> {
                }
            }
        }
        return new GrubConfig(List.copyOf(top), List.copyOf(defaults), bls, configfile);
    }

    /**
     * The entry GRUB boots by default: {@code set default} resolved (an index, an id, a title, or
     * a {@code >}-separated path through submenus), {@code ${saved_entry}} from grubenv. Empty
     * when the default names nothing in the file (e.g. a BLS id) or the menu is empty.
     */
    public Optional<Item> defaultItem(Map<String, String> grubenv) {
        String d = defaults.isEmpty() ? "0" : defaults.get(defaults.size() - 1);
        if (defaults.stream().anyMatch(v -> v.contains("saved_entry"))) {
            d = grubenv.getOrDefault("saved_entry", "0");
        }
        if (d.isEmpty()) {
            d = "0";
        }
        List<Item> level = items;
        Item found = null;
        for (String part : d.split(">")) {
            found = select(level, part);
            if (found == null) {
                return Optional.empty();
            }
            level = found.children();
        }
        // A submenu as the default boots its first entry.
        while (found != null && found.submenu() && !found.children().isEmpty()) {
            found = found.children().get(0);
        }
        return Optional.ofNullable(found).filter(i -> !i.submenu());
    }

    private static Item select(List<Item> level, String key) {
        if (key.matches("\\d{1,4}")) {
            int i = Integer.parseInt(key);
            return i < level.size() ? level.get(i) : null;
        }
        for (Item it : level) {
            if (it.id().filter(key::equals).isPresent() || it.title().equals(key)) {
                return it;
            }
        }
        return null;
    }

    private static Builder innermostMenu(List<Builder> stack) {
        for (int i = stack.size() - 1; i >= 0; i--) {
            if (stack.get(i) != null) {
                return stack.get(i);
            }
        }
        return null;
    }

    /** {@code $menuentry_id_option 'gnulinux-simple-UUID'} or {@code --id X}. */
    private static Optional<String> id(List<String> words) {
        for (int i = 1; i + 1 < words.size(); i++) {
            if (words.get(i).equals("$menuentry_id_option") || words.get(i).equals("--id")) {
                return Optional.of(words.get(i + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * Shell-like words: a word runs to unquoted white space, quotes are removed, a backslash in
     * double quotes escapes the next character ({@code default="Advanced options>Debian"} is one word).
     */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                end = end < 0 ? line.length() : end;
                w.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                while (j < line.length() && line.charAt(j) != '"') {
                    if (line.charAt(j) == '\\' && j + 1 < line.length()) {
                        j++;
                    }
                    w.append(line.charAt(j));
                    j++;
                }
                i = j;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static final class Builder {
        final boolean submenu;
        final String title;
        final Optional<String> id;
        final List<Item> children = new ArrayList<>();
        final List<String> initrds = new ArrayList<>();
        Optional<String> linux = Optional.empty();

        Builder(boolean submenu, String title, Optional<String> id) {
            this.submenu = submenu;
            this.title = title;
            this.id = id;
        }

        Item build() {
            return new Item(title, id, submenu, children, linux, initrds);
        }
    }
}
