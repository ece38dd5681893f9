package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parent chain being opened (differencing VHDX, qcow2 backing files): how deep it is, which
 * files it already holds (a loop is refused), and where a parent may be looked for.
 *
 * <p>A parent is only ever looked for beside its child: the name it is recorded under, when that
 * is a relative path staying inside the child's folder, and its bare file name in the child's
 * folder. An absolute path or one leading out of the folder is never opened as given, so an image
 * cannot make vhdflow read an arbitrary file of the host as its "parent" (and put it into a
 * package).
 *
 * @param depth   how many children lie below the image being opened
 * @param seen    real paths of the images opened so far in this chain
 * @param archive whether the image is a member of an archive (an OVA), where no parent can be looked for
 */
record ImageChain(int depth, Set<Path> seen, boolean archive) {

    static ImageChain start() {
        return new ImageChain(0, new HashSet<>(), false);
    }

    /** The chain of a disk inside an archive: it may have no parent. */
    static ImageChain inArchive() {
        return new ImageChain(0, new HashSet<>(), true);
    }

    /**
     * Registers {@code child} as part of the chain before its parent is opened.
     *
     * @throws DiskException when the chain is too deep or loops back
     */
    ImageChain below(Path child, String structure, long offset) throws IOException {
        if (archive) {
            throw new DiskException(ErrorKind.UNSUPPORTED, structure, offset, child.getFileName() + " is a differencing"
                    + " disk (it has a parent or backing file) inside an archive, where no parent can be found; export"
                    + " the VM with its disks consolidated");
        }
        if (depth >= DiskImages.MAX_CHAIN_DEPTH) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, "parent chain deeper than "
                    + DiskImages.MAX_CHAIN_DEPTH + " images at " + child.getFileName());
        }
        Path real = child.toRealPath();
        if (!seen.add(real)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, offset, "the parent chain loops back to " + real);
        }
        return new ImageChain(depth + 1, seen, false);
    }

    /** Where a parent recorded as {@code recorded} may be, beside {@code child}; existing regular files only. */
    static List<Path> candidates(Path child, String recorded) {
        Path folder = child.toAbsolutePath().getParent();
        Set<Path> out = new LinkedHashSet<>();
        String p = recorded.replace('\\', '/');
        boolean absolute = p.startsWith("/") || (p.length() >= 2 && Character.isLetter(p.charAt(0)) && p.charAt(1) == ':');
        try {
            if (!absolute && !p.isEmpty() && !p.contains(":")) {
                Path rel = folder.resolve(p).normalize();
                if (rel.getParent() != null && rel.startsWith(folder)) {
                    out.add(rel);
                }
            }
            String name = p.substring(p.lastIndexOf('/') + 1);
            if (!name.isEmpty() && !name.equals(".") && !name.equals("..")) {
                out.add(folder.resolve(name));
            }
        } catch (IllegalArgumentException e) {
            // A name that is no usable path is simply not a candidate.
        }
        List<Path> existing = new ArrayList<>();
        for (Path c : out) {
            if (Files.isRegularFile(c, LinkOption.NOFOLLOW_LINKS)) {
                existing.add(c);
            }
        }
        return existing;
    }

    /** Opens {@code parent} as the next image of this chain, in {@code forced} format when given. */
    DiskImage open(Path parent, Optional<DiskFormat> forced) throws IOException {
        return DiskImages.open(parent, this, forced);
    }
}
