package io.vhdflow.ops;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks of a verification report grouped as an operator reads them: what blocks
 * publication, what warns, what could not be run, what was waived, what passed, what did not
 * apply. One grouping for the API's job view, the dashboard's job page and {@code vhdflow jobs
 * show}, read from the report's {@code checks[]} ({@code status}: pass, fail, not-applicable,
 * not-run, waived, warn; {@code severity}: MUST, SHOULD, INFO). What blocks is what the verdict rule
 * said blocks: the report's {@code blocking} ids (a failure packaging fixes is a warning).
 */
public final class Findings {
    /** The groups, in the order they are shown. */
    public enum Group {
        BLOCKING("blocking"), WARNING("warning"), NOT_RUN("not-run"), WAIVED("waived"), PASSED("passed"),
        NOT_APPLICABLE("not-applicable");

        private final String label;

        Group(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private Findings() {
    }

    /** The group of one check of a report. */
    public static Group groupOf(JsonNode check) {
        String status = check.path("status").asText("").toLowerCase(Locale.ROOT);
        String severity = check.path("severity").asText("").toUpperCase(Locale.ROOT);
        return switch (status) {
            case "fail" -> severity.equals("MUST") ? Group.BLOCKING : Group.WARNING;
            case "warn", "warning" -> Group.WARNING;
            case "waived" -> Group.WAIVED;
            case "pass" -> Group.PASSED;
            case "not-run" -> Group.NOT_RUN;
            default -> Group.NOT_APPLICABLE;
        };
    }

    /** The report's checks by group label, every group present (empty when nothing fell in it), in display order. */
    public static Map<String, List<JsonNode>> grouped(JsonNode report) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        for (Group g : Group.values()) {
            out.put(g.label(), new ArrayList<>());
        }
        java.util.Set<String> blocking = new java.util.HashSet<>();
        report.path("blocking").forEach(id -> blocking.add(id.asText()));
        boolean decided = report.has("blocking");
        for (JsonNode c : report.path("checks")) {
            Group g = groupOf(c);
            if (decided && g == Group.BLOCKING && !blocking.contains(c.path("id").asText())) {
                g = Group.WARNING;
            }
            out.get(g.label()).add(c);
        }
        return out;
    }
}
