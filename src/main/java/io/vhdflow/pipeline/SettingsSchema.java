package io.vhdflow.pipeline;

import io.vhdflow.catalog.NamingRules;
import io.vhdflow.catalog.NearestName;
import io.vhdflow.inspect.Check;
import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.Policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every setting vhdflow knows and what a valid value of it is. Keys not listed here are errors
 * (with the closest known key suggested), except {@code camel.*}, which Camel reads and checks
 * itself. The defaults file ({@code vhdflow-defaults.properties}) holds a default for every key
 * (empty for optional ones); a test keeps the two in step.
 */
public final class SettingsSchema {
    /** Settings whose values are credentials: never printed by {@code config show}. */
    public static final Set<String> SECRETS = Set.of("vhdflow.api.token", "vhdflow.upload.connection-string",
            "vhdflow.upload.sas-url", "vhdflow.database.password");
    /** Settings computed from others (placeholders the routes use); setting them is an error. */
    public static final Map<String, String> DERIVED = Map.of("vhdflow.dir.drop", "vhdflow.home",
            "vhdflow.dir.batch", "vhdflow.home");
    /** Keys passed through to Camel unchecked here (Camel fails on its own unknown keys). */
    public static final String CAMEL_PREFIX = "camel.";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[?[0-9A-Fa-f:.]+]?");
    /** Azure Storage container names: 3-63 lowercase letters, digits and single hyphens. */
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

    /** What is wrong with a value, or empty when it is valid. */
    @FunctionalInterface
    interface Rule extends Function<String, Optional<String>> {
    }

    private static final Map<String, Rule> RULES = rules();

    private SettingsSchema() {
    }

    private static Map<String, Rule> rules() {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("vhdflow.home", nonBlank());
        r.put("vhdflow.data", any());
        r.put("vhdflow.database.url", v -> v.isBlank() || v.strip().startsWith("jdbc:postgresql://") ? Optional.empty()
                : Optional.of("must be a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database, or empty for the "
                        + "embedded database"));
        r.put("vhdflow.database.user", any());
        r.put("vhdflow.database.password", any());
        r.put("vhdflow.broker.url", v -> v.isBlank() || v.strip().matches("\\(?(tcp|ssl)://.+") ? Optional.empty()
                : Optional.of("must be an Artemis core URL, tcp://host:port (or empty for the in-process queue)"));
        r.put("vhdflow.node.id", v -> v.isBlank() || v.strip().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
                ? Optional.empty() : Optional.of("must be 1-64 letters, digits, '.', '_' or '-'"));
        r.put("vhdflow.resume.period-ms", whole(1000, 86_400_000));
        r.put("vhdflow.http.enabled", bool());
        r.put("vhdflow.http.host", v -> HOST.matcher(v.strip()).matches() ? Optional.empty()
                : Optional.of("must be a host name or IP address, e.g. 127.0.0.1 or 0.0.0.0"));
        r.put("vhdflow.http.port", whole(1, 65_535));
        r.put("vhdflow.api.token", any());
        r.put("vhdflow.intake.poll-ms", whole(10, 86_400_000));
        r.put("vhdflow.intake.settle-ms", whole(0, 86_400_000));
        r.put("vhdflow.intake.lock-timeout-ms", whole(0, 86_400_000));
        r.put("vhdflow.intake.ready-marker", bool());
        r.put("vhdflow.pipeline.concurrency", whole(1, 1024));
        r.put("vhdflow.pipeline.data-passes", whole(1, 64));
        r.put("vhdflow.pipeline.large-job-bytes", whole(0, Long.MAX_VALUE));
        r.put("vhdflow.pipeline.bandwidth-bytes-per-second", whole(0, Long.MAX_VALUE));
        r.put("vhdflow.package.md5", bool());
        r.put("vhdflow.package.sha256", bool());
        r.put("vhdflow.pipeline.disk-parallelism", whole(1, 1024));
        r.put("vhdflow.intake.folder-growth-limit-ms", whole(0, 86_400_000));
        r.put("vhdflow.retry.max-redeliveries", whole(0, 100));
        r.put("vhdflow.retry.delay-ms", whole(0, 3_600_000));
        r.put("vhdflow.backup.retention", whole(0, 100_000));
        r.put("vhdflow.backup.reserve-bytes", whole(0, Long.MAX_VALUE));
        r.put("vhdflow.batch.enabled", bool());
        r.put("vhdflow.batch.cron", SettingsSchema::cron);
        r.put("vhdflow.catalog.gallery", NamingRules::galleryProblem);
        r.put("vhdflow.catalog.publisher", v -> NamingRules.identifierProblem("publisher", v, 128));
        r.put("vhdflow.package.archive", bool());
        r.put("vhdflow.throttle.bytes-per-second", whole(0, Long.MAX_VALUE));
        r.put("vhdflow.health.min-free-bytes", whole(0, Long.MAX_VALUE));
        r.put("vhdflow.verify.policy", oneOf(Arrays.stream(Policy.values()).map(Policy::id).toList()));
        r.put("vhdflow.verify.waivers", SettingsSchema::checkIds);
        r.put("vhdflow.verify.not-generalized", oneOf(List.of("fail", "specialized")));
        r.put("vhdflow.fetch.parallelism", whole(1, 64));
        r.put("vhdflow.fetch.allowed-hosts", SettingsSchema::hostSuffixes);
        r.put("vhdflow.upload.enabled", bool());
        r.put("vhdflow.upload.connection-string", any());
        r.put("vhdflow.upload.sas-url", v -> v.isBlank() ? Optional.empty() : httpsUrl(v));
        r.put("vhdflow.upload.container", v -> CONTAINER.matcher(v.strip()).matches() ? Optional.empty()
                : Optional.of("must be an Azure container name: 3-63 lowercase letters, digits and single hyphens"));
        r.put("vhdflow.upload.parallelism", whole(1, 64));
        r.put("vhdflow.upload.overwrite", bool());
        r.put("vhdflow.upload.storage-account-id", any());
        r.put("vhdflow.upload.resource-group", any());
        r.put("vhdflow.shutdown-timeout-s", whole(1, 3600));
        r.put("vhdflow.routes", any());
        r.put("vhdflow.log.level", oneOf(List.of("error", "warn", "info", "debug", "trace")));
        r.put("vhdflow.log.format", oneOf(List.of("text", "json")));
        return r;
    }

    /** Every key vhdflow reads, in the order of the defaults file. */
    public static Set<String> keys() {
        return RULES.keySet();
    }

    /** Whether {@code key} is one vhdflow reads, or one passed to Camel. */
    public static boolean known(String key) {
        return RULES.containsKey(key) || key.startsWith(CAMEL_PREFIX);
    }

    /** What is wrong with {@code value} for the known key {@code key}, or empty. */
    public static Optional<String> check(String key, String value) {
        Rule rule = RULES.get(key);
        return rule == null ? Optional.empty() : rule.apply(value);
    }

    /** For an invalid value of a key with a closed set of values, the closest one. */
    public static Optional<String> closestValue(String key, String value) {
        Rule rule = RULES.get(key);
        if (rule instanceof OneOf o) {
            return closest(value.strip().toLowerCase(Locale.ROOT), o.values());
        }
        if ("vhdflow.verify.waivers".equals(key)) {
            for (String id : value.split(",")) {
                String i = id.strip().toUpperCase(Locale.ROOT);
                if (!i.isEmpty() && !checkIdSet().contains(i)) {
                    return closest(i, checkIdSet());
                }
            }
        }
        if (rule instanceof Bool) {
            return closest(value.strip().toLowerCase(Locale.ROOT), List.of("true", "false"));
        }
        return Optional.empty();
    }

    /** The known name nearest to a misspelt {@code word}, when close enough to be a slip. */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        return NearestName.of(word, candidates);
    }

    private static Rule any() {
        return v -> Optional.empty();
    }

    private static Rule nonBlank() {
        return v -> v.isBlank() ? Optional.of("must not be empty") : Optional.empty();
    }

    /** A whole number from {@code min} to {@code max}. */
    private static Rule whole(long min, long max) {
        String range = max == Long.MAX_VALUE ? "of " + min + " or more" : "from " + min + " to " + max;
        return v -> {
            try {
                long n = Long.parseLong(v.strip());
                return n < min || n > max ? Optional.of("must be a whole number " + range) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.of("must be a whole number " + range);
            }
        };
    }

    /** Exactly {@code true} or {@code false}: anything else would be read as false without a word. */
    private static final class Bool implements Rule {
        @Override
        public Optional<String> apply(String v) {
            String s = v.strip().toLowerCase(Locale.ROOT);
            return s.equals("true") || s.equals("false") ? Optional.empty() : Optional.of("must be true or false");
        }
    }

    private static Rule bool() {
        return new Bool();
    }

    /** One of a closed set of words (any case). */
    private record OneOf(List<String> values) implements Rule {
        @Override
        public Optional<String> apply(String v) {
            return values.contains(v.strip().toLowerCase(Locale.ROOT)) ? Optional.empty()
                    : Optional.of("must be one of " + String.join(", ", values));
        }
    }

    private static Rule oneOf(List<String> values) {
        return new OneOf(values);
    }

    /** A Quartz cron expression, seconds first, as the batch route's schedule reads it. */
    private static Optional<String> cron(String v) {
        try {
            org.quartz.CronExpression.validateExpression(v.strip());
            return Optional.empty();
        } catch (ParseException e) {
            return Optional.of("is not a Quartz cron expression (seconds minutes hours day-of-month month "
                    + "day-of-week, e.g. '0 0 2 * * ?'): " + e.getMessage());
        }
    }

    private static Optional<String> httpsUrl(String v) {
        try {
            URI u = new URI(v.strip());
            if ("https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return Optional.of("must be an https URL (a container SAS URL)");
    }

    /** Comma-separated host names or suffixes ({@code .example.com}), as job files may name besides Azure's. */
    private static Optional<String> hostSuffixes(String v) {
        for (String h : v.split(",")) {
            String host = h.strip().replaceFirst("^\\.", "");
            if (!h.isBlank() && !HOST.matcher(host).matches()) {
                return Optional.of("must be host names or suffixes separated by commas, e.g. .blob.example.com; \""
                        + h.strip() + "\" is not one");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkIds(String v) {
        List<String> unknown = Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> x.toUpperCase(Locale.ROOT)).filter(x -> !checkIdSet().contains(x)).toList();
        return unknown.isEmpty() ? Optional.empty() : Optional.of("names no check: " + String.join(", ", unknown)
                + " ('vhdflow checks' lists the ids)");
    }

    private static Set<String> checkIdSet() {
        return CheckCatalog.standard().checks().stream().map(Check::id).map(i -> i.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
