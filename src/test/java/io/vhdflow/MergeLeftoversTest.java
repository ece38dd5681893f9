package io.vhdflow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No merge-conflict markers in the sources, routes, scripts or documents: a marker that survives a
 * rebase in a README or a route file compiles and passes every other test.
 */
class MergeLeftoversTest {

    @Test
    void noTextFileHoldsAConflictMarker() throws IOException {
        List<String> found = new ArrayList<>();
        for (String root : List.of("README.md", "docs", "routes", "src/main", "src/test/java", "bench", "fixtures", ".ci")) {
            Path start = Path.of(root);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    scan(f, found);
                }
            }
        }
        assertEquals(List.of(), found);
    }

    private static void scan(Path file, List<String> found) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (MalformedInputException binary) {
            return; // not text (a compressed fixture)
        }
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("<<<<<<< ") || l.startsWith(">>>>>>> ")) {
                found.add(file + ":" + (i + 1) + ": " + l);
            }
        }
    }
}
