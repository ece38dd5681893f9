package io.vhdflow.testing;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.disk.fs.NodeFilesystem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Test-only {@link Filesystem} over a small tar tree held in memory (the Linux fixtures are a few
 * hundred files). Honours what tar records: types, modes, owners, symbolic links (resolved by
 * {@link NodeFilesystem}, so by the same rules as the real filesystems), hard links. Directories
 * that appear only as parents of entries are implied with mode 0755, owner 0.
 */
public final class TreeFilesystem extends NodeFilesystem<TreeFilesystem.Node> {

    /** One file of the tree. */
    static final class Node {
        final FileType type;
        int mode;
        long uid;
        long gid;
        byte[] data = new byte[0];
        String target = "";
        Instant mtime = Instant.EPOCH;
        final long inode;
        final TreeMap<String, Node> children = new TreeMap<>();

        Node(FileType type, int mode, long inode) {
            this.type = type;
            this.mode = mode;
            this.inode = inode;
        }
    }

    private final Node root;
    private long nextInode = 2;

    private TreeFilesystem() {
        super(PathSyntax.POSIX);
        root = new Node(FileType.DIRECTORY, 0040755, nextInode++);
    }

    /** Loads a {@code .tar.zst} test resource, e.g. {@code /fixtures/linux/generalized.tar.zst}. */
    public static TreeFilesystem fromResource(String resource) {
        InputStream raw = TreeFilesystem.class.getResourceAsStream(resource);
        if (raw == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        try (InputStream in = resource.endsWith(".zst") ? new ZstdInputStream(new BufferedInputStream(raw)) : raw) {
            return fromTar(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /**
     * A tree and overlays laid on top in order, e.g. a real deprovisioned tree and one change made on
     * it ({@code fixtures/make-linux-secrets.sh}): an overlay's files replace or add to the tree's.
     */
    public static TreeFilesystem fromResources(String base, String... overlays) {
        TreeFilesystem fs = fromResource(base);
        for (String o : overlays) {
            InputStream raw = TreeFilesystem.class.getResourceAsStream(o);
            if (raw == null) {
                throw new IllegalArgumentException("no test resource " + o);
            }
            try (InputStream in = o.endsWith(".zst") ? new ZstdInputStream(new BufferedInputStream(raw)) : raw) {
                fs.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + o, e);
            }
        }
        return fs;
    }

    /**
     * A tar stream of small entries, each {@code {path, "file"|"dir"|"link", content or link target}}
     * (ASCII content), for trees built in a test.
     */
    public static InputStream tar(String[]... entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream out =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
            for (String[] e : entries) {
                org.apache.commons.compress.archivers.tar.TarArchiveEntry t;
                switch (e[1]) {
                    case "dir" -> t = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e[0]);
                    case "link" -> {
                        t = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e[0],
                                org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
                        t.setLinkName(e[2]);
                    }
                    default -> {
                        t = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e[0]);
                        t.setSize(e[2].length());
                    }
                }
                out.putArchiveEntry(t);
                if (e[1].equals("file")) {
                    out.write(e[2].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                out.closeArchiveEntry();
            }
        }
        return new java.io.ByteArrayInputStream(bytes.toByteArray());
    }

    /** Builds the tree from a tar stream. */
    public static TreeFilesystem fromTar(InputStream in) throws IOException {
        TreeFilesystem fs = new TreeFilesystem();
        fs.load(in);
        return fs;
    }

    /** Adds a tar stream's entries to the tree; a regular file or link replaces what was at its path. */
    private void load(InputStream in) throws IOException {
        TreeFilesystem fs = this;
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String path = normalize(e.getName());
            if (path.isEmpty()) {
                fs.root.mode = 0040000 | (e.getMode() & 07777);
                continue;
            }
            if (e.isLink()) {
                Node target = fs.lookupExact(normalize(e.getLinkName()));
                if (target == null) {
                    throw new IOException("tar hard link " + path + " to missing " + e.getLinkName());
                }
                fs.put(path, target);
                continue;
            }
            FileType type = e.isDirectory() ? FileType.DIRECTORY : e.isSymbolicLink() ? FileType.SYMLINK
                    : e.isCharacterDevice() ? FileType.CHARACTER_DEVICE : e.isBlockDevice() ? FileType.BLOCK_DEVICE
                    : e.isFIFO() ? FileType.FIFO : FileType.REGULAR;
            int typeBits = switch (type) {
                case DIRECTORY -> 0040000;
                case SYMLINK -> 0120000;
                case CHARACTER_DEVICE -> 0020000;
                case BLOCK_DEVICE -> 0060000;
                case FIFO -> 0010000;
                default -> 0100000;
            };
            Node existing = type == FileType.DIRECTORY ? fs.lookupExact(path) : null;
            Node n = existing != null && existing.type == FileType.DIRECTORY ? existing
                    : new Node(type, 0, fs.nextInode++);
            n.mode = typeBits | (e.getMode() & 07777);
            n.uid = e.getLongUserId();
            n.gid = e.getLongGroupId();
            n.mtime = e.getLastModifiedDate().toInstant();
            if (type == FileType.SYMLINK) {
                n.target = e.getLinkName();
            } else if (type == FileType.REGULAR) {
                n.data = tar.readAllBytes();
            }
            if (n != existing) {
                fs.put(path, n);
            }
        }
    }

    private static String normalize(String name) {
        String p = name;
        while (p.startsWith("./") || p.startsWith("/")) {
            p = p.startsWith("./") ? p.substring(2) : p.substring(1);
        }
        if (p.equals(".")) {
            return "";
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** Walks stored names without following links (tar names are literal paths). */
    private Node lookupExact(String path) {
        Node cur = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            cur = cur.children.get(part);
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    private void put(String path, Node node) {
        String[] parts = path.split("/");
        Node dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Node next = dir.children.get(parts[i]);
            if (next == null) {
                next = new Node(FileType.DIRECTORY, 0040755, nextInode++);
                dir.children.put(parts[i], next);
            }
            dir = next;
        }
        dir.children.put(parts[parts.length - 1], node);
    }

    /**
     * Replaces (or creates) a regular file's content, keeping its mode and owner: tests use it to
     * feed hostile content to readers.
     */
    public void replaceContent(String path, byte[] data) {
        String p = normalize(path);
        Node n = lookupExact(p);
        if (n == null || n.type != FileType.REGULAR) {
            n = new Node(FileType.REGULAR, 0100644, nextInode++);
            put(p, n);
        }
        n.data = data.clone();
    }

    @Override
    public String type() {
        return "tar-tree";
    }

    @Override
    public Optional<String> label() {
        return Optional.empty();
    }

    @Override
    public Optional<String> uuid() {
        return Optional.empty();
    }

    @Override
    protected Node root() {
        return root;
    }

    @Override
    protected Optional<Node> child(Node dir, String name) {
        return Optional.ofNullable(dir.children.get(name));
    }

    @Override
    protected FileType typeOf(Node node) {
        return node.type;
    }

    @Override
    protected List<DirEntry> entries(Node dir) {
        List<DirEntry> out = new ArrayList<>();
        dir.children.forEach((name, c) -> out.add(new DirEntry(name, c.type, c.inode)));
        return out;
    }

    @Override
    protected FileAttributes attributesOf(Node n) {
        long size = switch (n.type) {
            case REGULAR -> n.data.length;
            case SYMLINK -> n.target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            case DIRECTORY -> 4096;
            default -> 0;
        };
        return new FileAttributes(n.type, size, n.mode, n.uid, n.gid, Optional.of(n.mtime), Optional.of(n.mtime),
                Optional.of(n.mtime), Optional.empty(), n.inode, 1);
    }

    @Override
    protected String linkTarget(Node link) {
        return link.target;
    }

    @Override
    protected ByteSource content(Node file, String path) {
        return new ByteArraySource(file.data, "tree:" + path);
    }
}
