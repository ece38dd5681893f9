package io.vhdflow.inspect.windows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * W1 shows what a Sysprep run left in SYSTEM when it disagrees with ImageState (the e2e
 * 'specialized' image covers GeneralizationState 7 beside IMAGE_STATE_COMPLETE). system.hive
 * (hivex, fixtures/registry/system.reg) is a running machine's: Setup\SystemSetupInProgress = 0.
 */
class SysprepLeftoversTest {
    @TempDir
    Path dir;

    @Test
    void setupNotInProgressDisagreesWithAResealedImageOnly() throws IOException {
        WindowsSystem w = WindowsImages.tree(Optional.of(WindowsImages.hive("system.hive", dir)), Map.of());
        assertEquals(List.of("t:SYSTEM\\Setup\\SystemSetupInProgress = 0 disagrees with ImageState "
                        + "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE: a resealed image has Windows Setup to run at its next boot (1)"),
                ImageStateCheck.leftovers(w, ImageStateCheck.GENERALIZED));
        assertEquals(List.of(), ImageStateCheck.leftovers(w, "IMAGE_STATE_COMPLETE"));
        assertEquals(List.of(), ImageStateCheck.leftovers(WindowsImages.tree(Optional.empty(), Map.of()), ImageStateCheck.GENERALIZED),
                "nothing to show without a SYSTEM hive");
    }
}
