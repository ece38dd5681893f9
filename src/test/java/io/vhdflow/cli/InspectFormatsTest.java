package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static final Pattern CLASS_NAME = Pattern.compile("(Exception\\b|java\\.|io\\.vhdflow\\.|\\tat )");

    /**
     * Every way the new readers refuse an image, through every command that reads one, with
     * {@code --json}: exit 3, the error as JSON on stdout naming its kind, the structure and the
     * byte, nothing on stderr and no Java class name; without {@code --json}, one line in the error
     * style on stderr.
     */
    @Test
    void everyRefusalOfTheNewReadersIsJsonWithExitThree(@TempDir Path dir) throws Exception {
        Map<String, String[]> inputs = new LinkedHashMap<>();
        Path vhdx = Files.move(Fixtures.extract("containers/fixed.vhdx.zst", dir), dir.resolve("bad-headers.vhdx"));
        byte[] b = Files.readAllBytes(vhdx);
        b[(64 << 10) + 4] ^= 0x5a;
        b[(128 << 10) + 4] ^= 0x5a;
        Files.write(vhdx, b);
        inputs.put("bad-headers.vhdx", new String[] {"corrupt", "VHDX header"});
        Path ova = Fixtures.extract("containers/linux.ova.zst", dir);
        byte[] o = Files.readAllBytes(ova);
        Files.write(dir.resolve("cut.ova"), java.util.Arrays.copyOf(o, o.length / 2));
        inputs.put("cut.ova", new String[] {"truncated", "OVA tar headers"});
        Files.move(Fixtures.extract("containers/luks-head.qcow2.zst", dir), dir.resolve("luks.img"));
        inputs.put("luks.img", new String[] {"encrypted", "qcow2"});
        Files.move(Fixtures.extract("containers/child.qcow2.zst", dir), dir.resolve("orphan.qcow2"));
        inputs.put("orphan.qcow2", new String[] {"not-found", "qcow2 backing file"});
        Files.move(Fixtures.extract("containers/split.vmdk.zst", dir), dir.resolve("pieces-missing.vmdk"));
        inputs.put("pieces-missing.vmdk", new String[] {"not-found", "VMDK"});
        Files.move(Fixtures.extract("containers/tiny.vdi.zst", dir), dir.resolve("vbox.vhd"));
        inputs.put("vbox.vhd", new String[] {"unsupported", "VDI"});

        for (Map.Entry<String, String[]> in : inputs.entrySet()) {
            String file = dir.resolve(in.getKey()).toString();
            Path out = dir.resolve("out-" + in.getKey() + ".vhd");
            for (List<String> command : List.of(List.of("inspect", "--json", file), List.of("vhd", "info", "--json", file),
                    List.of("vhd", "map", "--json", file), List.of("vhd", "convert", "--json", file, out.toString()))) {
                String what = in.getKey() + " " + command.subList(0, command.size() - (command.get(1).equals("convert") ? 2 : 1));
                Cli.Run r = Cli.run(command.toArray(String[]::new));
                assertEquals(ExitCode.INPUT_INVALID, r.exit(), what + ": " + r.out() + r.err());
                assertEquals("", r.err(), what + ": nothing on stderr");
                JsonNode error = new ObjectMapper().readTree(r.out()).path("error");
                assertEquals(in.getValue()[0], error.path("kind").asText(), what + ": " + r.out());
                assertTrue(error.path("message").asText().contains(in.getValue()[1]), what + ": " + r.out());
                assertTrue(error.path("message").asText().contains(" at byte "), what + ": names the byte: " + r.out());
                assertFalse(error.path("hint").asText().isBlank(), what + ": " + r.out());
                assertFalse(CLASS_NAME.matcher(r.out()).find(), what + ": " + r.out());
                assertFalse(Files.exists(out), what + ": no output left behind");

                Cli.Run text = Cli.run(command.stream().filter(a -> !a.equals("--json")).toArray(String[]::new));
                assertEquals(ExitCode.INPUT_INVALID, text.exit(), what);
                assertTrue(text.err().startsWith("vhdflow: ") && text.err().strip().lines().count() == 1, what + ": "
                        + text.err());
                assertEquals("", text.out(), what);
            }
        }
    }
}
