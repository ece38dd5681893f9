package io.vhdflow.pipeline;

import io.vhdflow.pipeline.EffectiveSettings.Origin;
import io.vhdflow.pipeline.EffectiveSettings.Problem;
import io.vhdflow.pipeline.EffectiveSettings.Setting;
import io.vhdflow.pipeline.EffectiveSettings.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict configuration: every problem at once, each with its key, file and line, bad value and the nearest valid one. */
class SettingsLoaderTest {
    @TempDir
    Path dir;

    private EffectiveSettings read(String fileText, Map<String, String> env, List<Setting> flags) throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), fileText);
        List<Setting> all = new java.util.ArrayList<>(flags);
        all.add(new Setting("vhdflow.home", dir.toString(), Origin.flag("--home")));
        return SettingsLoader.read(Optional.of(file), env, all);
    }

    private static Problem problem(EffectiveSettings s, String key) {
        return s.problems().stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no problem for " + key + " in " + s.problems()));
    }

    @Test
    void everyProblemIsReportedAtOnceWithFileLineValueAndSuggestion() throws Exception {
        EffectiveSettings s = read(String.join("\n",
                "# comment",
                "vhdflow.pipeline.concurency=4",
                "vhdflow.http.port = 70000",
                "vhdflow.intake.settle-ms=soon",
                "vhdflow.verify.policy=azure",
                "vhdflow.verify.not-generalized=Specialised",
                "vhdflow.batch.cron=0 0 25 * * ?",
                "vhdflow.package.archive=yes",
                "vhdflow.verify.waivers=L3,W55",
                "vhdflow.catalog.gallery=my gallery",
                "vhdflow.upload.container=Bad_Container",
                "vhdflow.dir.drop=/elsewhere",
                ""), Map.of(), List.of());
        assertEquals(11, s.problems().size(), s.problems().toString());
        Path file = dir.resolve("application.properties").toAbsolutePath();

        Problem unknown = problem(s, "vhdflow.pipeline.concurency");
        assertEquals(Origin.file(file, 2), unknown.origin());
        assertEquals(Optional.of("vhdflow.pipeline.concurrency"), unknown.suggestion());
        assertEquals(file + " line 2: vhdflow.pipeline.concurency=4: is not a vhdflow setting (did you mean "
                + "vhdflow.pipeline.concurrency?)", unknown.describe());

        assertEquals("must be a whole number from 1 to 65535", problem(s, "vhdflow.http.port").problem());
        assertEquals(3, problem(s, "vhdflow.http.port").origin().line());
        assertEquals("soon", problem(s, "vhdflow.intake.settle-ms").value());
        assertEquals(Optional.of("azure-platform"), problem(s, "vhdflow.verify.policy").suggestion());
        assertEquals(Optional.of("specialized"), problem(s, "vhdflow.verify.not-generalized").suggestion());
        assertTrue(problem(s, "vhdflow.batch.cron").problem().startsWith("is not a Quartz cron expression"));
        assertEquals("must be true or false", problem(s, "vhdflow.package.archive").problem());
        assertTrue(problem(s, "vhdflow.verify.waivers").problem().contains("W55"));
        assertTrue(problem(s, "vhdflow.catalog.gallery").problem().contains("gallery name 'my gallery'"));
        assertTrue(problem(s, "vhdflow.upload.container").problem().contains("Azure container name"));
        assertTrue(problem(s, "vhdflow.dir.drop").problem().contains("derived from vhdflow.home"));

        EffectiveSettings.InvalidSettingsException e = assertThrows(EffectiveSettings.InvalidSettingsException.class,
                s::validProperties);
        assertEquals(11, e.problems().size());
    }

    @Test
    void theBlobFetchSettingsAreCheckedLikeEveryOther() throws Exception {
        EffectiveSettings s = read(String.join("\n",
                "vhdflow.fetch.parallelism=0",
                "vhdflow.fetch.allowed-hosts=.blob.example.com, bad host!",
                ""), Map.of(), List.of());
        assertEquals(2, s.problems().size(), s.problems().toString());
        assertEquals("must be a whole number from 1 to 64", problem(s, "vhdflow.fetch.parallelism").problem());
        assertTrue(problem(s, "vhdflow.fetch.allowed-hosts").problem().contains("\"bad host!\" is not one"),
                problem(s, "vhdflow.fetch.allowed-hosts").problem());
        EffectiveSettings ok = read("vhdflow.fetch.parallelism=8\nvhdflow.fetch.allowed-hosts=.blob.example.com,"
                + "storage.contoso.net\n", Map.of(), List.of());
        assertEquals(List.of(), ok.problems());
    }

    @Test
    void eachValueKeepsItsOriginAndLaterSourcesWin() throws Exception {
        EffectiveSettings s = read("vhdflow.pipeline.concurrency=3\nvhdflow.backup.retention=5\n",
                Map.of("VHDFLOW_BACKUP_RETENTION", "7", "VHDFLOW_CI", "1", "PATH", "/bin"),
                List.of(new Setting("vhdflow.http.port", "9000", Origin.flag("--port"))));
        assertEquals(List.of(), s.problems());
        assertEquals(new Origin(Source.FILE, dir.resolve("application.properties").toAbsolutePath().toString(), 1),
                s.get("vhdflow.pipeline.concurrency").orElseThrow().origin());
        assertEquals("7", s.get("vhdflow.backup.retention").orElseThrow().value());
        assertEquals(Origin.environment("VHDFLOW_BACKUP_RETENTION"), s.get("vhdflow.backup.retention").orElseThrow().origin());
        assertEquals(Origin.flag("--port"), s.get("vhdflow.http.port").orElseThrow().origin());
        assertEquals(Origin.DEFAULT, s.get("vhdflow.intake.poll-ms").orElseThrow().origin());
        assertEquals(Source.DERIVED, s.get("vhdflow.dir.drop").orElseThrow().origin().source());
        assertEquals(dir.resolve("drop").toAbsolutePath().toString(), s.properties().getProperty("vhdflow.dir.drop"));
        assertEquals("environment VHDFLOW_BACKUP_RETENTION", s.get("vhdflow.backup.retention").orElseThrow()
                .origin().describe());
    }

    @Test
    void aMisspeltEnvironmentVariableIsAProblemOtherToolsVariablesAreNot() throws Exception {
        EffectiveSettings s = read("", Map.of("VHDFLOW_PIPELINE_CONCURENCY", "4", "VHDFLOW_JAVA_OPTS", "-Xmx1g"),
                List.of());
        assertEquals(1, s.problems().size(), s.problems().toString());
        Problem p = s.problems().get(0);
        assertEquals("VHDFLOW_PIPELINE_CONCURENCY", p.key());
        assertEquals(Optional.of("VHDFLOW_PIPELINE_CONCURRENCY"), p.suggestion());
        assertEquals("environment VHDFLOW_PIPELINE_CONCURENCY", p.origin().describe());
    }

    @Test
    void aKeySetTwiceContinuationLinesAndEscapesKeepTheirLines() throws Exception {
        EffectiveSettings s = read(String.join("\n",
                "vhdflow.catalog.publisher = \\",
                "    contoso",
                "",
                "vhdflow.verify.waivers=L3,\\",
                "  W5",
                "vhdflow.catalog.publisher=fabrikam",
                ""), Map.of(), List.of());
        assertEquals(1, s.problems().size(), s.problems().toString());
        assertTrue(s.problems().get(0).problem().contains("set again (first on line 1)"), s.problems().toString());
        assertEquals(6, s.problems().get(0).origin().line());
        assertEquals("L3,W5", s.get("vhdflow.verify.waivers").orElseThrow().value());
        assertEquals(4, s.get("vhdflow.verify.waivers").orElseThrow().origin().line());
    }

    @Test
    void credentialsNeverAppearInProblems() throws Exception {
        EffectiveSettings s = read("vhdflow.upload.sas-url=ftp://secret-token-value\n", Map.of(), List.of());
        assertEquals(1, s.problems().size());
        assertFalse(s.problems().get(0).describe().contains("secret-token-value"), s.problems().get(0).describe());
    }

    @Test
    void theOldEntryPointFailsWithEveryProblem() {
        Properties flags = new Properties();
        flags.setProperty("vhdflow.home", dir.toString());
        flags.setProperty("vhdflow.pipline.concurrency", "2");
        flags.setProperty("vhdflow.http.port", "0");
        EffectiveSettings.InvalidSettingsException e = assertThrows(EffectiveSettings.InvalidSettingsException.class,
                () -> SettingsLoader.load(Optional.empty(), Map.of(), flags));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("flag --set vhdflow.pipline.concurrency"), e.getMessage());
    }

    @Test
    void theDefaultsFileAndTheSchemaNameTheSameKeys() throws Exception {
        assertEquals(new java.util.TreeSet<>(SettingsSchema.keys()), SettingsLoader.defaultKeys(),
                "every key vhdflow reads has a default, and every default is a key vhdflow reads");
        EffectiveSettings s = SettingsLoader.read(Optional.empty(), Map.of(), List.of(
                new Setting("vhdflow.home", dir.toString(), Origin.flag("--home"))));
        assertEquals(List.of(), s.problems(), "every built-in default is valid");
        SettingsSchema.keys().stream().filter(k -> !k.equals("vhdflow.home")).forEach(k ->
                assertEquals(Source.DEFAULT, s.get(k).orElseThrow().origin().source(), k));
    }
}
