package io.vhdflow.catalog.upload;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One Azurite for a test class ({@code @RegisterExtension static}), started before its Camel
 * context reads its settings and stopped with its data folder afterwards. When Azurite is not
 * installed it does not start: the class's context still starts with the upload off, and each test
 * calls {@link Azurite#MISSING} through {@code ExternalTools.require} (skip outside CI, fail in CI).
 */
public final class AzuriteForClass implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private Azurite azurite;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("vhdflow-azurite");
        if (Azurite.executable().isPresent()) {
            azurite = Azurite.start(dir);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (azurite != null) {
            azurite.close();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Whether Azurite runs for this class. */
    public boolean running() {
        return azurite != null;
    }

    /** The running Azurite; call after {@code ExternalTools.require(running(), Azurite.MISSING)}. */
    public Azurite get() {
        if (azurite == null) {
            throw new IllegalStateException(Azurite.MISSING);
        }
        return azurite;
    }

    /** The connection string, or "" when Azurite is not running (the upload is then off). */
    public String connectionString() {
        return azurite == null ? "" : azurite.connectionString();
    }
}
