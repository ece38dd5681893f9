package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.testing.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the registry fixtures (made by fixtures/make-hives.sh) once per test JVM. */
final class HiveFixtures {
    private static final Map<String, byte[]> BYTES = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Map<String, String>>> EXPORTS = new ConcurrentHashMap<>();

    private HiveFixtures() {
    }

    /** The bytes of {@code registry/<name>.zst}; a fresh copy each call, free to damage. */
    static byte[] bytes(String name) {
        return BYTES.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("regf-fixture");
                Path p = Fixtures.extract("registry/" + n + ".zst", dir);
                byte[] b = Files.readAllBytes(p);
                Files.delete(p);
                Files.delete(dir);
                return b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).clone();
    }

    static ByteArraySource source(String name) {
        return new ByteArraySource(bytes(name), name);
    }

    /** hivexregedit --export output recorded when the fixture was made, parsed. */
    static Map<String, Map<String, String>> export(String name, String prefix) {
        return EXPORTS.computeIfAbsent(name + "|" + prefix,
                k -> RegExport.parse(new String(bytes(name), java.nio.charset.StandardCharsets.UTF_8), prefix));
    }
}
