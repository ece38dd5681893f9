package io.vhdflow.disk.fs.ext4;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses what debugfs printed when a fixture was made ({@code ls -l} and {@code stat}), to compare against. */
final class DebugfsView {
    /** One line of {@code debugfs -R 'ls -l DIR'}. */
    record LsEntry(long inode, int mode, int fileType, long uid, long gid, long size, String name) {
    }

    /** What {@code debugfs -R 'stat PATH'} printed for one file. */
    record Stat(long inode, int permissions, int flags, long uid, long gid, long size, int links,
                Map<String, long[]> times, String fastLinkDest) {
    }

    private static final Pattern LS = Pattern.compile(
            "^\\s*(\\d+)\\s+([0-7]+)\\s+\\((\\d+)\\)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\S+\\s+\\S+\\s(.+)$");
    private static final Pattern INODE = Pattern.compile("^Inode: (\\d+)\\s+Type: .*Mode:\\s+([0-7]+)\\s+Flags: 0x([0-9a-f]+)");
    private static final Pattern USER = Pattern.compile("^User:\\s+(\\d+)\\s+Group:\\s+(\\d+).*Size: (\\d+)");
    private static final Pattern LINKS = Pattern.compile("^Links: (\\d+)");
    private static final Pattern TIME = Pattern.compile("^\\s*(\\w+): 0x([0-9a-f]{8})(?::([0-9a-f]{8}))? --");
    private static final Pattern FAST = Pattern.compile("^Fast link dest: \"(.*)\"$");

    private DebugfsView() {
    }

    /** Directory path to its entries (without . and ..). */
    static Map<String, List<LsEntry>> parseLs(String text) {
        Map<String, List<LsEntry>> out = new LinkedHashMap<>();
        List<LsEntry> current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("### ")) {
                current = new ArrayList<>();
                out.put(line.substring(4), current);
                continue;
            }
            Matcher m = LS.matcher(line);
            if (m.matches() && current != null) {
                String name = m.group(7);
                if (name.equals(".") || name.equals("..")) {
                    continue;
                }
                current.add(new LsEntry(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2), 8),
                        Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(6)), name));
            }
        }
        return out;
    }

    /** Path to stat. Times map: name (ctime, atime, mtime, crtime) to {seconds field, extra field or -1}. */
    static Map<String, Stat> parseStat(String text) {
        Map<String, Stat> out = new LinkedHashMap<>();
        String path = null;
        long inode = -1;
        int perm = 0;
        int flags = 0;
        long uid = 0;
        long gid = 0;
        long size = 0;
        int links = 0;
        Map<String, long[]> times = new HashMap<>();
        String fast = null;
        for (String line : (text + "\n### END").split("\n")) {
            if (line.startsWith("### ")) {
                if (path != null && inode >= 0) {
                    out.put(path, new Stat(inode, perm, flags, uid, gid, size, links, times, fast));
                }
                path = line.substring(4);
                inode = -1;
                times = new HashMap<>();
                fast = null;
                continue;
            }
            Matcher m;
            if ((m = INODE.matcher(line)).find()) {
                inode = Long.parseLong(m.group(1));
                perm = Integer.parseInt(m.group(2), 8);
                flags = (int) Long.parseLong(m.group(3), 16);
            } else if ((m = USER.matcher(line)).find()) {
                uid = Long.parseLong(m.group(1));
                gid = Long.parseLong(m.group(2));
                size = Long.parseLong(m.group(3));
            } else if ((m = LINKS.matcher(line)).find()) {
                links = Integer.parseInt(m.group(1));
            } else if ((m = TIME.matcher(line)).find()) {
                long extra = m.group(3) == null ? -1 : Long.parseLong(m.group(3), 16);
                times.put(m.group(1), new long[] {Long.parseLong(m.group(2), 16), extra});
            } else if ((m = FAST.matcher(line)).find()) {
                fast = m.group(1);
            }
        }
        return out;
    }

    /** sha256sum output: path to hex digest. */
    static Map<String, String> parseSha(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.length() > 66) {
                out.put(line.substring(66), line.substring(0, 64));
            }
        }
        return out;
    }
}
