package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * L26 (dracut families: RHEL, SUSE, Azure Linux): dracut's configuration does not leave the Hyper-V
 * drivers out of the initramfs. dracut reads {@code /etc/dracut.conf}, then every
 * {@code *.conf} of {@code /etc/dracut.conf.d} and {@code /usr/lib/dracut/dracut.conf.d} sorted by
 * name (an {@code /etc} file replacing a same-named one under {@code /usr/lib}); {@code omit_drivers=}
 * replaces, {@code +=} appends, and each word is an anchored regular expression. An initramfs built
 * without {@code hv_vmbus} and {@code hv_storvsc} cannot find the root disk on Azure, so the next
 * kernel update makes the image unbootable even when today's initramfs (L12) still has them.
 */
final class DracutHyperVDriversCheck implements FamilyRule {

    /** Without these the initramfs finds no disk (vmbus, storvsc) or no network (netvsc) on Hyper-V. */
    static final List<String> REQUIRED = List.of("hv_vmbus", "hv_storvsc", "hv_netvsc");
    static final List<String> CONF_DIRS = List.of("/usr/lib/dracut/dracut.conf.d", "/etc/dracut.conf.d");
    private static final Pattern ASSIGN = Pattern.compile("^\\s*(omit_drivers|add_drivers|force_drivers)\\s*(\\+?=)\\s*(.*)$");
    private static final int MAX_FILES = 200;

    @Override
    public String id() {
        return "L26";
    }

    @Override
    public String title() {
        return "dracut configuration keeps the Hyper-V drivers (no omit_drivers of hv_vmbus, hv_storvsc, hv_netvsc)";
    }

    @Override
    public Set<LinuxFamily> families() {
        return Set.of(LinuxFamily.RHEL, LinuxFamily.SUSE, LinuxFamily.AZURE_LINUX);
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST;
    }

    @Override
    public String reads() {
        return "/etc/dracut.conf, /etc/dracut.conf.d/*.conf, /usr/lib/dracut/dracut.conf.d/*.conf "
                + "(omit_drivers, add_drivers, force_drivers)";
    }

    @Override
    public String source() {
        return "dracut.conf(5) (configuration order, omit_drivers/add_drivers); Azure 'Prepare a generic Linux VM' and RHEL/SUSE "
                + "docs (add_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \") — docs/checks.md#l26";
    }

    @Override
    public String remediation() {
        return "remove hv_vmbus, hv_storvsc and hv_netvsc from omit_drivers in the files listed, add "
                + "add_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \" to /etc/dracut.conf.d/azure.conf and run dracut -f --regenerate-all";
    }

    /** One assignment in configuration order. */
    private record Assignment(String file, int line, String key, boolean append, String value) {
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        List<String> files = configFiles(ctx);
        if (files.isEmpty()) {
            return notApplicable(ctx, "no dracut configuration (" + ctx.at("/etc/dracut.conf") + ", "
                    + String.join(", ", CONF_DIRS.stream().map(d -> ctx.at(d + "/*.conf")).toList()) + ")");
        }
        List<Assignment> all = new ArrayList<>();
        for (String f : files) {
            Optional<String> text = FileReads.text(ctx.fs(), f, FileReads.CONFIG_CAP);
            if (text.isEmpty()) {
                continue;
            }
            String[] lines = text.get().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = ASSIGN.matcher(lines[i]);
                if (m.matches()) {
                    String v = m.group(3).strip();
                    int hash = v.startsWith("\"") || v.startsWith("'") ? -1 : v.indexOf('#');
                    v = hash >= 0 ? v.substring(0, hash).strip() : v;
                    String value = OsRelease.unquote(v).orElse(v);
                    all.add(new Assignment(f, i + 1, m.group(1), m.group(2).equals("+="), value));
                }
            }
        }
        List<Assignment> omit = effective(all, "omit_drivers");
        List<Assignment> add = new ArrayList<>(effective(all, "add_drivers"));
        add.addAll(effective(all, "force_drivers"));
        List<String> failing = new ArrayList<>();
        for (String driver : REQUIRED) {
            for (Assignment a : omit) {
                for (String word : a.value().split("\\s+")) {
                    if (!word.isEmpty() && omits(word, driver)) {
                        failing.add(ctx.at(a.file()) + " line " + a.line() + ": omit_drivers" + (a.append() ? "+=" : "=")
                                + " '" + word + "' leaves " + driver + " out of every initramfs dracut builds");
                    }
                }
            }
        }
        List<String> evidence = new ArrayList<>();
        evidence.add("dracut configuration read in order: " + String.join(", ", files.stream().map(ctx::at).toList()));
        List<String> added = add.stream().flatMap(a -> List.of(a.value().split("\\s+")).stream())
                .filter(w -> REQUIRED.contains(w.replace('-', '_'))).distinct().toList();
        evidence.add(added.isEmpty() ? "no add_drivers/force_drivers names a Hyper-V driver (dracut includes them when built on Hyper-V)"
                : "add_drivers/force_drivers include " + String.join(", ", added));
        if (failing.isEmpty()) {
            return pass(ctx, evidence);
        }
        failing.addAll(evidence);
        return fail(ctx, failing);
    }

    /** The files dracut reads, in its order. */
    private static List<String> configFiles(LinuxContext ctx) throws IOException {
        List<String> out = new ArrayList<>();
        if (ctx.fs().isRegularFile("/etc/dracut.conf")) {
            out.add("/etc/dracut.conf");
        }
        TreeMap<String, String> byName = new TreeMap<>();
        for (String dir : CONF_DIRS) {
            for (DirEntry e : FileReads.list(ctx.fs(), dir)) {
                if (e.name().endsWith(".conf") && byName.size() < MAX_FILES) {
                    byName.put(e.name(), dir + "/" + e.name());
                }
            }
        }
        out.addAll(byName.values());
        return out;
    }

    /** The assignments of {@code key} that count: those from the last plain {@code =} on. */
    private static List<Assignment> effective(List<Assignment> all, String key) {
        List<Assignment> out = new ArrayList<>();
        for (Assignment a : all) {
            if (a.key().equals(key)) {
                if (!a.append()) {
                    out.clear();
                }
                out.add(a);
            }
        }
        return out;
    }

    /** Whether omit_drivers word {@code word} (an anchored regular expression to dracut) matches {@code driver}. */
    static boolean omits(String word, String driver) {
        String w = word.length() > 200 ? word.substring(0, 200) : word;
        for (String name : List.of(driver, driver.replace('_', '-'))) {
            try {
                if (Pattern.compile(w).matcher(name).matches()) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                if (w.equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
