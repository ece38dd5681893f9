package io.vhdflow.inspect;

import io.vhdflow.inspect.disk.DiskCheck;
import io.vhdflow.inspect.linux.LinuxCheck;
import io.vhdflow.inspect.windows.WindowsCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/checks.md lists exactly the registered checks, as the code describes them. */
class CheckCatalogueDocumentTest {

    @Test
    void theDocumentedTableIsTheGeneratedOne() throws IOException {
        String doc = Files.readString(Path.of("docs/checks.md"));
        int begin = doc.indexOf(CheckCatalogue.BEGIN);
        int end = doc.indexOf(CheckCatalogue.END);
        assertTrue(begin >= 0 && end > begin, "docs/checks.md has the generated table's markers");
        String documented = doc.substring(begin, end + CheckCatalogue.END.length()) + "\n";
        String generated = CheckCatalogue.markdown(CheckCatalog.standard());
        if (!documented.equals(generated)) {
            Path wanted = Path.of("target/checks-table.md");
            Files.writeString(wanted, generated);
            assertEquals(generated, documented, "docs/checks.md is out of date: replace its table with "
                    + wanted.toAbsolutePath() + " (or the output of 'vhdflow checks --markdown')");
        }
    }

    @Test
    void everyCheckIsRegisteredOnceWithEverythingTheCatalogueNeeds() {
        CheckCatalog c = CheckCatalog.standard();
        Set<String> ids = new HashSet<>();
        for (Check<?> check : c.checks()) {
            assertTrue(ids.add(check.id()), "one class per id: " + check.id());
            assertFalse(check.title().isBlank(), check.id());
            assertFalse(check.reads().isBlank(), check.id() + " says what it reads");
            assertFalse(check.source().isBlank(), check.id() + " names its source");
            for (Policy p : Policy.values()) {
                assertTrue(check.severity(p) != null, check.id());
            }
        }
        assertTrue(c.checks(DiskCheck.class).size() >= 9, "G1-G8 and W4");
        assertTrue(c.checks(LinuxCheck.class).size() >= 16);
        assertTrue(c.checks(WindowsCheck.class).size() >= 8);
        assertEquals(List.of(10, 20), c.inspectors().stream().map(OsInspector::order).toList(),
                "the Windows and Linux inspectors, Windows first");
    }

    @Test
    void everyCheckIdHasItsEntryAndEverySourcePointsToIt() throws IOException {
        String doc = Files.readString(Path.of("docs/checks.md"));
        for (Check<?> c : CheckCatalog.standard().checks()) {
            String anchor = c.id().toLowerCase(java.util.Locale.ROOT);
            assertTrue(c.source().endsWith("docs/checks.md#" + anchor), c.id() + " source points to its entry: " + c.source());
            assertFalse(c.source().contains("anchors"), c.id() + " cites nothing outside the repository");
            assertTrue(doc.contains("<a id=\"" + anchor + "\"></a>"), "docs/checks.md has an entry for " + c.id());
        }
        assertFalse(doc.toLowerCase(java.util.Locale.ROOT).contains("anchors"), "docs/checks.md is self-contained");
    }

    @Test
    void theSecretRulesTableIsTheGeneratedOne() throws IOException {
        String doc = Files.readString(Path.of("docs/checks.md"));
        int begin = doc.indexOf(io.vhdflow.inspect.secrets.SecretRuleCatalogue.BEGIN);
        int end = doc.indexOf(io.vhdflow.inspect.secrets.SecretRuleCatalogue.END);
        assertTrue(begin >= 0 && end > begin, "docs/checks.md has the secret rules' markers");
        String documented = doc.substring(begin, end + io.vhdflow.inspect.secrets.SecretRuleCatalogue.END.length()) + "\n";
        String generated = io.vhdflow.inspect.secrets.SecretRuleCatalogue.markdown();
        if (!documented.equals(generated)) {
            Path wanted = Path.of("target/secret-rules-table.md");
            Files.writeString(wanted, generated);
            assertEquals(generated, documented, "docs/checks.md's rules are out of date: replace them with "
                    + wanted.toAbsolutePath() + " (or the output of 'vhdflow checks --markdown')");
        }
    }

    @Test
    void idsSortAsPeopleReadThem() {
        List<String> ids = new java.util.ArrayList<>(List.of("L10", "L6B", "L7", "L6", "L1", "L7K"));
        ids.sort(CheckCatalog::byId);
        assertEquals(List.of("L1", "L6", "L6B", "L7", "L7K", "L10"), ids);
    }
}
