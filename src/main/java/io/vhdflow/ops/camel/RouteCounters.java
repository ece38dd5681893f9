package io.vhdflow.ops.camel;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts exchanges per route (total, failed, last error) from Camel's events, so the status API
 * needs no JMX.
 */
public final class RouteCounters extends EventNotifierSupport {

    /** Counters of one route. */
    public static final class Counter {
        final AtomicLong total = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> lastError = new AtomicReference<>();
        final AtomicReference<Instant> lastErrorAt = new AtomicReference<>();

        public long total() {
            return total.get();
        }

        public long failed() {
            return failed.get();
        }

        public Optional<String> lastError() {
            return Optional.ofNullable(lastError.get());
        }

        public Optional<Instant> lastErrorAt() {
            return Optional.ofNullable(lastErrorAt.get());
        }
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public RouteCounters() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent
                || event instanceof CamelEvent.ExchangeFailureHandledEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeEvent ee)) {
            return;
        }
        Exchange ex = ee.getExchange();
        String route = ex.getFromRouteId();
        if (route == null) {
            return;
        }
        Counter c = counters.computeIfAbsent(route, r -> new Counter());
        if (event instanceof CamelEvent.ExchangeCompletedEvent) {
            c.total.incrementAndGet();
        }
        Throwable failure = ex.getException() != null ? ex.getException()
                : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (event instanceof CamelEvent.ExchangeFailedEvent || event instanceof CamelEvent.ExchangeFailureHandledEvent) {
            c.failed.incrementAndGet();
            c.lastError.set(failure == null ? "unknown error" : failure.getMessage());
            c.lastErrorAt.set(Instant.now());
            if (event instanceof CamelEvent.ExchangeFailedEvent) {
                c.total.incrementAndGet();
            }
        }
    }

    public Counter of(String routeId) {
        return counters.getOrDefault(routeId, new Counter());
    }
}
