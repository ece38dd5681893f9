package io.vhdflow.pipeline.camel;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A read-only drop folder is said once, not on every poll, and said again only after a while. */
class DropFolderErrorsTest {
    @Test
    void aProblemRepeatedEveryPollIsOneLine() throws Exception {
        List<String> said = new ArrayList<>();
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        DropFolderErrors errors = new DropFolderErrors(Path.of("/nowhere"), said::add, now::get);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.getIn().setHeader(Exchange.FILE_NAME, "a.vhd");
            IOException readOnly = new IOException("cannot rename", new IOException("Read-only file system"));
            for (int i = 0; i < 60; i++) {
                errors.handleException("Cannot begin processing", exchange, readOnly);
                now.set(now.get().plusSeconds(1));
            }
            assertEquals(1, said.size(), said.toString());
            assertEquals("cannot take in drop/a.vhd: Read-only file system (drop/ must be readable and writable by "
                    + "vhdflow: files are moved out of it; they are taken in once it is)", said.get(0));

            now.set(now.get().plus(DropFolderErrors.REPEAT));
            errors.handleException("Cannot begin processing", exchange, readOnly);
            assertEquals(2, said.size());
            assertTrue(said.get(1).endsWith("; still so, 61 times since 2026-01-01T00:00:00Z"), said.get(1));

            errors.handleException("poll failed", null, new IOException("Permission denied"));
            assertEquals(3, said.size(), "another problem is said at once");
            assertTrue(said.get(2).startsWith("cannot take in the drop folder: Permission denied"), said.get(2));
        }
    }

    @Test
    void aFolderThatCannotBeListedSkipsThePollAndIsSaidOnceUntilItIsBack(@TempDir Path home) throws Exception {
        List<String> said = new ArrayList<>();
        Path drop = home.resolve("drop");
        DropFolderErrors errors = new DropFolderErrors(drop, said::add, Instant::now);
        for (int i = 0; i < 5; i++) {
            assertFalse(errors.begin(null, null), "no poll of a folder that cannot be listed");
        }
        assertEquals(List.of("cannot take in the drop folder: does not exist (create the folder, or restart vhdflow, "
                + "which creates it)"), said);
        Files.createDirectory(drop);
        assertTrue(errors.begin(null, null));
        Files.delete(drop);
        assertFalse(errors.begin(null, null));
        assertEquals(2, said.size(), "said again once the folder was back and went away again");
    }

    @Test
    void theHintFitsTheProblem() {
        List<String> said = new ArrayList<>();
        new DropFolderErrors(Path.of("/nowhere"), said::add, Instant::now)
                .handleException(new IOException("No space left on device"));
        assertTrue(said.get(0).contains("free space"), said.toString());
        assertEquals(Duration.ofMinutes(10), DropFolderErrors.REPEAT);
    }
}
