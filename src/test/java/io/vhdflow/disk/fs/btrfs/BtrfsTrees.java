package io.vhdflow.disk.fs.btrfs;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test helpers for the btrfs fixtures: comparing a filesystem with the source tree it was filled
 * from (byte for byte), and reading what btrfs-progs recorded at creation.
 */
final class BtrfsTrees {
    private BtrfsTrees() {
    }

    /** A zstd-compressed text resource under {@code fixtures/}. */
    static String zstText(String name) {
        try (InputStream in = new ZstdInputStream(BtrfsTrees.class.getResourceAsStream("/fixtures/" + name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        try (InputStream in = BtrfsTrees.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compares every file under {@code expected:from} with {@code actual:to}: the same names in every
     * directory, types, permission bits, owners, link targets, sizes and contents byte for byte.
     *
     * @return the number of files compared
     */
    static int assertSameTree(Filesystem expected, String from, Filesystem actual, String to) throws IOException {
        return assertSameTreeWithin(expected, from, actual, to, List.of());
    }

    /** {@link #assertSameTree}, ignoring the names {@code extra} that only {@code actual} has at the top. */
    static int assertSameTreeWithin(Filesystem expected, String from, Filesystem actual, String to, List<String> extra)
            throws IOException {
        int n = 0;
        List<String[]> stack = new ArrayList<>();
        stack.add(new String[] {from, to});
        while (!stack.isEmpty()) {
            String[] p = stack.remove(stack.size() - 1);
            Set<String> want = names(expected.list(p[0]));
            Set<String> got = names(actual.list(p[1]));
            if (p[1].equals(to)) {
                got.removeAll(extra);
            }
            assertEquals(want, got, "entries of " + p[1]);
            for (String name : want) {
                String e = child(p[0], name);
                String a = child(p[1], name);
                FileAttributes ea = expected.lstat(e);
                FileAttributes aa = actual.lstat(a);
                assertEquals(ea.type(), aa.type(), a);
                assertEquals(ea.permissions(), aa.permissions(), a + " permissions");
                assertEquals(ea.uid(), aa.uid(), a + " uid");
                assertEquals(ea.gid(), aa.gid(), a + " gid");
                n++;
                if (ea.type() == FileType.DIRECTORY) {
                    stack.add(new String[] {e, a});
                } else if (ea.type() == FileType.SYMLINK) {
                    assertEquals(expected.readlink(e), actual.readlink(a), a + " target");
                } else if (ea.type() == FileType.REGULAR) {
                    assertEquals(ea.size(), aa.size(), a + " size");
                    assertArrayEquals(expected.readAllBytes(e, 1 << 24), actual.readAllBytes(a, 1 << 24), a + " content");
                }
            }
        }
        return n;
    }

    private static Set<String> names(List<DirEntry> entries) {
        return entries.stream().map(DirEntry::name).collect(Collectors.toCollection(TreeSet::new));
    }

    static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /**
     * The file extents btrfs-progs' {@code dump-tree} printed, per tree and inode, as
     * {@code BtrfsFilesystem.extents} formats them.
     */
    static Map<String, List<String>> dumpedExtents(String dump) {
        Map<String, List<String>> out = new HashMap<>();
        String tree = "";
        String[] lines = dump.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("file tree key (")) {
                tree = l.substring("file tree key (".length()).split(" ")[0];
            } else if (l.contains(" EXTENT_DATA ")) {
                String[] k = l.substring(l.indexOf("key (") + 5, l.indexOf(')')).split(" ");
                String type = lines[i + 1].strip();
                String line;
                if (type.contains("(inline)")) {
                    String[] w = lines[i + 2].strip().split(" ");
                    line = k[2] + "+" + w[6] + " inline " + w[9].replaceAll("[()]", "");
                } else {
                    String[] disk = lines[i + 2].strip().split(" ");
                    String[] off = lines[i + 3].strip().split(" ");
                    boolean prealloc = type.contains("(prealloc)");
                    String comp = prealloc ? "none" : lines[i + 4].strip().split(" ")[3].replaceAll("[()]", "");
                    String kind = prealloc ? "prealloc" : disk[4].equals("0") ? "hole" : "regular";
                    line = k[2] + "+" + off[5] + " " + kind + " " + comp;
                }
                out.computeIfAbsent(tree + ":" + k[0], x -> new ArrayList<>()).add(line);
            }
        }
        return out;
    }
}
