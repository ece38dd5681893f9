package io.vhdflow.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 22 item 2: a read lock left by a killed service must not hide a file from intake for ever. */
class HomeLockTest {
    @TempDir
    Path dir;

    @Test
    void takingTheHomeClearsReadLocksLeftByADeadProcessAndNothingElse() throws Exception {
        HomeLayout home = new HomeLayout(dir);
        Files.createDirectories(home.drop());
        Path image = Files.writeString(home.drop().resolve("web.vhd"), "data");
        Path stale = Files.writeString(home.drop().resolve("web.vhd.camelLock"), "");
        Path elsewhere = Files.writeString(dir.resolve("outside.camelLock"), "keep");
        Path link = Files.createSymbolicLink(home.drop().resolve("link.vhd.camelLock"), elsewhere);
        try (HomeLock lock = HomeLock.acquire(home)) {
            assertFalse(Files.exists(stale), "the stale marker is gone");
            assertTrue(Files.isRegularFile(image), "the image stays");
            assertTrue(Files.isSymbolicLink(link) && Files.exists(elsewhere), "a link is not followed or removed");
            // While the home is held, another service cannot take it, so it never clears a live marker.
            Path live = Files.writeString(home.drop().resolve("db.vhd.camelLock"), "");
            assertThrows(HomeLock.HeldException.class, () -> HomeLock.acquire(home));
            assertTrue(Files.exists(live), "a marker of the running service is kept");
        }
    }
}
