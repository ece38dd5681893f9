package io.vhdflow.pipeline;

import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.testing.Fixtures;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackagingServiceTest {
    @TempDir
    Path home;

    private Settings settings(boolean archive) throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", home.toString());
        p.setProperty("vhdflow.package.archive", String.valueOf(archive));
        Settings s = Settings.from(p);
        s.home().create();
        return s;
    }

    private static JobRecord job(String id, Path source) throws Exception {
        return job(id, source, "g");
    }

    private static JobRecord job(String id, Path source, String gallery) throws Exception {
        ImageMetadata m = ImageMetadata.EMPTY.withDefaults(gallery, "p", "win.vhd");
        return new JobRecord(id, Optional.empty(), "win.vhd", Files.size(source), m, JobState.RUNNING,
                Optional.empty(), Optional.of("ab"), Optional.empty(), Optional.empty(), Instant.now(), Instant.now(),
                Optional.empty(), Optional.empty());
    }

    @Test
    void thePackageHoldsTheFixedVhdManifestSumsAndOnRequestAnArchiveOfThem() throws Exception {
        Settings s = settings(true);
        Path source = Fixtures.extract("windows/generalized.vhd.zst", home);
        VerificationReport report = new VerificationService().verify(source, "azure-platform");
        PackagingService packaging = new PackagingService(s, Json.mapper());
        JobRecord job = job("20260101-000000-000000000001", source);
        PackagingService.PackageResult r = packaging.build(job, source, new SemanticVersion(1, 2, 3), report,
                Progress.NONE);

        Path dir = Path.of(r.directory());
        assertEquals(s.home().packages().resolve("g").resolve("win").resolve("1.2.3"), dir, "packages/<gallery>/<definition>/<version>");
        assertEquals("win-1.2.3.tar.zst", r.archive());
        String sums = Files.readString(dir.resolve("SHA256SUMS"));
        // By default the package has the data tree digest only: no whole-file SHA-256 to list.
        assertTrue(r.sha256().isEmpty() && r.md5().isEmpty());
        assertEquals(List.of("vhdflow-dtree-sha256-v1"), r.digests());
        assertTrue(sums.lines().noneMatch(l -> l.endsWith("  win-1.2.3.vhd")));
        assertTrue(sums.lines().anyMatch(l -> l.endsWith("  win-1.2.3.tar.zst")));
        var manifest = Json.mapper().readTree(dir.resolve("manifest.json").toFile());
        assertEquals("vhdflow.manifest/1", manifest.path("schema").asText());
        assertEquals("ready", manifest.path("verdict").asText());
        assertEquals("Windows", manifest.path("detected").path("osType").asText());
        assertTrue(manifest.path("nonZeroRanges").path("rangeCount").asLong() > 0);
        var integrity = manifest.path("integrity");
        assertEquals("vhdflow.integrity/1", integrity.path("schema").asText());
        assertEquals("vhdflow-dtree-sha256-v1", integrity.path("dataTree").path("algorithm").asText());
        assertEquals(r.integrity().orElseThrow(), integrity.path("dataTree").path("digest").asText());
        byte[] vhd = Files.readAllBytes(dir.resolve("win-1.2.3.vhd"));
        assertEquals(io.vhdflow.testing.ReferenceDataTree.of(vhd, (int) r.virtualSize()),
                integrity.path("dataTree").path("digest").asText());
        assertTrue(integrity.path("md5").isMissingNode());

        List<String> entries = new ArrayList<>();
        try (InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(dir.resolve(r.archive())));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries.add(e.getName() + ":" + e.getSize());
            }
        }
        // The installed programs verification found, as a CycloneDX SBOM beside the VHD, summed and archived.
        assertEquals("sbom.cdx.json", r.sbom());
        assertTrue(sums.lines().anyMatch(l -> l.endsWith("  sbom.cdx.json")), sums);
        assertEquals(java.util.List.of(), new org.cyclonedx.parsers.JsonParser().validate(dir.resolve("sbom.cdx.json").toFile(),
                org.cyclonedx.Version.VERSION_16));
        assertEquals(List.of("win-1.2.3.vhd:" + r.fileSize(), "manifest.json:" + Files.size(dir.resolve("manifest.json")),
                "sbom.cdx.json:" + Files.size(dir.resolve("sbom.cdx.json")), "SHA256SUMS:" + (sums.length() - sums.lines().filter(l -> l.endsWith(".tar.zst")).findFirst()
                        .orElseThrow().length() - 1)), entries);

        // Built again by the same job (a crash after the rename): the package in place is accepted.
        assertEquals(r, packaging.build(job, source, new SemanticVersion(1, 2, 3), report, Progress.NONE));
        // Another job wanting the same folder is refused.
        JobRejectedException e = assertThrows(JobRejectedException.class, () -> packaging.build(
                job("20260101-000000-000000000002", source), source, new SemanticVersion(1, 2, 3), report,
                Progress.NONE));
        assertEquals("package.exists", e.error().code());
    }

    /**
     * With {@code vhdflow.package.md5} and {@code .sha256} on, the one read of the original also
     * computes the whole-file MD5 (Content-MD5) and SHA-256 of the fixed VHD, and the package lists
     * them: in its result (for the catalog), its manifest's integrity record and SHA256SUMS.
     */
    @Test
    void theWholeFileDigestsAreComputedInTheOneReadWhenTheSettingsAskForThem() throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", home.toString());
        p.setProperty("vhdflow.package.md5", "true");
        p.setProperty("vhdflow.package.sha256", "true");
        Settings s = Settings.from(p);
        s.home().create();
        Path source = Fixtures.extract("windows/generalized.vhd.zst", home);
        JobRecord job = job("20260101-000000-000000000003", source);
        Path staged = home.resolve("staged");
        BackupService.BackupResult b = new BackupService(s, Json.mapper()).backup(job, source, staged, Progress.NONE);
        VerificationReport report = new VerificationService().verify(source, "azure-platform");
        PackagingService.PackageResult r = new PackagingService(s, Json.mapper()).build(job, source,
                Optional.of(staged), new SemanticVersion(2, 0, 0), report, Progress.NONE);
        assertEquals(0, r.bytesRead(), "packaging linked the staged VHD: the digests came from the backup's read");
        assertTrue(b.outcome().bytesRead() < Files.size(source) + 64 * 1024, "one read: " + b.outcome().bytesRead());

        Path vhd = Path.of(r.directory()).resolve(r.vhd());
        byte[] md5 = digest("MD5", vhd);
        assertEquals(java.util.HexFormat.of().formatHex(md5), r.md5().orElseThrow());
        assertEquals(java.util.Base64.getEncoder().encodeToString(md5), r.md5Base64().orElseThrow());
        String sha = java.util.HexFormat.of().formatHex(digest("SHA-256", vhd));
        assertEquals(sha, r.sha256().orElseThrow());
        assertEquals(List.of("vhdflow-dtree-sha256-v1", "md5", "sha256"), r.digests());
        assertTrue(Files.readString(Path.of(r.directory()).resolve("SHA256SUMS")).contains(sha + "  " + r.vhd()));
        var integrity = Json.mapper().readTree(Path.of(r.directory()).resolve("manifest.json").toFile())
                .path("integrity");
        assertEquals(r.md5Base64().orElseThrow(), integrity.path("contentMd5").asText());
        assertEquals(sha, integrity.path("sha256").asText());
        assertEquals(io.vhdflow.testing.ReferenceDataTree.of(Files.readAllBytes(vhd), (int) r.virtualSize()),
                integrity.path("dataTree").path("digest").asText());
    }

    private static byte[] digest(String algorithm, Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    @Test
    void theSameDefinitionAndVersionInTwoGalleriesAreTwoPackages() throws Exception {
        Settings s = settings(false);
        Path source = Fixtures.extract("windows/generalized.vhd.zst", home);
        VerificationReport report = new VerificationService().verify(source, "azure-platform");
        PackagingService packaging = new PackagingService(s, Json.mapper());
        SemanticVersion v = new SemanticVersion(1, 0, 0);
        PackagingService.PackageResult a = packaging.build(job("20260101-000000-00000000000a", source, "galleryA"),
                source, v, report, Progress.NONE);
        PackagingService.PackageResult b = packaging.build(job("20260101-000000-00000000000b", source, "galleryB"),
                source, v, report, Progress.NONE);
        assertEquals(s.home().packages().resolve("galleryA/win/1.0.0"), Path.of(a.directory()));
        assertEquals(s.home().packages().resolve("galleryB/win/1.0.0"), Path.of(b.directory()));

        // A package removed (a duplicate found at registration) leaves no empty folders behind.
        packaging.remove(b);
        assertTrue(Files.notExists(s.home().packages().resolve("galleryB")), "empty gallery folder removed");
        assertTrue(Files.isDirectory(Path.of(a.directory())), "the other gallery's package stays");
    }
}
