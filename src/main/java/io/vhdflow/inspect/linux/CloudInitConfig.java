package io.vhdflow.inspect.linux;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The cloud-init settings the checks need, merged the way cloud-init reads them: {@code /etc/cloud/cloud.cfg}
 * first, then {@code /etc/cloud/cloud.cfg.d/*.cfg} in name order, a later file's top-level key
 * replacing an earlier one. YAML is read with snakeyaml-engine (already on the class path through
 * Camel's YAML DSL) under caps: a file of at most {@link #MAX_FILE_BYTES}, flow nesting of at most
 * {@link #MAX_FLOW_DEPTH} and indentation of at most {@link #MAX_BLOCK_INDENT}, few aliases. A file that does not parse becomes a problem line, never an
 * exception.
 *
 * @param sshDeleteKeys       {@code ssh_deletekeys} and the file that set it; empty = cloud-init's default (true)
 * @param datasourceList      {@code datasource_list} and the file that set it; empty = unset (ds-identify decides)
 * @param datasourceHistory   every {@code datasource_list} set, in merge order (the last one counts): a later
 *                            file taking Azure away from an earlier one is named with both
 * @param modules             the module lists ({@code cloud_init_modules}, {@code cloud_config_modules},
 *                            {@code cloud_final_modules}) by key, module names only, with the file that set each
 * @param networkConfig       {@code network: {config: ...}} and the file that set it ({@code disabled} stops
 *                            cloud-init writing network configuration)
 * @param problems            files that could not be read or parsed, with why
 */
public record CloudInitConfig(Optional<Setting<Boolean>> sshDeleteKeys, Optional<Setting<List<String>>> datasourceList,
                              List<Setting<List<String>>> datasourceHistory, Map<String, Setting<List<String>>> modules,
                              Optional<Setting<String>> networkConfig, List<String> problems) {

    /** The module lists cloud-init runs, one per boot stage. */
    static final List<String> MODULE_LISTS = List.of("cloud_init_modules", "cloud_config_modules", "cloud_final_modules");

    /** cloud.cfg files are a few KiB; anything bigger is not read. */
    public static final int MAX_FILE_BYTES = 256 * 1024;
    static final int MAX_FLOW_DEPTH = 64;
    static final int MAX_BLOCK_INDENT = 256;

    /** A value and the file it came from. */
    public record Setting<T>(T value, String file) {
    }

    public CloudInitConfig {
        datasourceHistory = List.copyOf(datasourceHistory);
        modules = Map.copyOf(modules);
        problems = List.copyOf(problems);
    }

    /** The same settings with {@code more} problems (files that could not be read) listed first. */
    public CloudInitConfig withProblems(List<String> more) {
        List<String> all = new ArrayList<>(more);
        all.addAll(problems);
        return new CloudInitConfig(sshDeleteKeys, datasourceList, datasourceHistory, modules, networkConfig, all);
    }

    /** Whether any module list names {@code module} ({@code disk_setup}, {@code mounts}, ...). */
    public boolean runsModule(String module) {
        return modules.values().stream().anyMatch(l -> l.value().contains(module));
    }

    /** cloud-init's default for {@code ssh_deletekeys} ({@code cc_ssh}) is true. */
    public boolean effectiveSshDeleteKeys() {
        return sshDeleteKeys.map(Setting::value).orElse(true);
    }

    /** Merges files in the order given: (path, text) pairs. */
    public static CloudInitConfig merge(List<Map.Entry<String, String>> files) {
        Optional<Setting<Boolean>> delete = Optional.empty();
        Optional<Setting<List<String>>> sources = Optional.empty();
        List<Setting<List<String>>> history = new ArrayList<>();
        Map<String, Setting<List<String>>> modules = new java.util.LinkedHashMap<>();
        Optional<Setting<String>> network = Optional.empty();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> f : files) {
            Optional<Map<?, ?>> doc = load(f.getKey(), f.getValue(), problems);
            if (doc.isEmpty()) {
                continue;
            }
            Map<?, ?> m = doc.get();
            if (m.containsKey("ssh_deletekeys")) {
                Optional<Boolean> b = bool(m.get("ssh_deletekeys"));
                if (b.isPresent()) {
                    delete = Optional.of(new Setting<>(b.get(), f.getKey()));
                } else {
                    problems.add(f.getKey() + ": ssh_deletekeys is not a boolean (" + shortText(m.get("ssh_deletekeys")) + ")");
                }
            }
            if (m.containsKey("datasource_list")) {
                Object v = m.get("datasource_list");
                if (v instanceof List<?> list) {
                    List<String> names = new ArrayList<>();
                    for (Object o : list) {
                        if (names.size() < 256) {
                            names.add(String.valueOf(o).strip());
                        }
                    }
                    sources = Optional.of(new Setting<>(List.copyOf(names), f.getKey()));
                    history.add(sources.get());
                } else if (v == null) {
                    sources = Optional.empty();
                } else {
                    problems.add(f.getKey() + ": datasource_list is not a list (" + shortText(v) + ")");
                }
            }
            for (String key : MODULE_LISTS) {
                if (m.get(key) instanceof List<?> list) {
                    List<String> names = new ArrayList<>();
                    for (Object o : list) {
                        moduleName(o).ifPresent(n -> {
                            if (names.size() < 256) {
                                names.add(n);
                            }
                        });
                    }
                    modules.put(key, new Setting<>(List.copyOf(names), f.getKey()));
                }
            }
            if (m.get("network") instanceof Map<?, ?> net && net.containsKey("config")) {
                network = Optional.of(new Setting<>(String.valueOf(net.get("config")), f.getKey()));
            }
        }
        return new CloudInitConfig(delete, sources, history, modules, network, problems);
    }

    /**
     * A module entry's name as cloud-init reads it ({@code config/modules.py}): a string, or the
     * first item of a list ({@code [mounts, always]}), or a map's {@code name}; normalised to the
     * form {@code disk_setup} (dashes as underscores, no {@code cc_} prefix).
     */
    static Optional<String> moduleName(Object entry) {
        Object n = entry;
        if (entry instanceof List<?> l && !l.isEmpty()) {
            n = l.get(0);
        } else if (entry instanceof Map<?, ?> m) {
            n = m.get("name");
        }
        if (!(n instanceof String s) || s.isBlank()) {
            return Optional.empty();
        }
        String name = s.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        return Optional.of(name.startsWith("cc_") ? name.substring(3) : name);
    }

    /** One YAML document as a map; empty (with a problem line) when it cannot be one. */
    static Optional<Map<?, ?>> load(String path, String text, List<String> problems) {
        if (text.length() > MAX_FILE_BYTES) {
            problems.add(path + ": " + text.length() + " characters, more than the " + MAX_FILE_BYTES + " read");
            return Optional.empty();
        }
        if (flowDepth(text) > MAX_FLOW_DEPTH || blockIndent(text) > MAX_BLOCK_INDENT) {
            problems.add(path + ": nesting deeper than " + MAX_FLOW_DEPTH + " flow levels or " + MAX_BLOCK_INDENT + " columns of indentation, not parsed");
            return Optional.empty();
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(path)
                .setCodePointLimit(MAX_FILE_BYTES)
                .setMaxAliasesForCollections(50)
                .setAllowRecursiveKeys(false)
                .setAllowDuplicateKeys(true)
                .build();
        Object doc;
        try {
            doc = new Load(settings).loadFromString(text);
        } catch (RuntimeException | StackOverflowError e) {
            // snakeyaml-engine reports syntax errors as YamlEngineException (a RuntimeException).
            problems.add(path + ": not valid YAML: " + firstLine(e.getMessage()));
            return Optional.empty();
        }
        if (doc == null) {
            return Optional.empty();
        }
        if (!(doc instanceof Map<?, ?> m)) {
            problems.add(path + ": top level is not a mapping");
            return Optional.empty();
        }
        return Optional.of(m);
    }

    /** Deepest nesting of flow collections, counted before parsing so deep input never reaches the recursive parser. */
    static int flowDepth(String text) {
        int depth = 0;
        int max = 0;
        boolean comment = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                comment = false;
            } else if (c == '#') {
                comment = true;
            } else if (!comment && (c == '[' || c == '{')) {
                max = Math.max(max, ++depth);
            } else if (!comment && (c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        return max;
    }

    /** Longest run of leading spaces and {@code "- "} markers: each block level needs at least one more. */
    static int blockIndent(String text) {
        int longest = 0;
        for (String line : text.split("\n", -1)) {
            int indent = 0;
            while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '-')) {
                indent++;
            }
            longest = Math.max(longest, indent);
        }
        return longest;
    }

    /** cloud-init's boolean reading ({@code util.translate_bool}, PyYAML 1.1 booleans). */
    static Optional<Boolean> bool(Object v) {
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (List.of("true", "yes", "on", "1", "y").contains(t)) {
                return Optional.of(true);
            }
            if (List.of("false", "no", "off", "0", "n").contains(t)) {
                return Optional.of(false);
            }
        }
        if (v instanceof Number n) {
            return Optional.of(n.longValue() != 0);
        }
        return Optional.empty();
    }

    private static String shortText(Object o) {
        String s = String.valueOf(o);
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        t = nl >= 0 ? t.substring(0, nl) : t;
        return t.length() > 160 ? t.substring(0, 160) + "..." : t;
    }
}
