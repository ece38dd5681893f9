package io.vhdflow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer rules of docs/ARCHITECTURE.md, read from the sources: which package of the disk layer
 * may use which. A reference is an import or a fully qualified name in code.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.vhdflow(?:\\.[a-z0-9]+)+)\\.[A-Z]");
    /** Comments name packages for the reader; only code makes a dependency. */
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** package -> packages it references (itself excluded). */
    static Map<String, Set<String>> references(String under) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve(under.replace('.', '/')))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> refs = out.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(COMMENT.matcher(Files.readString(f)).replaceAll(""));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        refs.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void theDiskLayerHasNoPackageCycles() throws IOException {
        Map<String, Set<String>> refs = references("io.vhdflow.disk");
        List<String> cycles = new ArrayList<>();
        for (String a : refs.keySet()) {
            for (String b : refs.get(a)) {
                if (reaches(refs, b, a, new TreeSet<>())) {
                    cycles.add(a + " -> " + b + " -> ... -> " + a);
                }
            }
        }
        assertEquals(List.of(), cycles);
        assertTrue(refs.size() >= 10, "the scan found the disk layer's packages: " + refs.keySet());
    }

    @Test
    void theDiskLayerKnowsNothingAboveIt() throws IOException {
        references("io.vhdflow.disk").forEach((pkg, refs) -> refs.forEach(r -> assertTrue(r.startsWith("io.vhdflow.disk"),
                pkg + " uses " + r)));
    }

    @Test
    void partitionsAndLvmDoNotImportFilesystemsAndFilesystemsDoNotImportVolumes() throws IOException {
        Map<String, Set<String>> refs = references("io.vhdflow.disk");
        refs.forEach((pkg, r) -> {
            if (pkg.startsWith("io.vhdflow.disk.volume")) {
                r.forEach(x -> assertTrue(!x.startsWith("io.vhdflow.disk.fs"), pkg + " uses " + x));
            }
            if (pkg.startsWith("io.vhdflow.disk.fs")) {
                r.forEach(x -> assertTrue(!x.startsWith("io.vhdflow.disk.volume"), pkg + " uses " + x));
            }
        });
    }

    private static boolean reaches(Map<String, Set<String>> refs, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String n : refs.getOrDefault(from, Set.of())) {
            if (reaches(refs, n, to, seen)) {
                return true;
            }
        }
        return false;
    }
}
