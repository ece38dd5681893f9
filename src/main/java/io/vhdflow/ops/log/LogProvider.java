package io.vhdflow.ops.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * vhdflow's SLF4J backend (registered in {@code META-INF/services}): Camel's, the libraries' and
 * vhdflow's own logs (through {@code System.Logger}) all end in {@link ConsoleLoggerFactory}, so
 * one setting chooses text or JSON lines and the level for everything.
 */
public final class LogProvider implements SLF4JServiceProvider {
    private ConsoleLoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = new ConsoleLoggerFactory(System.err);
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
    }
}
