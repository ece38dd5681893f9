package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobJournal;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The whole service (vhdflow's configuration and the YAML routes) on a temporary home, with a
 * scratch folder beside it and a free port, both removed after each test. A class adds its
 * settings through {@link #extraProperties()}.
 */
public abstract class ServiceTestBase extends CamelMainTestSupport {
    // Set from the properties hook: the Camel test support asks for the properties from its own
    // constructor, before a subclass's fields are initialised.
    protected Path home;
    protected Path scratch;
    protected int port;

    /** Settings beyond {@link PipelineTestSupport#properties}'s, e.g. the upload's or the API token. */
    protected Map<String, String> extraProperties() {
        return Map.of();
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        try {
            home = Files.createTempDirectory("vhdflow-home");
            scratch = Files.createTempDirectory("vhdflow-scratch");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = PipelineTestSupport.freePort();
        return PipelineTestSupport.properties(home, port, extraProperties());
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(VhdflowConfiguration.class);
        configuration.withRoutesIncludePattern("file:routes/*.yaml");
    }

    @AfterEach
    void removeTemporaryFolders() throws IOException {
        for (Path p : new Path[] {home, scratch}) {
            if (p != null && Files.exists(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    protected JobJournal journal() {
        return context.getRegistry().lookupByNameAndType("journal", JobJournal.class);
    }
}
