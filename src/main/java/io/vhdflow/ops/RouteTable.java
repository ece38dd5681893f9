package io.vhdflow.ops;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The service's routes as the API sees and controls them; the Camel adapter implements it. */
public interface RouteTable {

    /**
     * One route: where it reads from, its status ({@code Started}, {@code Stopped}, {@code Suspended},
     * or {@code Disabled} for a route off by configuration, such as the batch when
     * {@code vhdflow.batch.enabled=false}), its exchange counts, and whether it is one of the API's
     * own routes (the dashboard groups those).
     */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record RouteView(String id, String from, String status, long uptimeSeconds, long exchangesTotal,
                     long exchangesFailed, long exchangesInflight, Optional<String> lastError,
                     Optional<Instant> lastErrorAt, boolean api) {
    }

    /** What an operator may do to a route. */
    enum Action {
        START, STOP, SUSPEND, RESUME;

        /** The action named (any case), or empty. */
        public static Optional<Action> named(String name) {
            for (Action a : values()) {
                if (a.label().equalsIgnoreCase(String.valueOf(name))) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    List<RouteView> routes();

    boolean exists(String id);

    /** Whether the route serves the API itself (those cannot be controlled through it). */
    boolean servesApi(String id);

    /**
     * Applies {@code action} to the route and returns its status afterwards ({@code Started},
     * {@code Stopped}, {@code Suspended}, ...).
     *
     * @throws Exception as the route controller failed
     */
    String control(String id, Action action) throws Exception;
}
