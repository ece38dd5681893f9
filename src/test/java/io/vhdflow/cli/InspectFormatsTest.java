package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code inspect --json}, {@code vhd info --json} and {@code vhd check} on the ready Debian
 * sample in every format vhdflow reads besides VHD, each named as it would not be (the content,
 * never the name, tells the format).
 */
class InspectFormatsTest {

    @ParameterizedTest
    @CsvSource({"linux.vhdx, vhdx, disk.img", "linux.qcow2, qcow2, disk.vhd", "linux.vmdk, vmdk, disk.raw",
            "linux.ova, ova, disk.ova"})
    void inspectJsonPrintsTheVerdictForEveryFormat(String fixture, String format, String as, @TempDir Path dir)
            throws Exception {
        Path p = Files.move(Fixtures.extract("containers/" + fixture + ".zst", dir), dir.resolve(as));
        Cli.Run r = Cli.run("inspect", "--json", p.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(ExitCode.OK, r.exit(), r.err() + r.out());
        assertEquals("ready", j.path("verdict").asText(), r.out());
        assertEquals(format, j.at("/facts/format").asText());
        assertEquals(64L << 20, j.at("/facts/virtualSize").asLong());
        assertEquals("linux", j.at("/facts/osType").asText().toLowerCase(java.util.Locale.ROOT));

        Cli.Run info = Cli.run("vhd", "info", "--json", p.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(new ObjectMapper().readTree(info.out()).has(format), info.out());

        Cli.Run check = Cli.run("vhd", "check", p.toString());
        assertEquals(1, check.exit(), "not a fixed VHD as it is: " + check.out());
        assertTrue(check.out().contains("G5  pass "), check.out());
    }
}
