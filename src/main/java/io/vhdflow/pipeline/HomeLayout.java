package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The folders of a vhdflow home. All of them live on one filesystem so that taking a file in,
 * failing a job and finishing one are renames, never copies that could lose data half-way.
 */
public record HomeLayout(Path home) {

    public HomeLayout {
        home = home.toAbsolutePath().normalize();
    }

    /** Where ops drop VHDs to be processed as soon as they are complete. */
    public Path drop() {
        return home.resolve("drop");
    }

    /** Where VHDs wait for the scheduled batch run. */
    public Path batch() {
        return home.resolve("batch");
    }

    /** One folder per job in progress, holding the original until its backup is verified. */
    public Path work() {
        return home.resolve("work");
    }

    public Path backup() {
        return home.resolve("backup");
    }

    public Path packages() {
        return home.resolve("packages");
    }

    public Path failed() {
        return home.resolve("failed");
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
