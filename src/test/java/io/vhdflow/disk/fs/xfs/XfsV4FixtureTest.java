package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v4 (no CRC, version 2 inodes, ftype in features2) fixture, populated by {@code mkfs.xfs -p}
 * from a protofile, compared with xfs_db's {@code ls} and {@code inode ... print} recorded at creation.
 */
class XfsV4FixtureTest {
    private static final Pattern LS = Pattern.compile(
            "^\\d+\\s+(\\d+)\\s+(\\S+)\\s+0x[0-9a-f]+\\s+\\d+\\s+(.*) \\(good\\)$");

    @TempDir
    static Path dir;
    static FileByteSource source;
    static XfsFilesystem fs;

    @BeforeAll
    static void open() throws IOException {
        source = FileByteSource.open(Fixtures.extract("xfs/v4.img.zst", dir));
        fs = XfsFilesystem.open(source);
    }

    @AfterAll
    static void close() throws IOException {
        source.close();
    }

    /** xfs_db's listing per directory: name -> {inode, type}. */
    static Map<String, Map<String, String[]>> xfsDbListings() {
        return xfsDbListings("xfs/v4.ls.txt");
    }

    static Map<String, Map<String, String[]>> xfsDbListings(String fixture) {
        Map<String, Map<String, String[]>> out = new LinkedHashMap<>();
        Map<String, String[]> current = null;
        for (String line : Fixtures.text(fixture).lines().toList()) {
            if (line.startsWith("### ls ")) {
                current = new LinkedHashMap<>();
                out.put(line.substring(7), current);
                continue;
            }
            Matcher m = LS.matcher(line);
            if (m.matches() && !m.group(3).equals(".") && !m.group(3).equals("..")) {
                current.put(m.group(3), new String[] {m.group(1), m.group(2)});
            }
        }
        return out;
    }

    /** "dir|name" -> type, from the protofile given to mkfs.xfs (indentation is nesting). */
    static Map<String, FileType> protoTypes() {
        Map<String, FileType> out = new HashMap<>();
        java.util.Deque<String> dirs = new java.util.ArrayDeque<>();
        List<String> lines = Fixtures.text("xfs/v4.proto.txt").lines().toList();
        for (String line : lines.subList(3, lines.size())) {
            String t = line.strip();
            if (t.equals("$")) {
                dirs.poll();
                continue;
            }
            String[] f = t.split("\\s+");
            String parent = dirs.isEmpty() ? "/" : dirs.peek();
            FileType type = switch (f[1].charAt(0)) {
                case '-' -> FileType.REGULAR;
                case 'd' -> FileType.DIRECTORY;
                case 'l' -> FileType.SYMLINK;
                case 'c' -> FileType.CHARACTER_DEVICE;
                case 'b' -> FileType.BLOCK_DEVICE;
                case 'p' -> FileType.FIFO;
                default -> throw new IllegalArgumentException(line);
            };
            out.put(parent + "|" + f[0], type);
            if (type == FileType.DIRECTORY) {
                dirs.push((parent.equals("/") ? "" : parent) + "/" + f[0]);
            }
        }
        return out;
    }

    static FileType dbType(String t) {
        return switch (t) {
            case "directory" -> FileType.DIRECTORY;
            case "regular" -> FileType.REGULAR;
            case "symlink" -> FileType.SYMLINK;
            case "chardev" -> FileType.CHARACTER_DEVICE;
            case "blkdev" -> FileType.BLOCK_DEVICE;
            case "fifo" -> FileType.FIFO;
            case "socket" -> FileType.SOCKET;
            default -> throw new IllegalArgumentException(t);
        };
    }

    @Test
    void versionAndNoFindings() {
        assertEquals(4, fs.version());
        assertEquals(false, fs.superblock().hasFtype());
        assertEquals("vf-v4", fs.label().orElseThrow());
        assertEquals(List.of(), fs.findings());
    }

    @Test
    void listingsMatchXfsDb() throws IOException {
        Map<String, Map<String, String[]>> db = xfsDbListings();
        assertEquals(5, db.size());
        Map<String, FileType> protoTypes = protoTypes();
        for (Map.Entry<String, Map<String, String[]>> d : db.entrySet()) {
            List<DirEntry> ours = fs.list(d.getKey());
            assertEquals(d.getValue().keySet(), ours.stream().map(DirEntry::name).collect(Collectors.toSet()), d.getKey());
            assertEquals(d.getValue().size(), ours.size());
            for (DirEntry e : ours) {
                String[] want = d.getValue().get(e.name());
                assertEquals(Long.parseLong(want[0]), e.inode(), e.name());
                // This image has no ftype: xfs_db says "unknown" and we take the type from the inode,
                // which must be what the protofile asked mkfs.xfs to create.
                FileType expected = want[1].equals("unknown") ? protoTypes.get(d.getKey() + "|" + e.name())
                        : dbType(want[1]);
                assertEquals(expected, e.type(), d.getKey() + " " + e.name());
            }
        }
        assertEquals(400, fs.list("/dir400").size());
        assertEquals("shortform", fs.directoryLayout("/dir3"));
        assertEquals("block", fs.directoryLayout("/dir40"));
        assertEquals("leaf", fs.directoryLayout("/dir400"));
    }

    @Test
    void inodesMatchXfsDb() throws IOException {
        Map<Long, Map<String, String>> inodes = new HashMap<>();
        Map<String, String> cur = null;
        for (String line : Fixtures.text("xfs/v4.inodes.txt").lines().toList()) {
            if (line.startsWith("### inode ")) {
                cur = new HashMap<>();
                inodes.put(Long.parseLong(line.substring(10)), cur);
            } else if (cur != null && line.contains(" = ")) {
                cur.put(line.substring(0, line.indexOf(" = ")), line.substring(line.indexOf(" = ") + 3));
            }
        }
        Map<String, String[]> root = xfsDbListings().get("/");
        int checked = 0;
        for (Map.Entry<String, String[]> e : root.entrySet()) {
            Map<String, String> i = inodes.get(Long.parseLong(e.getValue()[0]));
            FileAttributes a = fs.lstat("/" + e.getKey());
            assertEquals(Integer.parseInt(i.get("core.mode"), 8), a.mode(), e.getKey());
            assertEquals(Long.parseLong(i.get("core.uid")), a.uid(), e.getKey());
            assertEquals(Long.parseLong(i.get("core.gid")), a.gid(), e.getKey());
            assertEquals(Long.parseLong(i.get("core.size")), a.size(), e.getKey());
            assertEquals(Integer.parseInt(i.get("core.nlinkv2")), a.linkCount(), e.getKey());
            assertEquals(2, Integer.parseInt(i.get("core.version")));
            checked++;
        }
        assertEquals(11, checked);
        assertEquals(04755, fs.stat("/suid").permissions());
    }

    @Test
    void contentsAndLinksMatchTheProtofileSources() throws Exception {
        Map<String, String> sha = new HashMap<>();
        for (String line : Fixtures.text("xfs/v4.sha256.txt").lines().toList()) {
            sha.put(line.substring(66), line.substring(0, 64));
        }
        Map<String, String> files = Map.of("/etc/os-release", "os-release", "/numbers.txt", "numbers.txt",
                "/etc/shadow", "empty", "/dir3/f2", "os-release", "/dir400/a-longer-entry-name-number-400", "empty",
                "/link-inline", "os-release", "/link-remote", "os-release");
        for (Map.Entry<String, String> f : files.entrySet()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = fs.newInputStream(f.getKey())) {
                md.update(in.readAllBytes());
            }
            assertEquals(sha.get(f.getValue()), HexFormat.of().formatHex(md.digest()), f.getKey());
        }
        assertEquals("etc/os-release", fs.readlink("/link-inline"));
        assertEquals("../".repeat(200) + "etc/os-release", fs.readlink("/link-remote"));
    }
}
