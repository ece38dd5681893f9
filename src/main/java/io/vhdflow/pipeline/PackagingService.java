package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.disk.container.ConversionResult;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FixedVhdWriter;
import io.vhdflow.inspect.VerificationReport;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Azure-ready package of a job in {@code packages/<image>/<version>/}: the fixed VHD
 * (virtual size a whole MiB, zero ranges sparse, MD5 and SHA-256 in one pass), {@code manifest.json}
 * with the verification report, {@code SHA256SUMS}, and optionally a {@code .tar.zst} archive.
 * The package is assembled in a hidden folder beside its final place and renamed into place
 * whole, so a crash never leaves half a package where a reader would trust it.
 */
public final class PackagingService {
    private static final System.Logger LOG = System.getLogger(PackagingService.class.getName());
    /** Data ranges listed in the manifest; the totals always cover the whole disk. */
    private static final int MANIFEST_RANGES = 10_000;
    public static final String MANIFEST_SCHEMA = "vhdflow.manifest/1";

    private final Settings settings;
    private final ObjectMapper json;

    public PackagingService(Settings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /**
     * What a package holds, as recorded in the journal.
     *
     * @param directory   the package folder
     * @param vhd         the fixed VHD's file name
     * @param version     the image version
     * @param virtualSize virtual size of the fixed VHD
     * @param fileSize    length of the fixed VHD file
     * @param dataBytes   bytes of the disk that hold data (the rest is holes)
     * @param md5         MD5 of the fixed VHD, hex
     * @param md5Base64   the same, base64 (Azure's Content-MD5)
     * @param sha256      SHA-256 of the fixed VHD, hex
     * @param archive     name of the .tar.zst archive, or null
     * @param bytesRead   bytes read from the original
     * @param bytesWritten bytes written (holes excluded)
     */
    public record PackageResult(String directory, String vhd, String version, long virtualSize, long fileSize,
                                long dataBytes, String md5, String md5Base64, String sha256, String archive,
                                long bytesRead, long bytesWritten) {
    }

    public PackageResult build(JobRecord job, Path original, SemanticVersion version, VerificationReport report,
                               Progress progress) throws IOException, JobRejectedException {
        Path imageDir = packageFolder(job);
        Path target = HomeLayout.within(imageDir, version.toString());
        Path manifestFile = target.resolve("manifest.json");
        if (Files.isDirectory(target)) {
            if (Files.isRegularFile(manifestFile)
                    && job.id().equals(json.readTree(manifestFile.toFile()).path("job").asText())) {
                // Renamed into place before a crash kept the journal from recording it: it is complete.
                return json.treeToValue(json.readTree(manifestFile.toFile()).path("package"), PackageResult.class);
            }
            throw new JobRejectedException(JobError.of("package.exists", Stage.PACKAGE.id(),
                    "a package already exists at " + target + " and was made by another job",
                    "name a new version in the sidecar, or remove the stale package folder, and drop the VHD again",
                    List.of()));
        }
        Files.createDirectories(imageDir);
        Path partial = imageDir.resolve("." + version + "." + job.id() + ".partial");
        if (Files.exists(partial)) {
            BackupService.deleteTree(partial);
        }
        Files.createDirectories(partial);
        String vhdName = job.imageName() + "-" + version + ".vhd";
        ConversionResult conversion;
        Throttle throttle = new Throttle(settings.throttleBytesPerSecond());
        long[] last = {0};
        try (DiskImage image = DiskImages.open(original)) {
            conversion = FixedVhdWriter.convert(image, partial.resolve(vhdName), FixedVhdWriter.Options.defaults()
                    .withProgress((done, total) -> {
                        try {
                            throttle.acquire(done - last[0]);
                        } catch (java.io.InterruptedIOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        last[0] = done;
                        progress.bytesTotal(total);
                        progress.bytesDone(done);
                    }));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left")) {
                BackupService.deleteTree(partial);
                throw new JobRejectedException(JobError.of("disk.full", Stage.PACKAGE.id(),
                        "the disk filled up while packaging " + job.sourceName(),
                        "free space in " + settings.home().packages() + " and drop the VHD again from failed/"
                                + job.id() + "/; the original is unchanged", List.of(e.getMessage())), e);
            }
            throw e;
        }
        // The archive's name is known up front so the manifest inside and beside it are the same.
        String archive = settings.archive() ? job.imageName() + "-" + version + ".tar.zst" : null;
        PackageResult result = new PackageResult(target.toString(), vhdName, version.toString(),
                conversion.virtualSize(), conversion.fileSize(), conversion.dataRanges().dataBytes(),
                conversion.md5Hex(), conversion.md5Base64(), conversion.sha256Hex(), archive,
                conversion.inputSize(), conversion.dataBytesWritten());
        Files.write(partial.resolve("manifest.json"), manifest(job, result, report, conversion));
        StringBuilder sums = new StringBuilder()
                .append(conversion.sha256Hex()).append("  ").append(vhdName).append('\n')
                .append(BackupService.sha256(partial.resolve("manifest.json"), new Throttle(0))).append("  manifest.json\n");
        Files.writeString(partial.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
        if (archive != null) {
            writeArchive(partial, archive, List.of(vhdName, "manifest.json", "SHA256SUMS"));
            sums.append(BackupService.sha256(partial.resolve(archive), new Throttle(0))).append("  ").append(archive)
                    .append('\n');
            Files.writeString(partial.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
        }
        for (String f : List.of("manifest.json", "SHA256SUMS")) {
            try (var ch = java.nio.channels.FileChannel.open(partial.resolve(f), java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        BackupService.fsyncDirectory(imageDir);
        LOG.log(System.Logger.Level.INFO, "job {0}: packaged {1} (MD5 {2}, SHA-256 {3})", job.id(),
                target.resolve(vhdName), result.md5(), result.sha256());
        return result;
    }

    /**
     * {@code packages/<gallery>/<definition>/}: the folder of an image definition's versions. The
     * gallery is part of the path because a definition is named within its gallery: the same
     * definition and version in two galleries are two packages.
     */
    public Path packageFolder(JobRecord job) {
        return HomeLayout.within(HomeLayout.within(settings.home().packages(), job.metadata().gallery()),
                job.imageName());
    }

    /** Removes a package this pipeline made (a duplicate found at registration), and the folders it leaves empty. */
    public void remove(PackageResult p) throws IOException {
        Path dir = Path.of(p.directory());
        if (dir.startsWith(settings.home().packages()) && Files.isDirectory(dir)) {
            BackupService.deleteTree(dir);
            for (Path parent = dir.getParent(); !parent.equals(settings.home().packages()); parent = parent.getParent()) {
                try (var left = Files.list(parent)) {
                    if (left.findAny().isPresent()) {
                        break;
                    }
                }
                Files.delete(parent);
            }
        }
    }

    private byte[] manifest(JobRecord job, PackageResult p, VerificationReport report, ConversionResult c)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", MANIFEST_SCHEMA);
        m.put("job", job.id());
        m.put("createdAt", Instant.now().toString());
        m.put("image", job.metadata());
        m.put("version", p.version());
        m.put("detected", report.facts());
        m.put("verdict", report.verdict().label());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("name", job.sourceName());
        source.put("size", job.sourceSize());
        source.put("sha256", job.sourceSha256().orElse(null));
        source.put("format", report.facts().format());
        source.put("virtualSize", c.inputSize());
        m.put("source", source);
        m.put("package", p);
        List<Map<String, Long>> ranges = new ArrayList<>();
        c.dataRanges().firstRanges().stream().limit(MANIFEST_RANGES)
                .forEach(r -> ranges.add(Map.of("offset", r.offset(), "length", r.length())));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataBytes", c.dataRanges().dataBytes());
        data.put("zeroBytes", c.dataRanges().zeroBytes());
        data.put("rangeCount", c.dataRanges().rangeCount());
        data.put("ranges", ranges);
        data.put("rangesTruncated", c.dataRanges().truncated() || c.dataRanges().rangeCount() > MANIFEST_RANGES);
        m.put("nonZeroRanges", data);
        m.put("verification", report);
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    }

    private static void writeArchive(Path dir, String name, List<String> files) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(name)), 1 << 20);
             ZstdOutputStream z = new ZstdOutputStream(out, 3);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(z)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String f : files) {
                TarArchiveEntry e = new TarArchiveEntry(dir.resolve(f).toFile(), f);
                tar.putArchiveEntry(e);
                Files.copy(dir.resolve(f), tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }
}
