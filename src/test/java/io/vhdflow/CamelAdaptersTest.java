package io.vhdflow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Camel is only wiring (docs/ARCHITECTURE.md): the pipeline's and the API's services are plain
 * Java, and only their {@code camel} sub-packages (the adapters) use Camel.
 */
class CamelAdaptersTest {
    private static final Path MAIN = Path.of("src/main/java/io/vhdflow");

    @Test
    void onlyTheAdapterPackagesUseCamel() throws IOException {
        for (String layer : List.of("pipeline", "ops")) {
            List<Path> sources;
            try (Stream<Path> files = Files.list(MAIN.resolve(layer))) {
                sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            }
            assertTrue(sources.size() >= 8, layer + ": " + sources);
            List<Path> usingCamel = sources.stream().filter(CamelAdaptersTest::usesCamel).toList();
            assertEquals(List.of(), usingCamel, "plain services in " + layer + " must not use Camel");
            try (Stream<Path> adapters = Files.list(MAIN.resolve(layer).resolve("camel"))) {
                assertTrue(adapters.anyMatch(CamelAdaptersTest::usesCamel), layer + ".camel adapts to Camel");
            }
        }
    }

    private static boolean usesCamel(Path source) {
        try {
            return Files.readString(source).contains("org.apache.camel");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
