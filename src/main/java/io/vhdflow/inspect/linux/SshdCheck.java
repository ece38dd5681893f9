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
import java.util.regex.Pattern;

/**
 * L18: sshd starts at boot and keeps idle sessions alive through Azure's load balancer (which drops
 * idle TCP flows after 4 minutes): {@code ClientAliveInterval} between 30 and 235 seconds. Read as
 * sshd reads it: {@code Include} files in place (Debian and Ubuntu include
 * {@code /etc/ssh/sshd_config.d/*.conf} first), the first value of a keyword wins, {@code Match}
 * blocks apply only to some connections and are skipped.
 */
final class SshdCheck implements LinuxCheck {

    static final String CONFIG = "/etc/ssh/sshd_config";
    static final List<String> UNITS = List.of("ssh.service", "sshd.service", "ssh.socket", "sshd.socket");
    static final int MIN = 30;
    static final int MAX = 235;
    private static final Pattern TIME = Pattern.compile("(\\d{1,9})([sSmMhH]?)");
    /** Include depth sshd itself allows. */
    static final int MAX_DEPTH = 16;

    @Override
    public String id() {
        return "L18";
    }

    @Override
    public String title() {
        return "sshd enabled; ClientAliveInterval 30-235 seconds";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String reads() {
        return "/etc/systemd/system/*.wants (ssh/sshd service or socket), /etc/ssh/sshd_config and its Include files";
    }

    @Override
    public String source() {
        return "Azure Marketplace certification FAQ (ClientAliveInterval 30-235, 180 recommended); RHEL on Azure guide — docs/checks.md#l18";
    }

    @Override
    public String remediation() {
        return "set 'ClientAliveInterval 180' at the top of /etc/ssh/sshd_config (before any Include or Match) and "
                + "enable sshd: systemctl enable ssh (Debian/Ubuntu) or sshd";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        List<String> enabled = LinuxOsDetector.enabledUnits(ctx.fs()).stream().filter(UNITS::contains).toList();
        if (enabled.isEmpty()) {
            failing.add("no ssh/sshd service or socket enabled under " + ctx.at("/etc/systemd/system"));
        } else {
            evidence.add("enabled: " + String.join(", ", enabled));
        }
        if (!ctx.fs().isRegularFile(CONFIG)) {
            failing.add(ctx.at(CONFIG) + " absent" + (enabled.isEmpty() ? " (no OpenSSH server installed)" : ""));
            return fail(ctx, failing);
        }
        Optional<String[]> value = first(ctx, CONFIG, "clientaliveinterval", 0);
        if (value.isEmpty()) {
            failing.add("ClientAliveInterval not set in " + ctx.at(CONFIG) + " or its includes: sshd's default is 0 (no keep-alive)");
        } else {
            Optional<Integer> seconds = seconds(value.get()[0]);
            String where = value.get()[1] + ": ClientAliveInterval " + value.get()[0];
            if (seconds.isPresent() && seconds.get() >= MIN && seconds.get() <= MAX) {
                evidence.add(where);
            } else {
                failing.add(where + " (outside " + MIN + "-" + MAX + " seconds)");
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, evidence);
        }
        failing.addAll(evidence);
        return fail(ctx, failing);
    }

    /** The first value of {@code keyword} and where it is ({@code path line n}), following Includes in place. */
    private Optional<String[]> first(LinuxContext ctx, String path, String keyword, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            return Optional.empty();
        }
        Optional<String> text = FileReads.text(ctx.fs(), path, FileReads.CONFIG_CAP);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.get().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] w = l.split("[\\s=]+", 2);
            String key = w[0].toLowerCase(java.util.Locale.ROOT);
            if (key.equals("match")) {
                // Everything after a Match line is conditional, to the end of this file.
                return Optional.empty();
            }
            if (w.length < 2) {
                continue;
            }
            if (key.equals("include")) {
                for (String pattern : w[1].strip().split("\\s+")) {
                    for (String inc : expand(ctx, pattern.startsWith("/") ? pattern : "/etc/ssh/" + pattern)) {
                        Optional<String[]> v = first(ctx, inc, keyword, depth + 1);
                        if (v.isPresent()) {
                            return v;
                        }
                    }
                }
                continue;
            }
            if (key.equals(keyword)) {
                return Optional.of(new String[] {w[1].strip(), ctx.at(path) + " line " + (i + 1)});
            }
        }
        return Optional.empty();
    }

    /** A glob with {@code *} or {@code ?} in its last component, sorted as glob(3) sorts. */
    private static List<String> expand(LinuxContext ctx, String pattern) throws IOException {
        int slash = pattern.lastIndexOf('/');
        String dir = slash == 0 ? "/" : pattern.substring(0, slash);
        String glob = pattern.substring(slash + 1);
        if (!glob.contains("*") && !glob.contains("?")) {
            return List.of(pattern);
        }
        String re = glob.replace(".", "\\.").replace("*", ".*").replace("?", ".");
        List<String> out = new ArrayList<>();
        for (DirEntry e : FileReads.list(ctx.fs(), dir)) {
            if (e.name().matches(re)) {
                out.add(FileReads.child(dir, e.name()));
            }
        }
        return out;
    }

    /** sshd time format: {@code 180}, {@code 3m}, {@code 1h}; only a single term is accepted here. */
    static Optional<Integer> seconds(String v) {
        java.util.regex.Matcher m = TIME.matcher(v);
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        long mult = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "m" -> 60;
            case "h" -> 3600;
            default -> 1;
        };
        long s = n * mult;
        return s > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) s);
    }
}
