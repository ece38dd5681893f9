package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What kind of file-system object a path is, read from its attributes without opening it: opening
 * a FIFO blocks until a writer comes, opening a device reads the device, so a path that is not a
 * regular file must be refused before anything opens it.
 */
public enum FileType {
    REGULAR("a regular file"),
    DIRECTORY("a directory"),
    SYMBOLIC_LINK("a symbolic link"),
    FIFO("a FIFO (named pipe)"),
    SOCKET("a socket"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    OTHER("not a regular file");

    /** The file-type bits of {@code st_mode} (POSIX {@code S_IFMT}) and their values. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private final String description;

    FileType(String description) {
        this.description = description;
    }

    /** "a FIFO (named pipe)", "a directory", ... */
    public String description() {
        return description;
    }

    /**
     * The type of {@code path}; with {@code follow} false a symbolic link is reported as
     * {@link #SYMBOLIC_LINK} (the {@code O_NOFOLLOW} view intake takes of the drop folder).
     *
     * @throws IOException when the path does not exist or its attributes cannot be read
     */
    public static FileType of(Path path, boolean follow) throws IOException {
        LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, options);
        if (a.isRegularFile()) {
            return REGULAR;
        }
        if (a.isDirectory()) {
            return DIRECTORY;
        }
        if (a.isSymbolicLink()) {
            return SYMBOLIC_LINK;
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", options);
            return switch (mode & S_IFMT) {
                case S_IFIFO -> FIFO;
                case S_IFSOCK -> SOCKET;
                case S_IFCHR -> CHARACTER_DEVICE;
                case S_IFBLK -> BLOCK_DEVICE;
                default -> OTHER;
            };
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // No "unix" attribute view on this platform: the kind of special file stays unnamed.
            return OTHER;
        }
    }
}
