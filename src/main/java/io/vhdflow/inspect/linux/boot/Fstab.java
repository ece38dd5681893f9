package io.vhdflow.inspect.linux.boot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /etc/fstab} as {@code fstab(5)} defines it: one entry per line, six whitespace-separated
 * fields ({@code spec file vfstype mntops freq passno}, the last two optional), {@code #} comments,
 * octal escapes such as {@code \040} for a space in a field.
 */
public final class Fstab {

    /** More lines than this is not a real fstab; the rest is ignored (and said so). */
    public static final int MAX_ENTRIES = 1000;

    /** Filesystem types that are not on a disk volume. */
    static final Set<String> PSEUDO = Set.of("proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "mqueue", "debugfs",
            "securityfs", "cgroup", "cgroup2", "pstore", "efivarfs", "hugetlbfs", "configfs", "binfmt_misc",
            "fusectl", "tracefs", "bpf", "autofs", "rpc_pipefs", "nfsd", "overlay", "ramfs", "none");
    static final Set<String> NETWORK = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "glusterfs", "ceph",
            "fuse.sshfs", "9p", "davfs", "virtiofs", "fuse.glusterfs");

    /**
     * One entry.
     *
     * @param line       1-based line number in the file
     * @param spec       the device field as written (unescaped): {@code UUID=...}, {@code /dev/sda1}, ...
     * @param mountPoint the mount point (unescaped), or {@code none}/{@code swap} for swap
     * @param type       the filesystem type ({@code ext4}, {@code xfs}, {@code vfat}, {@code swap}, {@code auto}, ...)
     * @param options    the mount options, split at commas
     */
    public record Entry(int line, String spec, String mountPoint, String type, List<String> options) {
        public Entry {
            options = List.copyOf(options);
        }

        public boolean hasOption(String o) {
            return options.contains(o);
        }

        /** Swap: not mounted. */
        public boolean isSwap() {
            return type.equals("swap");
        }

        /** A kernel filesystem, a network share or a bind mount: nothing on this disk's volumes. */
        public boolean isVirtual() {
            return PSEUDO.contains(type) || NETWORK.contains(type) || type.startsWith("fuse")
                    || hasOption("bind") || hasOption("rbind") || spec.contains(":/") || spec.startsWith("//");
        }

        /** A failure to find the device does not stop the boot: {@code nofail}, or not mounted at boot ({@code noauto}). */
        public boolean optional() {
            return hasOption("nofail") || hasOption("noauto");
        }

        @Override
        public String toString() {
            return "line " + line + ": " + spec + " " + mountPoint + " " + type;
        }
    }

    private final List<Entry> entries;
    private final boolean truncated;

    private Fstab(List<Entry> entries, boolean truncated) {
        this.entries = List.copyOf(entries);
        this.truncated = truncated;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** More than {@link #MAX_ENTRIES} entries: the rest were not read. */
    public boolean truncated() {
        return truncated;
    }

    /** The entry for mount point {@code point}, the last one if several (the one that wins when mounted). */
    public Optional<Entry> at(String point) {
        Entry found = null;
        for (Entry e : entries) {
            if (e.mountPoint().equals(point)) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    public static Fstab parse(String text) {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length < 2) {
                continue;
            }
            if (out.size() >= MAX_ENTRIES) {
                return new Fstab(out, true);
            }
            String type = f.length > 2 ? unescape(f[2]).toLowerCase(Locale.ROOT) : "auto";
            List<String> opts = f.length > 3 ? Arrays.asList(unescape(f[3]).split(",")) : List.of("defaults");
            out.add(new Entry(i + 1, unescape(f[0]), normalisePoint(unescape(f[1])), type, opts));
        }
        return new Fstab(out, false);
    }

    /** {@code /var/} and {@code /var} are the same mount point. */
    private static String normalisePoint(String p) {
        if (p.length() > 1 && p.endsWith("/")) {
            return p.replaceAll("/+$", "");
        }
        return p;
    }

    /** fstab's octal escapes: {@code \040} space, {@code \011} tab, {@code \134} backslash. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }
}
