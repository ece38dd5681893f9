package io.vhdflow.cli;

import io.vhdflow.pipeline.FileType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The check every command makes of an image path before opening it: it must exist and be a
 * regular file (a symbolic link the user names is followed to one). A FIFO would block the open, a
 * device would be read as if it were an image, a directory cannot be read: each is refused with
 * what it is, and nothing is opened.
 */
final class InputFile {
    private InputFile() {
    }

    /** {@code file}, when it is a readable regular file; otherwise the failure (exit 3) saying why. */
    static Path regular(Path file) {
        FileType type;
        try {
            type = FileType.of(file, true);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw CommandFailure.input("not-found", file.toString(), "is a symbolic link to nothing",
                        "point it at the image or name the image itself");
            }
            throw CommandFailure.ofInput(e, file);
        }
        switch (type) {
            case REGULAR -> {
                if (!Files.isReadable(file)) {
                    throw CommandFailure.input("permission-denied", file.toString(), "permission denied",
                            "make the file readable by this user");
                }
                return file;
            }
            case DIRECTORY -> throw CommandFailure.input("not-a-file", file.toString(),
                    "is a directory, not an image file", "name the image file itself");
            default -> throw CommandFailure.input("not-a-file", file.toString(), "is " + type.description()
                    + ", not a regular file; it was not opened", "copy the image into a regular file and name that");
        }
    }
}
