package io.vhdflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.BlockAllocationTable;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.disk.container.ConversionResult;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FixedVhdWriter;
import io.vhdflow.disk.container.ParentLocator;
import io.vhdflow.disk.container.ProgressListener;
import io.vhdflow.disk.container.UnsupportedDiskFormatException;
import io.vhdflow.disk.container.VhdDynamicHeader;
import io.vhdflow.disk.container.VhdFooter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow vhd}: inspect, check and convert VHD containers.
 *
 * <p>Exit codes as in {@link ExitCode}: 0 success (for {@code check}: ready for Azure), 1 not
 * ready, 3 an input that cannot be read, 4 an output that cannot be written, 64 a usage error.
 */
@Command(name = "vhd", mixinStandardHelpOptions = true,
        description = "Inspect, check and convert VHD disk images for Azure.",
        subcommands = {VhdCommand.Info.class, VhdCommand.Check.class, VhdCommand.Convert.class, VhdCommand.ZeroMap.class,
                VhdCommand.Verify.class})
public final class VhdCommand implements java.util.concurrent.Callable<Integer> {

    static final int NOT_READY = ExitCode.NOT_READY;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return VhdflowCommand.noSubcommand(spec);
    }

    private static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** {@code vhd info FILE [--json]}. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show the container structures of a disk image (VHD footer, dynamic header and BAT; VHDX"
                    + " headers, metadata and log; qcow2 header; VMDK descriptor and extents; OVA disks; parent chain).")
    static final class Info implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "VHD, VHDX, qcow2, VMDK, OVA or raw image")
        Path file;
        @Option(names = "--json", description = "print JSON")
        boolean asJson;

        @Override
        public Integer call() throws Exception {
            InputFile.regular(file);
            try (DiskImage img = DiskImages.open(file)) {
                Map<String, Object> m = describe(img);
                PrintWriter out = spec.commandLine().getOut();
                if (asJson) {
                    out.println(json().writeValueAsString(m));
                } else {
                    print(out, m, "");
                }
                out.flush();
                return 0;
            } catch (IOException e) {
                throw CommandFailure.ofInput(e, file);
            }
        }

        /** Fields printed in binary units (with the exact count) in the text form. */
        private static final java.util.Set<String> SIZES = java.util.Set.of("virtualSize", "fileSize", "currentSize",
                "originalSize", "geometryCapacity", "blockSize");

        @SuppressWarnings("unchecked")
        private static void print(PrintWriter out, Map<String, Object> m, String indent) {
            for (Map.Entry<String, Object> e : m.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> sub) {
                    out.println(indent + e.getKey() + ":");
                    print(out, (Map<String, Object>) sub, indent + "  ");
                } else if (e.getValue() instanceof List<?> list) {
                    out.println(indent + e.getKey() + ":" + (list.isEmpty() ? " none" : ""));
                    for (Object o : list) {
                        if (o instanceof Map<?, ?> sub) {
                            out.println(indent + "  -");
                            print(out, (Map<String, Object>) sub, indent + "    ");
                        } else {
                            out.println(indent + "  - " + o);
                        }
                    }
                } else if (SIZES.contains(e.getKey()) && e.getValue() instanceof Long n) {
                    out.println(indent + e.getKey() + ": " + Units.bytes(n) + " (" + n + " bytes)");
                } else {
                    out.println(indent + e.getKey() + ": " + e.getValue());
                }
            }
        }

        static Map<String, Object> describe(DiskImage img) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", img.path().toString());
            m.put("format", img.format().displayName());
            m.put("virtualSize", img.virtualSize());
            m.put("fileSize", img.fileSize());
            img.footer().ifPresent(f -> m.put("footer", footer(f)));
            img.dynamicHeader().ifPresent(h -> m.put("dynamicHeader", header(h)));
            img.blockAllocationTable().ifPresent(b -> m.put("blockAllocationTable", bat(b)));
            img.facts().ifPresent(f -> m.put(img.format().name().toLowerCase(java.util.Locale.ROOT), f.describe()));
            img.parent().ifPresent(p -> m.put("parent", describe(p)));
            List<Object> findings = new ArrayList<>();
            for (Finding f : img.findings()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("code", f.code());
                fm.put("offset", f.offset());
                fm.put("detail", f.detail());
                findings.add(fm);
            }
            m.put("findings", findings);
            return m;
        }

        private static Map<String, Object> footer(VhdFooter f) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("diskType", f.diskType().name().toLowerCase(java.util.Locale.ROOT));
            m.put("currentSize", f.currentSize());
            m.put("originalSize", f.originalSize());
            m.put("geometry", f.geometry().toString());
            m.put("geometryCapacity", f.geometry().capacity());
            m.put("creatorApplication", f.creatorDisplay());
            m.put("creatorKnown", f.knownCreator().orElse("unknown"));
            m.put("creatorVersion", String.format("0x%08x", f.creatorVersion()));
            m.put("creatorHostOs", String.format("0x%08x", f.creatorHostOs()));
            m.put("created", f.created().toString());
            m.put("features", String.format("0x%08x", f.features()));
            m.put("formatVersion", String.format("0x%08x", f.formatVersion()));
            m.put("dataOffset", f.dataOffset() == VhdFooter.NO_DATA_OFFSET ? "none" : Long.toUnsignedString(f.dataOffset()));
            m.put("checksum", String.format("0x%08x", f.checksum()));
            m.put("uniqueId", f.uniqueId().toString());
            m.put("savedState", f.savedState());
            return m;
        }

        private static Map<String, Object> header(VhdDynamicHeader h) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tableOffset", h.tableOffset());
            m.put("maxTableEntries", h.maxTableEntries());
            m.put("blockSize", h.blockSize());
            m.put("checksum", String.format("0x%08x", h.checksum()));
            m.put("parentUniqueId", h.parentUniqueId().toString());
            m.put("parentName", h.parentName());
            List<Object> locs = new ArrayList<>();
            for (ParentLocator l : h.parentLocators()) {
                locs.add(l.platformDisplay() + " " + l.dataLength() + " bytes at " + l.dataOffset());
            }
            m.put("parentLocators", locs);
            return m;
        }

        private static Map<String, Object> bat(BlockAllocationTable b) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("blocks", b.blockCount());
            m.put("allocatedBlocks", b.allocatedCount());
            m.put("blockSize", b.blockSize());
            return m;
        }
    }

    /** {@code vhd check FILE [--policy P] [--json]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check whether a disk image is ready to upload to Azure (checks G1-G8). Exit 1 when not ready.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--policy", defaultValue = "azure-platform",
                description = "azure-platform (default) or marketplace (stricter sizes, first 2 MiB free)")
        String policy;
        @Option(names = "--json", description = "print JSON")
        boolean asJson;

        @Override
        public Integer call() throws Exception {
            Policy p;
            try {
                p = Policy.parse(policy);
            } catch (IllegalArgumentException e) {
                throw CommandFailure.usage("vhd check", "--policy: " + e.getMessage(),
                        "use azure-platform or marketplace");
            }
            InputFile.regular(file);
            VerificationService.Readiness v;
            try {
                v = new VerificationService().readiness(file, p.id());
            } catch (IOException e) {
                throw CommandFailure.ofInput(e, file);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (asJson) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", v.file().toString());
                m.put("policy", p.id());
                m.put("format", v.format().map(f -> f.displayName()).orElse("unknown"));
                m.put("ready", v.ready());
                m.put("checks", v.checks());
                out.println(json().writeValueAsString(m));
            } else {
                out.printf("%s (%s), policy %s%n", v.file(), v.format().map(f -> f.displayName()).orElse("unrecognised"),
                        p.id());
                for (CheckResult c : v.checks()) {
                    out.printf("  %-3s %-14s %-6s %s: %s%n", c.id(), c.status().label(), c.severity(), c.title(),
                            String.join("; ", c.evidence()));
                    if (!c.remediation().isEmpty() && c.status() == CheckStatus.FAIL) {
                        out.printf("      fix: %s%n", c.remediation());
                    }
                }
                out.println(v.ready() ? "READY for Azure (container and partition table checks)" : "NOT READY for Azure");
            }
            out.flush();
            return v.ready() ? 0 : NOT_READY;
        }
    }

    /** {@code vhd map FILE [--json] [--ranges N]}: the zero-range map, streamed. */
    @Command(name = "map", mixinStandardHelpOptions = true,
            description = "Read the virtual disk end to end and report which 512-byte-aligned ranges hold data.")
    static final class ZeroMap implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--ranges", defaultValue = "20", description = "ranges to list (default 20); totals cover all")
        int keep;
        @Option(names = "--json", description = "print JSON")
        boolean asJson;

        @Override
        public Integer call() throws Exception {
            InputFile.regular(file);
            long start = System.nanoTime();
            io.vhdflow.disk.container.DataRangeSummary s;
            try (DiskImage img = DiskImages.open(file)) {
                s = io.vhdflow.disk.container.DataRangeScanner.scan(img, (o, l) -> { }, Math.max(0, keep),
                        ProgressListener.NONE);
            } catch (IOException e) {
                throw CommandFailure.ofInput(e, file);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            if (asJson) {
                out.println(json().writeValueAsString(s));
            } else {
                out.printf("%s: %s virtual, %s of data in %d ranges, %s zero (%s)%n", file,
                        Units.bytes(s.virtualSize()), Units.bytes(s.dataBytes()), s.rangeCount(),
                        Units.bytes(s.zeroBytes()), Units.duration(java.time.Duration.ofMillis(Math.round(secs * 1000))));
                s.firstRanges().forEach(r -> out.printf("  data at byte %d to %d (%s)%n", r.offset(), r.end(),
                        Units.bytes(r.length())));
                if (s.truncated()) {
                    out.printf("  ... %d more ranges%n", s.rangeCount() - s.firstRanges().size());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code vhd convert IN OUT}. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert any readable image to an Azure-ready fixed VHD (size rounded up to a whole MiB,"
                    + " sparse, MD5 and SHA-256 of the output computed on the way).")
    static final class Convert implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "IN")
        Path in;
        @Parameters(index = "1", paramLabel = "OUT")
        Path out;
        @Option(names = {"-f", "--force"}, description = "replace OUT if it exists")
        boolean force;
        @Option(names = "--creator", defaultValue = "vhfl",
                description = "footer creator application: vhfl (default) or win (read at its exact size by qemu before 2025)")
        String creator;
        @Option(names = "--json", description = "print the result as JSON")
        boolean asJson;
        @Option(names = "--no-progress", description = "no progress bar even on a terminal")
        boolean noProgress;

        @Override
        public Integer call() throws Exception {
            String c = switch (creator) {
                case "vhfl" -> VhdFooter.VHDFLOW_CREATOR;
                case "win", "win " -> VhdFooter.HYPERV_CREATOR;
                default -> throw CommandFailure.usage("vhd convert", "--creator must be vhfl or win, not '" + creator
                        + "'", "see 'vhdflow vhd convert --help'");
            };
            InputFile.regular(in);
            checkOutputPath(in, out, force);
            ProgressBar bar = !noProgress && System.console() != null ? new ProgressBar(spec.commandLine().getErr())
                    : null;
            FixedVhdWriter.Options o = FixedVhdWriter.Options.defaults().withOverwrite(force).withCreator(c)
                    .withProgress(bar == null ? ProgressListener.NONE : bar);
            ConversionResult r;
            try (DiskImage img = DiskImages.open(in)) {
                r = FixedVhdWriter.convert(img, out, o);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Created by someone else between the check and the write.
                throw CommandFailure.environment("exists", out.toString(), "already exists",
                        "pass -f or --force to replace it, or name another output").withCause(e);
            } catch (DiskException e) {
                throw CommandFailure.ofInput(e, in);
            } catch (IOException e) {
                throw CommandFailure.ofEnvironment(e, out.toString());
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            PrintWriter w = spec.commandLine().getOut();
            if (asJson) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("output", r.output().toString());
                m.put("inputSize", r.inputSize());
                m.put("virtualSize", r.virtualSize());
                m.put("fileSize", r.fileSize());
                m.put("dataBytesWritten", r.dataBytesWritten());
                m.put("md5", r.md5Hex().orElse(null));
                m.put("contentMd5", r.md5Base64().orElse(null));
                m.put("sha256", r.sha256Hex().orElse(null));
                m.put("integrity", r.integrity());
                m.put("uniqueId", r.uniqueId().toString());
                m.put("dataRanges", r.dataRanges());
                m.put("seconds", r.elapsed().toMillis() / 1000.0);
                w.println(json().writeValueAsString(m));
            } else {
                double secs = Math.max(r.elapsed().toMillis(), 1) / 1000.0;
                w.printf("wrote %s: fixed VHD, %s virtual, %s file%n", r.output(), Units.bytes(r.virtualSize()),
                        Units.bytes(r.fileSize()));
                w.printf("  data written %s (%.1f%%), the rest left as holes%n", Units.bytes(r.dataBytesWritten()),
                        100.0 * r.dataBytesWritten() / Math.max(1, r.fileSize()));
                w.printf("  md5     %s  (Content-MD5 %s)%n", r.md5Hex().orElse("-"), r.md5Base64().orElse("-"));
                w.printf("  sha256  %s%n", r.sha256Hex().orElse("-"));
                w.printf("  %s  %s%n", io.vhdflow.disk.container.DataTreeDigest.ALGORITHM, r.integrity().hex());
                w.printf("  unique id %s, %s, %s%n", r.uniqueId(), Units.duration(r.elapsed()),
                        Units.rate(r.fileSize() / secs));
            }
            w.flush();
            return 0;
        }
    }

    /** {@code vhd verify --manifest M (FILE | --blob NAME)}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a package's fixed VHD, any image of the same disk (such as its backup), or the page"
                    + " blob it was uploaded to against the integrity record in its manifest.json: the data tree"
                    + " digest (vhdflow-dtree-sha256-v1) is recomputed from what may hold data and the footer's"
                    + " SHA-256 compared, so the cost follows the data.",
                    "Exit codes: 0 matches, 1 does not match, 3 unreadable input or manifest, 4 no blob credential."})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--manifest", required = true, paramLabel = "MANIFEST", description = "the package's manifest.json")
        Path manifest;
        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the image to check")
        Path file;
        @Option(names = "--blob", paramLabel = "NAME", description = "check this page blob instead (credential and"
                + " container from vhdflow.upload.* / VHDFLOW_UPLOAD_* as for uploads)")
        String blob;
        @Option(names = "--config", paramLabel = "FILE", description = "configuration file with vhdflow.upload.*")
        Path config;

        @Override
        public Integer call() {
            if ((file == null) == (blob == null)) {
                throw CommandFailure.usage("vhd verify", "give either FILE or --blob NAME",
                        "vhdflow vhd verify --manifest MANIFEST FILE, or --blob NAME to check an uploaded blob");
            }
            io.vhdflow.pipeline.IntegrityRecord record;
            io.vhdflow.pipeline.IntegrityRecord.Check check;
            long start = System.nanoTime();
            try {
                record = io.vhdflow.pipeline.IntegrityRecord.fromManifest(
                        io.vhdflow.pipeline.Json.mapper().readTree(manifest.toFile()), manifest);
            } catch (IOException e) {
                throw CommandFailure.ofInput(e, manifest);
            }
            if (file != null) {
                try (DiskImage img = DiskImages.open(file)) {
                    check = record.check(img, ProgressListener.NONE);
                } catch (IOException e) {
                    throw CommandFailure.ofInput(e, file);
                }
            } else {
                io.vhdflow.catalog.upload.UploadSettings us;
                try {
                    us = io.vhdflow.catalog.upload.UploadSettings.from(io.vhdflow.pipeline.SettingsLoader.load(
                            java.util.Optional.ofNullable(config), System.getenv(), new java.util.Properties()));
                } catch (IOException | IllegalArgumentException e) {
                    throw CommandFailure.ofEnvironment(e, config == null ? "upload settings" : config.toString());
                }
                if (us.connectionString().isEmpty() && us.sasUrl().isEmpty()) {
                    throw CommandFailure.environment("no-credential", "blob " + blob, "no blob credential is set",
                            "set VHDFLOW_UPLOAD_CONNECTION_STRING or VHDFLOW_UPLOAD_SAS_URL, or vhdflow.upload.* in"
                                    + " --config");
                }
                try {
                    io.vhdflow.catalog.upload.PageBlobSource src = io.vhdflow.catalog.upload.PageBlobSource.open(us, blob);
                    check = record.checkBlob(src, src.writtenRanges(), src.contentMd5(), ProgressListener.NONE);
                } catch (IOException e) {
                    throw CommandFailure.ofEnvironment(e, "blob " + blob);
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            String what = file != null ? file.toString() : "blob " + blob;
            if (check.matches()) {
                out.printf("%s matches the integrity record of %s (%s %s, %d data bytes in %d pieces)%n", what,
                        record.file(), io.vhdflow.disk.container.DataTreeDigest.ALGORITHM, record.digest(),
                        record.dataBytes(), record.leaves());
            } else {
                out.printf("%s does NOT match the integrity record of %s:%n", what, record.file());
                check.problems().forEach(p -> out.println("  " + p));
                out.println("  what to do: restore the file from its package or backup, or upload the package again");
            }
            check.notes().forEach(n -> out.println("  " + n));
            out.printf("  %.2f s%n", secs);
            out.flush();
            return check.matches() ? ExitCode.OK : ExitCode.NOT_READY;
        }
    }

    /**
     * Refuses an output that would be lost or cannot be written, before any input is read: an
     * existing file without {@code --force}, a directory, the input itself.
     */
    static void checkOutputPath(Path in, Path out, boolean force) {
        if (Files.isDirectory(out)) {
            throw CommandFailure.environment("not-a-file", out.toString(), "is a directory",
                    "name the output file, e.g. " + out.resolve(in.getFileName()));
        }
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (Files.isSameFile(in, out)) {
                    throw CommandFailure.usage("vhd convert", "the output " + out + " is the input",
                            "write the output to another file");
                }
            } catch (IOException e) {
                throw CommandFailure.ofEnvironment(e, out.toString());
            }
            if (!force) {
                throw CommandFailure.environment("exists", out.toString(), "already exists",
                        "pass -f or --force to replace it, or name another output");
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw CommandFailure.environment("not-found", out.toString(), "its folder " + parent + " does not exist",
                    "create the folder first");
        }
    }

    /** A one-line progress bar on stderr: percent, bytes/s, ETA; redrawn at most 5 times a second. */
    static final class ProgressBar implements ProgressListener {
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private long lastDraw;
        private boolean drawn;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void progress(long done, long total) {
            long now = System.nanoTime();
            if (now - lastDraw < 200_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            err.print("\r" + line(done, total, (now - start) / 1e9));
            err.flush();
            drawn = true;
        }

        static String line(long done, long total, double secs) {
            double frac = total <= 0 ? 1 : Math.min(1, done / (double) total);
            int width = 30;
            int filled = (int) (frac * width);
            double rate = secs > 0 ? done / secs : 0;
            String eta = rate > 0 && done < total ? formatSeconds((total - done) / rate) : "--:--";
            return String.format("[%s%s] %5.1f%% %,d/%,d MiB %6.0f MiB/s ETA %s ", "#".repeat(filled),
                    " ".repeat(width - filled), frac * 100, done >> 20, total >> 20, rate / (1 << 20), eta);
        }

        static String formatSeconds(double s) {
            long t = (long) Math.ceil(s);
            return t >= 3600 ? String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                    : String.format("%02d:%02d", t / 60, t % 60);
        }

        synchronized void finish() {
            if (drawn) {
                err.println();
                err.flush();
            }
        }
    }
}
