package io.vhdflow.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One PostgreSQL cluster for a test class ({@code @RegisterExtension static}), started by
 * {@code .ci/postgres.sh} before its tests and stopped after them. Without PostgreSQL installed the
 * class is skipped outside CI and fails in CI ({@link PostgresCluster#start}).
 */
public final class PostgresForClass implements BeforeAllCallback, AfterAllCallback {
    private PostgresCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = PostgresCluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The running cluster. */
    public PostgresCluster get() {
        if (cluster == null) {
            throw new IllegalStateException(PostgresCluster.MISSING);
        }
        return cluster;
    }
}
