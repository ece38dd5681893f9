package io.vhdflow.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The journal's transitions, named ({@code BACKUP.started}, {@code PACKAGE.done},
 * {@code REGISTER.registered}, {@code job.DONE}, ...), as points where the crash tests stop the
 * service to kill it: with the system property {@value #PROPERTY} naming a point, the thread that
 * reaches it for a job this process took in (after the transition is committed) writes
 * {@code <home>/crash-point} and waits for ever, so the test's {@code kill -9} lands exactly there
 * rather than after a guessed sleep; jobs resumed from an earlier process pass freely, so one
 * restart both finishes the last crash's job and stops a new one. Off (nothing happens) in every
 * other case.
 */
public final class CrashPoints {
    public static final String PROPERTY = "vhdflow.test.pause-at";
    public static final String MARKER = "crash-point";

    private final Optional<String> pauseAt;
    private final Path marker;
    private final Set<String> takenInHere = ConcurrentHashMap.newKeySet();

    private CrashPoints(Optional<String> pauseAt, Path marker) {
        this.pauseAt = pauseAt;
        this.marker = marker;
    }

    public static CrashPoints none() {
        return new CrashPoints(Optional.empty(), Path.of(MARKER));
    }

    /** The point named by {@value #PROPERTY}, if any, for the service of {@code home}. */
    public static CrashPoints fromSystemProperty(HomeLayout home) {
        return new CrashPoints(Optional.ofNullable(System.getProperty(PROPERTY)).filter(p -> !p.isBlank()),
                home.home().resolve(MARKER));
    }

    /** A job created by this process: the one a pause applies to. */
    public void created(String jobId) {
        if (pauseAt.isPresent()) {
            takenInHere.add(jobId);
        }
    }

    /** Called after a transition is committed; pauses this thread for ever at the chosen point. */
    public void reached(String jobId, String point) {
        if (pauseAt.isEmpty() || !pauseAt.get().equals(point) || !takenInHere.contains(jobId)) {
            return;
        }
        try {
            Path tmp = marker.resolveSibling(MARKER + ".tmp");
            Files.writeString(tmp, point, StandardCharsets.UTF_8);
            Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (true) {
            LockSupport.park(this);
        }
    }
}
