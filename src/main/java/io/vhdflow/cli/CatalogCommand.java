package io.vhdflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageDefinitionRecord;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.NamingRules;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.SettingsLoader;
import io.vhdflow.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow catalog}: reads the image catalog of a home. Only reads: it opens the database
 * read-only and takes no home lock, so it works while {@code vhdflow run} is running.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Shows the image catalog (galleries, image definitions, versions) of a vhdflow home.",
        subcommands = {CatalogCommand.ListCommand.class, CatalogCommand.ShowCommand.class,
                CatalogCommand.LatestCommand.class, CatalogCommand.ExportCommand.class})
public final class CatalogCommand implements java.util.concurrent.Callable<Integer> {
    /** Exit code when the image or version asked for is not in the catalog. */
    static final int NOT_FOUND = ExitCode.INPUT_INVALID;
    /** Lowest schema the catalog queries need (the V3 migration). */
    static final int NEEDED_SCHEMA = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return VhdflowCommand.noSubcommand(spec);
    }

    /** Options every catalog subcommand takes. */
    static final class Common {
        @Mixin
        SettingsOptions settings = new SettingsOptions();

        @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
        boolean json;

        /** Effective properties, resolved and checked as {@code vhdflow run} does. */
        Properties properties() {
            return settings.properties();
        }

        Database open(Properties p) {
            return JobsCommand.openForReading(p, NEEDED_SCHEMA, "catalog schema");
        }
    }

    /** Shared plumbing: open, run, print, map errors to exit codes. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        final ObjectMapper json = Json.mapper();

        abstract int run(Catalog catalog, Properties p, PrintWriter out) throws IOException;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Properties p = common.properties();
            try (Database db = common.open(p)) {
                int rc = run(new Catalog(db, json), p, out);
                out.flush();
                return rc;
            } catch (io.vhdflow.store.StoreException e) {
                throw CommandFailure.ofEnvironment(e, "database");
            }
        }

        /**
         * A record as "name: value" lines; nested maps flattened to dotted names
         * ({@code identifier.publisher}), sizes in binary units, never Java's map text.
         */
        static void printFields(PrintWriter out, Map<String, Object> fields) {
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", fields, flat);
            int w = flat.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
            flat.forEach((k, v) -> out.printf("%-" + w + "s %s%n", k + ":", v));
        }

        private static void flatten(String prefix, Map<?, ?> m, Map<String, String> out) {
            if (m.isEmpty() && !prefix.isEmpty()) {
                out.put(prefix.substring(0, prefix.length() - 1), "-");
            }
            m.forEach((k, v) -> {
                String name = prefix + k;
                if (v instanceof Map<?, ?> sub) {
                    flatten(name + ".", sub, out);
                } else if (v == null) {
                    out.put(name, "-");
                } else if (v instanceof Long n && SIZE_FIELDS.contains(String.valueOf(k))) {
                    out.put(name, Units.bytes(n) + " (" + n + " bytes)");
                } else {
                    out.put(name, String.valueOf(v));
                }
            });
        }

        private static final java.util.Set<String> SIZE_FIELDS = java.util.Set.of("virtualSize", "fileSize",
                "dataBytes");

        void printJson(PrintWriter out, Object value) throws IOException {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        }

        /** {@code GALLERY/IMAGE} or {@code IMAGE} (in the configured default gallery). */
        static String[] galleryAndImage(String ref, Properties p) {
            String[] parts = ref.split("/", -1);
            String gallery;
            String image;
            if (parts.length == 1) {
                gallery = p.getProperty("vhdflow.catalog.gallery", "vhdflow");
                image = parts[0];
            } else if (parts.length == 2) {
                gallery = parts[0];
                image = parts[1];
            } else {
                throw CommandFailure.usage("catalog", "'" + ref + "' is not GALLERY/IMAGE or IMAGE",
                        "e.g. contosoimages/ubuntu-24");
            }
            NamingRules.galleryProblem(gallery).ifPresent(m -> {
                throw CommandFailure.usage("catalog", m, "see 'vhdflow catalog --help'");
            });
            NamingRules.imageProblem(image).ifPresent(m -> {
                throw CommandFailure.usage("catalog", m, "see 'vhdflow catalog --help'");
            });
            return new String[] {gallery, image};
        }

        int notFound(String what) {
            throw CommandFailure.input("not-found", what, "is not in the catalog",
                    "'vhdflow catalog list --versions' lists what is registered");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists image definitions with their latest version (or, with --versions, every version).")
    static final class ListCommand extends Sub {
        @Option(names = "--gallery", description = "Only this gallery.")
        String gallery;

        @Option(names = "--versions", description = "List every image version instead of the definitions.")
        boolean versions;

        @Override
        int run(Catalog catalog, Properties p, PrintWriter out) throws IOException {
            List<ImageDefinitionRecord> defs = catalog.definitions().stream()
                    .filter(d -> gallery == null || d.gallery().equals(gallery)).toList();
            if (versions) {
                List<ImageVersionRecord> all = new ArrayList<>();
                for (ImageDefinitionRecord d : defs) {
                    all.addAll(catalog.versions(d.gallery(), d.name()));
                }
                if (common.json) {
                    printJson(out, all.stream().map(v -> CatalogView.version(catalog, v)).toList());
                } else {
                    Table t = new Table("GALLERY", "IMAGE", "VERSION", "PUBLISHED", "VIRTUAL", "DATA", "VERDICT",
                            "LATEST?", "UPLOADED");
                    for (ImageVersionRecord v : all) {
                        t.row(v.gallery(), v.image(), v.version().toString(), v.publishedAt(),
                                Units.bytes(v.virtualSize()), v.dataBytes().map(Units::bytes).orElse("-"), v.verdict(),
                                v.excludeFromLatest() ? "excluded" : "yes", v.blobUri().isPresent() ? "yes" : "no");
                    }
                    t.print(out, "no image versions registered");
                }
                return 0;
            }
            if (common.json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (ImageDefinitionRecord d : defs) {
                    Map<String, Object> m = CatalogView.definition(d);
                    m.put("versionCount", catalog.versions(d.gallery(), d.name()).size());
                    m.put("latest", catalog.latest(d.gallery(), d.name(), false).map(Object::toString).orElse(null));
                    rows.add(m);
                }
                printJson(out, rows);
                return 0;
            }
            Table t = new Table("GALLERY", "IMAGE", "PUBLISHER/OFFER/SKU", "OS", "STATE", "GEN", "ARCH", "VERSIONS",
                    "LATEST");
            for (ImageDefinitionRecord d : defs) {
                t.row(d.gallery(), d.name(), d.publisher() + "/" + d.offer() + "/" + d.sku(), d.osType().orElse("?"),
                        d.osState(), d.hyperVGeneration().orElse("?"), d.architecture().orElse("?"),
                        Integer.toString(catalog.versions(d.gallery(), d.name()).size()),
                        catalog.latest(d.gallery(), d.name(), false).map(Object::toString).orElse("-"));
            }
            t.print(out, "no image definitions registered");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows an image definition and its versions, or one version.")
    static final class ShowCommand extends Sub {
        @Parameters(index = "0", paramLabel = "GALLERY/IMAGE", description = "The image (IMAGE alone: default gallery).")
        String ref;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "One version, Major.Minor.Patch.")
        String version;

        @Override
        int run(Catalog catalog, Properties p, PrintWriter out) throws IOException {
            String[] gi = galleryAndImage(ref, p);
            Optional<ImageDefinitionRecord> def = catalog.definition(gi[0], gi[1]);
            if (def.isEmpty()) {
                return notFound("image definition " + gi[0] + "/" + gi[1]);
            }
            if (version != null) {
                SemanticVersion v;
                try {
                    v = SemanticVersion.parse(version);
                } catch (IllegalArgumentException e) {
                    throw CommandFailure.usage("catalog show", e.getMessage(), "give the version as Major.Minor.Patch");
                }
                Optional<ImageVersionRecord> r = catalog.find(gi[0], gi[1], v);
                if (r.isEmpty()) {
                    return notFound("version " + v + " of " + gi[0] + "/" + gi[1]);
                }
                if (common.json) {
                    printJson(out, CatalogView.version(catalog, r.get()));
                } else {
                    printFields(out, CatalogView.version(catalog, r.get()));
                }
                return 0;
            }
            List<ImageVersionRecord> versions = catalog.versions(gi[0], gi[1]);
            if (common.json) {
                Map<String, Object> m = CatalogView.definition(def.get());
                m.put("latest", catalog.latest(gi[0], gi[1], false).map(Object::toString).orElse(null));
                m.put("versions", versions.stream().map(v -> CatalogView.version(catalog, v)).toList());
                printJson(out, m);
                return 0;
            }
            printFields(out, CatalogView.definition(def.get()));
            out.println();
            Table t = new Table("VERSION", "PUBLISHED", "VIRTUAL", "FILE", "DATA", "MD5", "VERDICT", "LATEST?", "BLOB");
            for (ImageVersionRecord v : versions) {
                t.row(v.version().toString(), v.publishedAt(), Units.bytes(v.virtualSize()), Units.bytes(v.fileSize()),
                        v.dataBytes().map(Units::bytes).orElse("-"), v.md5().isEmpty() ? "-" : v.md5(), v.verdict(),
                        v.excludeFromLatest() ? "excluded" : "yes", v.blobUri().orElse("-"));
            }
            t.print(out, "no versions");
            return 0;
        }
    }

    @Command(name = "latest", mixinStandardHelpOptions = true,
            description = "Prints the version Azure's \"latest\" would pick (highest Major, Minor, Patch; "
                    + "versions excluded from latest are skipped).")
    static final class LatestCommand extends Sub {
        @Parameters(index = "0", paramLabel = "GALLERY/IMAGE", description = "The image (IMAGE alone: default gallery).")
        String ref;

        @Option(names = "--include-excluded", description = "Also consider versions excluded from latest.")
        boolean includeExcluded;

        @Override
        int run(Catalog catalog, Properties p, PrintWriter out) throws IOException {
            String[] gi = galleryAndImage(ref, p);
            Optional<ImageVersionRecord> v = catalog.latestVersion(gi[0], gi[1], includeExcluded);
            if (v.isEmpty()) {
                return notFound("a version of " + gi[0] + "/" + gi[1]);
            }
            if (common.json) {
                printJson(out, CatalogView.version(catalog, v.get()));
            } else {
                out.println(v.get().version());
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Exports the catalog as one JSON document (galleries, definitions, versions), "
                    + "to standard output or --output.", "The export is JSON either way; --json is accepted for "
                    + "symmetry."})
    static final class ExportCommand extends Sub {
        public static final String SCHEMA = "vhdflow.catalog/1";

        @Option(names = "--gallery", description = "Only this gallery.")
        String gallery;

        @Option(names = {"-o", "--output"}, description = "Write to this file (written aside, then renamed).")
        Path output;

        @Override
        int run(Catalog catalog, Properties p, PrintWriter out) throws IOException {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("schema", SCHEMA);
            doc.put("exportedAt", Instant.now().toString());
            List<Map<String, Object>> galleries = new ArrayList<>();
            for (String g : catalog.galleries()) {
                if (gallery != null && !gallery.equals(g)) {
                    continue;
                }
                Map<String, Object> gm = new LinkedHashMap<>();
                gm.put("name", g);
                List<Map<String, Object>> defs = new ArrayList<>();
                for (ImageDefinitionRecord d : catalog.definitions()) {
                    if (!d.gallery().equals(g)) {
                        continue;
                    }
                    Map<String, Object> dm = CatalogView.definition(d);
                    dm.put("versions", catalog.versions(g, d.name()).stream().map(v -> CatalogView.version(catalog, v)).toList());
                    defs.add(dm);
                }
                gm.put("images", defs);
                galleries.add(gm);
            }
            doc.put("galleries", galleries);
            if (output == null) {
                printJson(out, doc);
                return 0;
            }
            Path abs = output.toAbsolutePath();
            Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
            try {
                Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
                Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw CommandFailure.ofEnvironment(e, abs.toString());
            }
            spec.commandLine().getErr().println("vhdflow catalog: exported " + galleries.size() + " galler"
                    + (galleries.size() == 1 ? "y" : "ies") + " to " + abs);
            return 0;
        }
    }

    /** A plain text table: columns as wide as their widest cell. */
    static final class Table {
        private final String[] header;
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            this.header = header;
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintWriter out, String whenEmpty) {
            if (rows.isEmpty()) {
                out.println(whenEmpty);
                return;
            }
            int[] w = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                w[i] = header[i].length();
                for (String[] r : rows) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            line(out, header, w);
            for (String[] r : rows) {
                line(out, r, w);
            }
        }

        private static void line(PrintWriter out, String[] cells, int[] w) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                b.append(i == cells.length - 1 ? cells[i] : String.format("%-" + w[i] + "s  ", cells[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
