package io.vhdflow.inspect.windows;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/checks.md's W9 table is the table ServiceStartTypesCheck applies, row for row. */
class ServiceTableDocumentTest {

    @Test
    void theDocumentedServiceTableIsTheCheckedOne() throws IOException {
        String doc = Files.readString(Path.of("docs/checks.md"));
        int at = doc.indexOf("**W9: the services and their start types.**");
        assertTrue(at >= 0, "docs/checks.md documents W9's services");
        String header = "| service | name | start type (`Start`) |\n|---|---|---|\n";
        int table = doc.indexOf(header, at);
        assertTrue(table > at, "the W9 table follows its heading");
        List<String> rows = doc.substring(table + header.length()).lines().takeWhile(l -> l.startsWith("|")).toList();
        List<String> wanted = ServiceStartTypesCheck.EXPECTED.stream()
                .map(s -> "| " + s.service() + " | " + s.displayName() + " | " + WindowsCheck.startType(s.start()) + " |").toList();
        assertEquals(wanted, rows);
    }
}
