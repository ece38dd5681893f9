package io.vhdflow.disk.fs;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Several filesystems seen as one tree, each at its mount point, as the running system would see
 * them: a Linux root with {@code /boot}, {@code /var} or {@code /home} on their own partitions or
 * logical volumes (assembled from {@code /etc/fstab}), or a Windows volume with the system
 * partition beside it. Paths, symbolic links and {@code ..} cross mount points the way the kernel
 * crosses them: a link on the root filesystem to {@code /var/lib/x} reads the {@code /var}
 * filesystem.
 *
 * <p>Evidence names the volume a path lives on: {@link #where(String)} gives
 * {@code lvm:rootvg/varlv/xfs:/var/lib/waagent/provisioned}.
 */
public final class MountedView extends NodeFilesystem<MountedView.Node> {

    /**
     * One mounted filesystem.
     *
     * @param point      absolute mount point in the view, {@code /} for the root
     * @param filesystem the filesystem mounted there
     * @param location   where it comes from, for evidence: {@code mbr:p1/ext4}, {@code lvm:rootvg/var/xfs}
     */
    public record Mount(String point, NodeFilesystem<?> filesystem, String location) {
    }

    /** A node of the view: a node of one mounted filesystem and the view path it was reached by. */
    public record Node(Mount mount, Object node, String path) {
    }

    /** More mounts than this is not a real system. */
    public static final int MAX_MOUNTS = 256;

    private final Mount root;
    /** Longest mount point first, so the innermost mount holding a path is found first. */
    private final List<Mount> mounts;

    private MountedView(Mount root, List<Mount> others) {
        super(root.filesystem().syntax());
        this.root = root;
        List<Mount> all = new ArrayList<>(others);
        all.add(root);
        all.sort(Comparator.comparingInt((Mount m) -> m.point().length()).reversed());
        this.mounts = List.copyOf(all);
    }

    /** A view of one filesystem at {@code /}. */
    public static MountedView of(NodeFilesystem<?> rootFilesystem, String location) {
        return new MountedView(new Mount("/", rootFilesystem, location), List.of());
    }

    /**
     * This view with {@code filesystem} mounted at {@code point} (absolute, normalised: no trailing
     * {@code /}, no {@code .} or {@code ..}). A later mount at the same point hides the earlier one,
     * as it does on Linux.
     */
    public MountedView mount(String point, NodeFilesystem<?> filesystem, String location) {
        String p = normalise(point);
        if (p.equals("/")) {
            throw new IllegalArgumentException("the root is given when the view is made");
        }
        if (mounts.size() >= MAX_MOUNTS) {
            throw new IllegalArgumentException("more than " + MAX_MOUNTS + " mounts");
        }
        List<Mount> others = new ArrayList<>();
        for (Mount m : mounts) {
            if (m != root && !m.point().equals(p)) {
                others.add(m);
            }
        }
        others.add(new Mount(p, filesystem, location));
        return new MountedView(root, others);
    }

    /** The mounts, innermost (longest mount point) first; the root mount is last. */
    public List<Mount> mounts() {
        return mounts;
    }

    /** The mount holding {@code path} by its spelling (symbolic links not followed). */
    public Mount mountOf(String path) {
        String p = path.contains("..") ? path : normalise(path);
        for (Mount m : mounts) {
            if (isUnder(p, m.point())) {
                return m;
            }
        }
        return root;
    }

    /** Evidence form of a path: the location of the volume it lives on, then the path, e.g. {@code mbr:p1/ext4:/etc/shadow}. */
    public String where(String path) {
        return mountOf(path).location() + ":" + path;
    }

    private static boolean isUnder(String path, String point) {
        return point.equals("/") || path.equals(point) || path.startsWith(point + "/");
    }

    /** {@code /a//b/./c/} → {@code /a/b/c}; {@code ..} is not accepted in a mount point. */
    static String normalise(String path) {
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                throw new IllegalArgumentException("mount point with '..': " + path);
            }
            parts.add(s);
        }
        return "/" + String.join("/", parts);
    }

    private static String join(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    /** The mount whose point is exactly {@code path} (never the root mount). */
    private Optional<Mount> mountedAt(String path) {
        for (Mount m : mounts) {
            if (m != root && m.point().equals(path)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ Filesystem

    @Override
    public String type() {
        return root.filesystem().type();
    }

    @Override
    public Optional<String> label() {
        return root.filesystem().label();
    }

    @Override
    public Optional<String> uuid() {
        return root.filesystem().uuid();
    }

    /** The findings of every mounted filesystem, each prefixed with its location. */
    @Override
    public List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        for (Mount m : mounts) {
            for (Finding f : m.filesystem().findings()) {
                out.add(new Finding(f.code(), f.offset(), m.location() + ": " + f.detail()));
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        // The mounted filesystems belong to whoever opened them.
    }

    // ------------------------------------------------------------------ node API

    @Override
    protected Node root() throws IOException {
        return new Node(root, rootOf(root.filesystem()), "/");
    }

    @Override
    protected Optional<Node> child(Node dir, String name) throws IOException {
        String path = join(dir.path(), name);
        Optional<Mount> m = mountedAt(path);
        if (m.isPresent()) {
            return Optional.of(new Node(m.get(), rootOf(m.get().filesystem()), path));
        }
        Optional<?> c = childOf(dir.mount().filesystem(), dir.node(), name);
        return c.map(n -> new Node(dir.mount(), n, path));
    }

    @Override
    protected FileType typeOf(Node node) throws IOException {
        return typeOf(node.mount().filesystem(), node.node());
    }

    /** The directory's own entries, plus the mount points directly under it that it does not list itself. */
    @Override
    protected List<DirEntry> entries(Node dir) throws IOException {
        List<DirEntry> own = entriesOf(dir.mount().filesystem(), dir.node());
        List<DirEntry> out = new ArrayList<>(own.size());
        Set<String> names = new LinkedHashSet<>();
        for (DirEntry e : own) {
            Optional<Mount> m = mountedAt(join(dir.path(), e.name()));
            out.add(m.isPresent() ? new DirEntry(e.name(), FileType.DIRECTORY, e.inode()) : e);
            names.add(e.name());
        }
        for (Mount m : mounts) {
            if (m == root) {
                continue;
            }
            int slash = m.point().lastIndexOf('/');
            String parent = slash == 0 ? "/" : m.point().substring(0, slash);
            String name = m.point().substring(slash + 1);
            if (parent.equals(dir.path()) && names.add(name)) {
                out.add(new DirEntry(name, FileType.DIRECTORY, -1));
            }
        }
        return out;
    }

    @Override
    protected FileAttributes attributesOf(Node node) throws IOException {
        return attributesOf(node.mount().filesystem(), node.node());
    }

    @Override
    protected String linkTarget(Node link) throws IOException {
        return linkTargetOf(link.mount().filesystem(), link.node());
    }

    @Override
    protected String followedTarget(Node link) throws IOException {
        return followedTargetOf(link.mount().filesystem(), link.node());
    }

    @Override
    protected ByteSource content(Node file, String path) throws IOException {
        return contentOf(file.mount().filesystem(), file.node(), path);
    }

    // The mounted filesystems' node types differ; each call below captures one of them.

    private static <N> Object rootOf(NodeFilesystem<N> fs) throws IOException {
        return fs.noting(fs::root);
    }

    @SuppressWarnings("unchecked")
    private static <N> Optional<?> childOf(NodeFilesystem<N> fs, Object dir, String name) throws IOException {
        return fs.noting(() -> fs.child((N) dir, name));
    }

    @SuppressWarnings("unchecked")
    private static <N> FileType typeOf(NodeFilesystem<N> fs, Object node) throws IOException {
        return fs.noting(() -> fs.typeOf((N) node));
    }

    @SuppressWarnings("unchecked")
    private static <N> List<DirEntry> entriesOf(NodeFilesystem<N> fs, Object dir) throws IOException {
        return fs.noting(() -> fs.entries((N) dir));
    }

    @SuppressWarnings("unchecked")
    private static <N> FileAttributes attributesOf(NodeFilesystem<N> fs, Object node) throws IOException {
        return fs.noting(() -> fs.attributesOf((N) node));
    }

    @SuppressWarnings("unchecked")
    private static <N> String linkTargetOf(NodeFilesystem<N> fs, Object node) throws IOException {
        return fs.noting(() -> fs.linkTarget((N) node));
    }

    @SuppressWarnings("unchecked")
    private static <N> String followedTargetOf(NodeFilesystem<N> fs, Object node) throws IOException {
        return fs.noting(() -> fs.followedTarget((N) node));
    }

    @SuppressWarnings("unchecked")
    private static <N> ByteSource contentOf(NodeFilesystem<N> fs, Object node, String path) throws IOException {
        return fs.noting(fs.noting(() -> fs.content((N) node, path)));
    }
}
