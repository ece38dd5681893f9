package io.vhdflow.ops.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vhdflow's log backend: levels, quiet libraries, text lines without stack traces below debug, JSON lines. */
class ConsoleLoggerFactoryTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ConsoleLoggerFactory factory = new ConsoleLoggerFactory(new PrintStream(bytes, true,
            StandardCharsets.UTF_8));

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void isTheBackendSlf4jUses() {
        assertTrue(ConsoleLoggerFactory.current().isPresent(), LoggerFactory.getILoggerFactory().getClass().getName());
    }

    @Test
    void textIsOneLinePerRecordWithTheExceptionSummarisedBelowDebug() {
        Logger log = factory.getLogger("io.vhdflow.pipeline.IntakeService");
        log.info("took in {} ({} bytes)", "a.vhd", 42);
        log.debug("not written at info");
        log.warn("cannot read the drop folder", new IOException("Permission denied", new IllegalStateException("x")));
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-Z][0-9]* \\[.+] INFO "
                + "IntakeService - took in a\\.vhd \\(42 bytes\\)"), lines.get(0));
        assertTrue(lines.get(1).endsWith("WARN IntakeService - cannot read the drop folder (IOException: Permission "
                + "denied; caused by IllegalStateException: x; --log-level debug shows the stack trace)"), lines.get(1));

        bytes.reset();
        factory.configure(new LogSettings(Level.DEBUG, LogFormat.TEXT));
        log.warn("again", new IOException("Permission denied"));
        assertTrue(lines().size() > 2, "at debug, the stack trace follows");
        assertTrue(lines().get(1).startsWith("java.io.IOException: Permission denied"), lines().toString());
    }

    @Test
    void librariesStayQuietUnlessTheyWarn() {
        factory.getLogger("org.quartz.core.QuartzScheduler").info("Scheduler started");
        factory.getLogger("org.apache.camel.component.platform.http.main.MainHttpServerUtil").info("http://0.0.0.0:8080/");
        factory.getLogger("org.apache.camel.component.quartz.QuartzEndpoint").info("Job is scheduled");
        factory.getLogger("org.quartz.core.QuartzScheduler").warn("misfire");
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).endsWith("WARN QuartzScheduler - misfire"));
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        factory.configure(new LogSettings(Level.INFO, LogFormat.JSON));
        Logger log = factory.getLogger("io.vhdflow.ops.camel.StartupSummary");
        log.info("batch: \"disabled\"\nsecond line");
        log.error("failed", new IOException("disk full"));
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        JsonNode first = Json.mapper().readTree(lines.get(0));
        assertEquals("INFO", first.path("level").asText());
        assertEquals("io.vhdflow.ops.camel.StartupSummary", first.path("logger").asText());
        assertEquals("batch: \"disabled\"\nsecond line", first.path("message").asText());
        assertFalse(first.path("time").asText().isBlank());
        JsonNode second = Json.mapper().readTree(lines.get(1));
        assertEquals("disk full", second.path("error").asText());
        assertTrue(second.path("stack").asText().startsWith("java.io.IOException: disk full"));
    }
}
