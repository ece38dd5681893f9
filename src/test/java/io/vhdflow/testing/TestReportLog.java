package io.vhdflow.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Logs (to stderr, never stdout) what Maven's console leaves out: why a test did not run (a
 * disabled test's reason, a failed assumption's message such as a tool not installed, see
 * {@link ExternalTools}) and the report entries tests publish (jqwik's tries, seeds and statistics,
 * which src/test/resources/junit-platform.properties sends here instead of to stdout). Registered
 * through {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class TestReportLog implements TestExecutionListener {
    private static final System.Logger LOG = System.getLogger(TestReportLog.class.getName());

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        LOG.log(System.Logger.Level.WARNING, "SKIPPED {0}: {1}", name(test), reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            LOG.log(System.Logger.Level.WARNING, "SKIPPED {0}: {1}", name(test),
                    result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
        entry.getKeyValuePairs().forEach((key, value) ->
                LOG.log(System.Logger.Level.INFO, "{0}: {1} = {2}", name(test), key, value));
    }

    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            String method = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName();
            String shown = test.getDisplayName();
            return shown.equals(m.getMethodName()) || shown.startsWith(m.getMethodName() + "(") ? method
                    : method + " " + shown;
        }
        if (source instanceof ClassSource c) {
            return c.getClassName();
        }
        return test.getDisplayName();
    }
}
