package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.disk.container.ConversionResult;
import io.vhdflow.disk.container.DataTreeDigest;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FixedVhdWriter;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.sbom.CycloneDxSbom;
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
import java.util.Optional;

/**
 * Builds the Azure-ready package of a job in {@code packages/<image>/<version>/}: the fixed VHD
 * (virtual size a whole MiB, zero ranges sparse), {@code manifest.json} with the integrity record
 * and the verification report, the CycloneDX SBOM of the installed packages ({@code sbom.cdx.json},
 * when an OS was found), {@code SHA256SUMS}, and optionally a {@code .tar.zst} archive.
 * The fixed VHD is the one the backup stage's read pass staged, linked into the package without
 * reading it again; only when none is staged (a job resumed from an older release, an original
 * the pass could not convert) is it converted here, in a pass of the shared {@link DataPassBudget}.
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
    private final DataPassBudget budget;

    public PackagingService(Settings settings, ObjectMapper json, DataPassBudget budget) {
        this.settings = settings;
        this.json = json;
        this.budget = budget;
    }

    /** A service with a budget of its own (tests, tools). */
    public PackagingService(Settings settings, ObjectMapper json) {
        this(settings, json, new DataPassBudget(settings.dataPath()));
    }

    /** Packages {@code original}, converting it here (no staged conversion). */
    public PackageResult build(JobRecord job, Path original, SemanticVersion version, VerificationReport report,
                               Progress progress) throws IOException, JobRejectedException {
        return build(job, original, Optional.empty(), version, report, progress);
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
     * @param md5         MD5 of the whole fixed VHD, hex, when {@code vhdflow.package.md5} is on
     * @param md5Base64   the same, base64 (Azure's Content-MD5)
     * @param sha256      SHA-256 of the whole fixed VHD, hex, when {@code vhdflow.package.sha256} is on
     * @param archive     name of the .tar.zst archive, or null
     * @param bytesRead   bytes read from the original by this stage (0 when the conversion was staged)
     * @param bytesWritten bytes written (holes excluded)
     * @param integrity   the data tree digest of the virtual disk ({@value DataTreeDigest#ALGORITHM}), hex;
     *                    empty only for a package made before it existed
     * @param digests     names of the digests the package has, for the catalog
     * @param sbom        name of the CycloneDX SBOM of the installed packages, or null when no OS was found
     * @param dataDisks   a VM image's data disks, in LUN order (none for an OS image)
     */
    public record PackageResult(String directory, String vhd, String version, long virtualSize, long fileSize,
                                long dataBytes, Optional<String> md5, Optional<String> md5Base64,
                                Optional<String> sha256, String archive, long bytesRead, long bytesWritten,
                                Optional<String> integrity, List<String> digests, String sbom,
                                List<PackagedDataDisk> dataDisks) {
        public PackageResult {
            dataDisks = dataDisks == null ? List.of() : List.copyOf(dataDisks);
            // Absent in journals written before these fields existed.
            md5 = md5 == null ? Optional.empty() : md5;
            md5Base64 = md5Base64 == null ? Optional.empty() : md5Base64;
            sha256 = sha256 == null ? Optional.empty() : sha256;
            integrity = integrity == null ? Optional.empty() : integrity;
            digests = digests == null ? List.of() : List.copyOf(digests);
        }
    }

    /**
     * Packages {@code original}; {@code staged} is the folder where the backup stage's pass left
     * the converted fixed VHD, used when it holds a complete one.
     */
    public PackageResult build(JobRecord job, Path original, Optional<Path> staged, SemanticVersion version,
                               VerificationReport report, Progress progress) throws IOException, JobRejectedException {
        return build(job, original, staged, version, report, progress, DataDisks.NONE);
    }

    /** Builds the package of a VM image: the OS disk as above, and its data disks beside it. */
    public PackageResult build(JobRecord job, Path original, Optional<Path> staged, SemanticVersion version,
                               VerificationReport report, Progress progress, DataDisks dataDisks)
            throws IOException, JobRejectedException {
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
        Optional<ConversionResult> fromStage = staged.flatMap(this::stagedConversion);
        ConversionResult conversion;
        long readHere = 0;
        if (fromStage.isPresent() && link(fromStage.get().output(), partial.resolve(vhdName))) {
            conversion = fromStage.get();
        } else {
            conversion = convert(job, original, partial, vhdName, progress);
            readHere = conversion.inputSize();
        }
        List<PackagedDataDisk> data = dataDisks.write(partial, job.imageName() + "-" + version);
        // The archive's name is known up front so the manifest inside and beside it are the same.
        String archive = settings.archive() ? job.imageName() + "-" + version + ".tar.zst" : null;
        String sbom = report.software().isEmpty() ? null : CycloneDxSbom.FILE_NAME;
        List<String> digests = new ArrayList<>(List.of(DataTreeDigest.ALGORITHM));
        conversion.md5Hex().ifPresent(m -> digests.add("md5"));
        conversion.sha256Hex().ifPresent(m -> digests.add("sha256"));
        PackageResult result = new PackageResult(target.toString(), vhdName, version.toString(),
                conversion.virtualSize(), conversion.fileSize(), conversion.dataRanges().dataBytes(),
                conversion.md5Hex(), conversion.md5Base64(), conversion.sha256Hex(), archive,
                readHere, readHere > 0 ? conversion.dataBytesWritten() : 0,
                Optional.of(conversion.integrity().hex()), digests, sbom, data);
        Files.write(partial.resolve("manifest.json"), manifest(job, result, report, conversion));
        StringBuilder sums = new StringBuilder();
        conversion.sha256Hex().ifPresent(h -> sums.append(h).append("  ").append(vhdName).append('\n'));
        for (PackagedDataDisk d : data) {
            d.sha256().ifPresent(h -> sums.append(h).append("  ").append(d.vhd()).append('\n'));
        }
        sums.append(BackupService.sha256(partial.resolve("manifest.json"), new Throttle(0))).append("  manifest.json\n");
        List<String> files = new ArrayList<>(List.of(vhdName, "manifest.json"));
        data.forEach(d -> files.add(d.vhd()));
        if (sbom != null) {
            // The packages verification found, as a CycloneDX SBOM beside the VHD it describes.
            CycloneDxSbom.write(partial.resolve(sbom), CycloneDxSbom.bom(vhdName, report.software(), report.checkedAt()));
            sums.append(BackupService.sha256(partial.resolve(sbom), new Throttle(0))).append("  ").append(sbom).append('\n');
            files.add(sbom);
        }
        Files.writeString(partial.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
        if (archive != null) {
            List<String> archived = new ArrayList<>(files);
            archived.add("SHA256SUMS");
            writeArchive(partial, archive, archived);
            sums.append(BackupService.sha256(partial.resolve(archive), new Throttle(0))).append("  ").append(archive)
                    .append('\n');
            Files.writeString(partial.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
        }
        for (String f : sbom == null ? List.of("manifest.json", "SHA256SUMS") : List.of("manifest.json", "SHA256SUMS", sbom)) {
            try (var ch = java.nio.channels.FileChannel.open(partial.resolve(f), java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        BackupService.fsyncDirectory(imageDir);
        LOG.log(System.Logger.Level.INFO, "job {0}: packaged {1} ({2} {3}{4})", job.id(),
                target.resolve(vhdName), DataTreeDigest.ALGORITHM, conversion.integrity().hex(),
                readHere > 0 ? ", converted again from the original" : "");
        return result;
    }

    /**
     * Puts one data disk of a VM image into the package being built as {@code vhdName}: its staged
     * conversion linked when complete, else converted here from the original.
     */
    public ConversionResult packageDisk(JobRecord job, Path original, Optional<Path> staged, Path partial,
                                        String vhdName, Progress progress) throws IOException, JobRejectedException {
        Optional<ConversionResult> fromStage = staged.flatMap(this::stagedConversion);
        if (fromStage.isPresent() && link(fromStage.get().output(), partial.resolve(vhdName))) {
            return fromStage.get();
        }
        return convert(job, original, partial, vhdName, progress);
    }

    /**
     * A data disk of a VM image in its package, as recorded in the journal, the manifest and the catalog.
     *
     * @param lun          its LUN
     * @param hostCaching  its host caching
     * @param source       the file as dropped
     * @param sourceSha256 SHA-256 of the file as dropped
     * @param vhd          the fixed VHD's file name in the package
     * @param integrity    the data tree digest of its virtual disk, hex
     */
    public record PackagedDataDisk(int lun, String hostCaching, String source, String sourceSha256, String vhd,
                                   long virtualSize, long fileSize, long dataBytes, Optional<String> md5,
                                   Optional<String> md5Base64, Optional<String> sha256, String integrity,
                                   long bytesWritten) {
        public PackagedDataDisk {
            md5 = md5 == null ? Optional.empty() : md5;
            md5Base64 = md5Base64 == null ? Optional.empty() : md5Base64;
            sha256 = sha256 == null ? Optional.empty() : sha256;
        }

        /** What packaging one data disk gave. */
        public static PackagedDataDisk of(int lun, String hostCaching, String source, String sourceSha256, String vhd,
                                          ConversionResult c) {
            return new PackagedDataDisk(lun, hostCaching, source, sourceSha256, vhd, c.virtualSize(), c.fileSize(),
                    c.dataRanges().dataBytes(), c.md5Hex(), c.md5Base64(), c.sha256Hex(), c.integrity().hex(),
                    c.dataBytesWritten());
        }
    }

    /** Writes a VM image's data disks into the package folder being built (none for an OS image). */
    @FunctionalInterface
    public interface DataDisks {
        DataDisks NONE = (dir, base) -> List.of();

        /**
         * @param partialDir the package folder being built
         * @param baseName   {@code <image>-<version>}: each data disk becomes {@code <baseName>-lun<N>.vhd}
         */
        List<PackagedDataDisk> write(Path partialDir, String baseName) throws IOException, JobRejectedException;
    }

    /** The conversion the backup stage staged, when it is complete. */
    private Optional<ConversionResult> stagedConversion(Path staged) {
        Path description = staged.resolve(BackupService.STAGED_RESULT);
        Path vhd = staged.resolve(BackupService.STAGED_VHD);
        try {
            if (!Files.isRegularFile(description) || !Files.isRegularFile(vhd)) {
                return Optional.empty();
            }
            ConversionResult c = json.copy()
                    .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(description.toFile(), ConversionResult.class);
            if (Files.size(vhd) != c.fileSize() || c.integrity() == null) {
                LOG.log(System.Logger.Level.WARNING, "staged conversion {0} is incomplete; converting again", vhd);
                return Optional.empty();
            }
            return Optional.of(new ConversionResult(vhd, c.inputSize(), c.virtualSize(), c.fileSize(),
                    c.dataBytesWritten(), c.md5Hex(), c.md5Base64(), c.sha256Hex(), c.integrity(), c.footerSha256(),
                    c.uniqueId(), c.dataRanges(), c.elapsed()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "staged conversion in {0} unreadable ({1}); converting again",
                    staged, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Puts the staged fixed VHD into the package as a hard link: nothing is read or copied, and the
     * staged file stays until the job completes, so a packaging rerun after a crash links it again.
     */
    private static boolean link(Path stagedVhd, Path packaged) {
        try {
            Files.createLink(packaged, stagedVhd);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot link the staged conversion into the package ({0});"
                    + " converting again from the original", e.getMessage());
            return false;
        }
    }

    private ConversionResult convert(JobRecord job, Path original, Path partial, String vhdName, Progress progress)
            throws IOException, JobRejectedException {
        Throttle throttle = new Throttle(settings.throttleBytesPerSecond());
        long[] last = {0};
        try (DataPassBudget.Permit permit = budget.acquire(job.id(), job.sourceSize());
             DiskImage image = DiskImages.open(original)) {
            return FixedVhdWriter.convert(image, partial.resolve(vhdName), FixedVhdWriter.Options.defaults()
                    .withDigests(settings.dataPath().digests())
                    .withProgress((done, total) -> {
                        try {
                            throttle.acquire(done - last[0]);
                            permit.read(done - last[0]);
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
        m.put("integrity", integrityRecord(p, c));
        m.put("verification", report);
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    }

    /**
     * The manifest's integrity record: the data tree digest of the virtual disk with what it
     * covers, the footer's SHA-256, and the whole-file digests the package has.
     * {@code vhdflow vhd verify} checks a file or a blob against it.
     */
    static Map<String, Object> integrityRecord(PackageResult p, ConversionResult c) {
        Map<String, Object> dtree = new LinkedHashMap<>();
        dtree.put("algorithm", DataTreeDigest.ALGORITHM);
        dtree.put("digest", c.integrity().hex());
        dtree.put("virtualSize", c.integrity().virtualSize());
        dtree.put("dataBytes", c.integrity().dataBytes());
        dtree.put("leaves", c.integrity().leaves());
        dtree.put("pieceBytes", DataTreeDigest.PIECE);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("schema", INTEGRITY_SCHEMA);
        r.put("file", p.vhd());
        r.put("fileSize", c.fileSize());
        r.put("dataTree", dtree);
        r.put("footerSha256", c.footerSha256());
        c.md5Hex().ifPresent(m -> r.put("md5", m));
        c.md5Base64().ifPresent(m -> r.put("contentMd5", m));
        c.sha256Hex().ifPresent(m -> r.put("sha256", m));
        r.put("digests", p.digests());
        return r;
    }

    /** Schema of the manifest's {@code integrity} object. */
    public static final String INTEGRITY_SCHEMA = "vhdflow.integrity/1";

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
