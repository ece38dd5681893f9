package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The folders of a vhdflow home. The data folders (drop, batch, work, backup, packages, failed)
 * all live on one filesystem so that taking a file in, failing a job and finishing one are renames,
 * never copies that could lose data half-way. They are in the home itself, or, when several
 * workers share them, in the shared {@code data} folder, while each node keeps its own home
 * (configuration, home lock, embedded database).
 *
 * @param home the node's own folder
 * @param data the folder holding the data folders: the home, or the shared data folder
 */
public record HomeLayout(Path home, Path data) {

    public HomeLayout {
        home = home.toAbsolutePath().normalize();
        data = data.toAbsolutePath().normalize();
    }

    /** A home holding its own data folders (one node). */
    public HomeLayout(Path home) {
        this(home, home);
    }

    /** Where ops drop VHDs to be processed as soon as they are complete. */
    public Path drop() {
        return data.resolve("drop");
    }

    /** Where VHDs wait for the scheduled batch run. */
    public Path batch() {
        return data.resolve("batch");
    }

    /** One folder per job in progress, holding the original until its backup is verified. */
    public Path work() {
        return data.resolve("work");
    }

    public Path backup() {
        return data.resolve("backup");
    }

    public Path packages() {
        return data.resolve("packages");
    }

    public Path failed() {
        return data.resolve("failed");
    }

    public Path database() {
        return home.resolve("vhdflow.db");
    }

    public Path jobWork(String jobId) {
        return within(work(), jobId);
    }

    public Path jobFailed(String jobId) {
        return within(failed(), jobId);
    }

    /** All folders that must exist and be writable for the service to work. */
    public List<Path> folders() {
        return List.of(drop(), batch(), work(), backup(), packages(), failed());
    }

    public HomeLayout create() throws IOException {
        Files.createDirectories(home);
        for (Path p : folders()) {
            Files.createDirectories(p);
        }
        return this;
    }

    /**
     * {@code base/name}, refusing any name that would escape {@code base} (names come from job ids
     * and image names, which are validated, but a write outside the home must be impossible).
     */
    public static Path within(Path base, String name) {
        Path p = base.resolve(name).normalize();
        if (!p.getParent().equals(base.normalize()) || name.isEmpty() || name.startsWith(".")) {
            throw new IllegalArgumentException("'" + name + "' is not a plain folder name inside " + base);
        }
        return p;
    }
}
