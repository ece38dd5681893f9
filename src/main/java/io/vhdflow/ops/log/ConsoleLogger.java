package io.vhdflow.ops.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger of {@link ConsoleLoggerFactory}: decides by level, formats the message, hands it on. */
final class ConsoleLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient ConsoleLoggerFactory factory;

    ConsoleLogger(String name, ConsoleLoggerFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public boolean isTraceEnabled() {
        return factory.enabled(name, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return factory.enabled(name, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return factory.enabled(name, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return factory.enabled(name, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return factory.enabled(name, Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable t) {
        String message = MessageFormatter.basicArrayFormat(pattern, args);
        factory.write(name, level, message == null ? "" : message, t);
    }
}
