package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.ops.ApiReply;
import io.vhdflow.ops.Health;
import io.vhdflow.ops.RouteTable;
import io.vhdflow.ops.StatusApi;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.store.Database;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One job as {@code vhdflow jobs show} prints it: the API's job view (the same {@link StatusApi}
 * call the dashboard's job page reads) laid out as text: stages with times, bytes and rates,
 * the verification's findings by group with evidence and remedy, the error and what to do.
 */
final class JobReport {
    private JobReport() {
    }

    /** {@code GET /api/jobs/{id}}, answered from a database opened read-only. */
    static ApiReply of(Database db, HomeLayout home, ObjectMapper json, String id) {
        JobJournal journal = new JobJournal(db, json);
        Health health = new Health(home, journal, 0);
        return new StatusApi(journal, new Catalog(db, json), health, NO_ROUTES, json,
                java.util.Optional.of(new io.vhdflow.pipeline.DiskJournal(db)), java.util.Optional.empty()).job(id);
    }

    /** The command line runs no routes. */
    private static final RouteTable NO_ROUTES = new RouteTable() {
        @Override
        public List<RouteView> routes() {
            return List.of();
        }

        @Override
        public boolean exists(String id) {
            return false;
        }

        @Override
        public boolean servesApi(String id) {
            return false;
        }

        @Override
        public String control(String id, Action action) {
            throw new IllegalStateException("no routes outside the service");
        }
    };

    static String text(JsonNode job) {
        StringBuilder b = new StringBuilder();
        String nl = System.lineSeparator();
        b.append("Job ").append(job.path("id").asText()).append(": ").append(job.path("source").asText())
                .append(" -> ").append(job.path("gallery").asText()).append('/').append(job.path("image").asText())
                .append(job.has("version") ? " " + job.path("version").asText() : "").append(nl);
        field(b, "state", job.path("state").asText() + (job.has("stage") && !job.path("state").asText().equals("done")
                ? " (stage " + job.path("stage").asText() + ")" : ""));
        if (job.has("verdict")) {
            field(b, "verdict", job.path("verdict").asText());
        }
        field(b, "created", job.path("createdAt").asText() + (job.has("finishedAt") ? ", finished "
                + job.path("finishedAt").asText() + " (" + Units.duration(seconds(job.path("seconds"))) + ")" : ""));
        field(b, "source", job.path("source").asText() + ", " + Units.bytes(job.path("sourceSize").asLong())
                + (job.has("sourceSha256") ? ", SHA-256 " + job.path("sourceSha256").asText() : ""));
        if (job.has("batch")) {
            field(b, "batch", job.path("batch").asText());
        }

        b.append(nl).append("Stages").append(nl);
        JsonNode stages = job.path("stages");
        if (stages.isEmpty()) {
            b.append("  none started yet").append(nl);
        }
        b.append(String.format("  %-9s %-8s %-6s %-21s %-9s %-11s %-11s %s%n", "STAGE", "STATE", "TRIES", "STARTED",
                "TOOK", "READ", "WRITTEN", "RATE"));
        for (JsonNode s : stages) {
            b.append(String.format("  %-9s %-8s %-6s %-21s %-9s %-11s %-11s %s%n", s.path("stage").asText(),
                    s.path("state").asText(), s.path("attempts").asText(), s.path("startedAt").asText("-"),
                    s.has("seconds") ? Units.duration(seconds(s.path("seconds"))) : "-",
                    Units.bytes(s.path("bytesRead").asLong()), Units.bytes(s.path("bytesWritten").asLong()),
                    s.has("bytesPerSecond") ? Units.rate(s.path("bytesPerSecond").asLong()) : "-"));
            if (s.has("error")) {
                b.append("            error: ").append(s.path("error").asText()).append(nl);
            }
        }
        stages.forEach(s -> {
            JsonNode r = s.path("result");
            if (s.path("stage").asText().equals("backup") && r.has("path")) {
                field(b.append(nl), "backup", r.path("path").asText() + " (SHA-256 " + r.path("sha256").asText() + ")");
            }
            if (s.path("stage").asText().equals("package") && r.has("directory")) {
                field(b.append(nl), "package", r.path("directory").asText() + "/" + r.path("vhd").asText()
                        + " (" + Units.bytes(r.path("fileSize").asLong()) + ", MD5 " + r.path("md5").asText() + ")");
            }
        });

        JsonNode disks = job.path("disks");
        if (disks.isArray() && !disks.isEmpty()) {
            b.append(nl).append("Disks (one VM image)").append(nl);
            b.append(String.format("  %-4s %-30s %-5s %-4s %-10s %-9s %-9s %-9s %s%n", "DISK", "FILE", "ROLE", "LUN",
                    "SIZE", "BACKUP", "VERIFY", "PACKAGE", "REGISTER"));
            for (JsonNode d : disks) {
                Map<String, String> state = new java.util.HashMap<>();
                d.path("stages").forEach(s -> state.put(s.path("stage").asText(), s.path("state").asText()));
                b.append(String.format("  %-4s %-30s %-5s %-4s %-10s %-9s %-9s %-9s %s%n", d.path("disk").asText(),
                        d.path("file").asText(), d.path("role").asText(), d.path("lun").asText("-"),
                        Units.bytes(d.path("size").asLong()), state.getOrDefault("backup", "-"),
                        state.getOrDefault("verify", "-"), state.getOrDefault("package", "-"),
                        state.getOrDefault("register", "-")));
                d.path("stages").forEach(s -> {
                    if (s.has("error")) {
                        b.append("       ").append(s.path("stage").asText()).append(" error: ")
                                .append(s.path("error").asText()).append(nl);
                    }
                });
            }
        }

        JsonNode findings = job.path("findings");
        if (findings.isObject()) {
            JsonNode report = stages.findParent("checks");
            b.append(nl).append("Findings").append(report == null ? "" : " (policy "
                    + report.path("policy").asText() + ", verdict " + report.path("verdict").asText() + ")").append(nl);
            for (Iterator<Map.Entry<String, JsonNode>> it = findings.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> g = it.next();
                group(b, g.getKey(), g.getValue());
            }
        }

        JsonNode error = job.path("error");
        if (error.isObject()) {
            b.append(nl).append(job.path("state").asText().equals("duplicate") ? "Duplicate" : "Error").append(nl);
            field(b, "what", (error.has("code") ? error.path("code").asText() + ": " : "")
                    + error.path("message").asText());
            if (error.has("structure")) {
                field(b, "where", error.path("structure").asText()
                        + (error.has("offset") ? " at byte " + error.path("offset").asText() : ""));
            }
            for (JsonNode d : error.path("details")) {
                b.append("  - ").append(d.asText()).append(nl);
            }
            if (error.has("remedy")) {
                field(b, "to do", error.path("remedy").asText());
            }
        } else if (error.isTextual()) {
            b.append(nl).append("Error").append(nl).append("  ").append(error.asText()).append(nl);
        }
        return b.toString();
    }

    /** A group of findings: failures and open questions in full, passes and non-applicable ones by id. */
    private static void group(StringBuilder b, String name, JsonNode checks) {
        String nl = System.lineSeparator();
        String title = name.replace('-', ' ');
        if (checks.isEmpty()) {
            b.append("  ").append(title).append(": none").append(nl);
            return;
        }
        if (name.equals("passed") || name.equals("not-applicable")) {
            StringBuilder ids = new StringBuilder();
            checks.forEach(c -> ids.append(ids.length() == 0 ? "" : " ").append(c.path("id").asText()));
            b.append("  ").append(title).append(" (").append(checks.size()).append("): ").append(ids).append(nl);
            return;
        }
        b.append("  ").append(title).append(" (").append(checks.size()).append(')').append(nl);
        for (JsonNode c : checks) {
            b.append(String.format("    %-4s %-12s %-6s %s%n", c.path("id").asText(),
                    c.path("category").asText().toLowerCase(Locale.ROOT), c.path("severity").asText(),
                    c.path("title").asText()));
            for (JsonNode e : c.path("evidence")) {
                b.append("         evidence: ").append(e.asText()).append(nl);
            }
            if (!c.path("remediation").asText().isBlank() && !name.equals("waived")) {
                b.append("         fix: ").append(c.path("remediation").asText()).append(nl);
            }
        }
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(String.format("  %-9s %s%n", name, value));
    }

    private static Duration seconds(JsonNode n) {
        return Duration.ofMillis(Math.round(n.asDouble() * 1000));
    }
}
