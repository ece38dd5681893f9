package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.linux.boot.BootEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * L13: the {@code udf} and {@code vfat} modules can load. Azure hands the provisioning data to a
 * new VM on a UDF-formatted virtual DVD, and a Gen2 VM's ESP is FAT: hardening guides (CIS) that
 * add {@code install udf /bin/true} or {@code blacklist udf} leave the agent without its
 * provisioning data. Read like {@code modprobe.d(5)}: {@code /etc/modprobe.d} overrides a file of
 * the same name in {@code /lib/modprobe.d} and {@code /usr/lib/modprobe.d}; the kernel command
 * line's {@code modprobe.blacklist=} and {@code module_blacklist=} count too.
 */
final class ModuleBlacklistCheck implements LinuxCheck {

    static final List<String> MODULES = List.of("udf", "vfat");
    /** kmod's search order; a merged-/usr system sees /lib/modprobe.d through /usr/lib/modprobe.d. */
    static final List<String> DIRS = List.of("/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
            "/usr/lib/modprobe.d", "/lib/modprobe.d");

    @Override
    public String id() {
        return "L13";
    }

    @Override
    public String title() {
        return "udf and vfat modules not blacklisted";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }


    @Override
    public String reads() {
        return "/etc/modprobe.d/*.conf, /lib/modprobe.d/*.conf, /usr/lib/modprobe.d/*.conf, the default kernel command line";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a generic Linux image' (UDF must be loadable for provisioning) — docs/checks.md#l13";
    }

    @Override
    public String remediation() {
        return "remove the 'blacklist udf'/'install udf /bin/true' (and vfat) lines from /etc/modprobe.d, then rebuild the "
                + "initramfs (update-initramfs -u / dracut -f)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        // File name -> path that wins (earlier directories override later ones).
        Map<String, String> files = new TreeMap<>();
        for (String dir : DIRS) {
            for (DirEntry e : FileReads.list(ctx.fs(), dir)) {
                if (e.name().endsWith(".conf")) {
                    files.putIfAbsent(e.name(), dir + "/" + e.name());
                }
            }
        }
        List<String> failing = new ArrayList<>();
        for (String path : files.values()) {
            Optional<String> text = FileReads.text(ctx.fs(), path, FileReads.CONFIG_CAP);
            if (text.isEmpty()) {
                continue;
            }
            String[] lines = text.get().split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.startsWith("#")) {
                    continue;
                }
                String[] w = l.split("\\s+");
                if (w.length >= 2 && MODULES.contains(w[1].replace('-', '_'))) {
                    boolean blacklisted = w[0].equals("blacklist")
                            || w[0].equals("install") && w.length >= 3 && disables(w)
                            || w[0].equals("alias") && w.length >= 3 && w[2].equals("off");
                    if (blacklisted) {
                        failing.add(ctx.at(path) + " line " + (i + 1) + ": '" + l + "'");
                    }
                }
            }
        }
        Optional<BootEntry> def = ctx.boot().defaultEntry();
        if (def.isPresent() && def.get().cmdline().isPresent()) {
            for (String a : def.get().cmdline().get().split("\\s+")) {
                for (String key : List.of("modprobe.blacklist=", "module_blacklist=")) {
                    if (a.startsWith(key)) {
                        for (String m : a.substring(key.length()).split(",")) {
                            if (MODULES.contains(m)) {
                                failing.add("kernel command line of '" + def.get().title() + "': " + a);
                            }
                        }
                    }
                }
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of("no blacklist, install or alias line disables udf or vfat in " + files.size()
                    + " modprobe.d file(s)" + (def.isPresent() ? " or on the kernel command line" : "")));
        }
        return fail(ctx, failing);
    }

    /** {@code install udf /bin/true} (or false, or a command that does not load the module). */
    private static boolean disables(String[] w) {
        String cmd = w[2];
        return cmd.endsWith("/true") || cmd.endsWith("/false") || cmd.equals("true") || cmd.equals("false")
                || cmd.endsWith("/echo") || cmd.equals("echo");
    }
}
