package io.vhdflow.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing tool skips a test on a developer's machine and fails it in CI. */
class ExternalToolsTest {

    @Test
    void aMissingToolSkipsOutsideCiAndFailsInCi() {
        assertDoesNotThrow(() -> ExternalTools.require(true, "present", true));
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> ExternalTools.require(false, "qemu-img is not installed", false));
        assertEquals("qemu-img is not installed", skipped.getMessage());
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> ExternalTools.require(false, "qemu-img is not installed", true));
        assertTrue(failed.getMessage().startsWith("qemu-img is not installed; a CI run (VHDFLOW_CI=1) must not skip"),
                failed.getMessage());
    }

    @Test
    void ciIsMarkedByTheVariableCiRunExports() {
        assertTrue(ExternalTools.inCi(Map.of("VHDFLOW_CI", "1")));
        assertTrue(ExternalTools.inCi(Map.of("VHDFLOW_CI", "true")));
        assertFalse(ExternalTools.inCi(Map.of("VHDFLOW_CI", "0")));
        assertFalse(ExternalTools.inCi(Map.of("CI", "1")));
    }
}
