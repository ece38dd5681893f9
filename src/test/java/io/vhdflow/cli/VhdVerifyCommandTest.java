package io.vhdflow.cli;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.catalog.upload.Azurite;
import io.vhdflow.catalog.upload.PageBlobUploader;
import io.vhdflow.catalog.upload.UploadListener;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.PackagingService;
import io.vhdflow.pipeline.Progress;
import io.vhdflow.pipeline.Settings;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vhd verify}: a package's VHD, its original and its page blob against the manifest's integrity record. */
class VhdVerifyCommandTest {
    @TempDir
    Path dir;
    Path original;
    Path manifest;
    Path vhd;
    PackagingService.PackageResult pkg;

    @BeforeEach
    void packageTheDynamicFixture() throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", dir.resolve("home").toString());
        Settings s = Settings.from(p);
        s.home().create();
        original = Fixtures.extract("vhd/dynamic.vhd.zst", dir);
        JobRecord job = new JobRecord("20260101-000000-00000000000c", Optional.empty(), "dynamic.vhd",
                Files.size(original), ImageMetadata.EMPTY.withDefaults("g", "p", "dynamic.vhd"), JobState.RUNNING,
                Optional.empty(), Optional.of("ab"), Optional.empty(), Optional.empty(), Instant.now(), Instant.now(),
                Optional.empty(), Optional.empty());
        pkg = new PackagingService(s, Json.mapper()).build(job, original, new SemanticVersion(1, 0, 0),
                new VerificationService().verify(original, "azure-platform"), Progress.NONE);
        manifest = Path.of(pkg.directory()).resolve("manifest.json");
        vhd = Path.of(pkg.directory()).resolve(pkg.vhd());
    }

    @Test
    void aFileMatchesUntilAByteOfDataOrOfAZeroRangeChanges() throws Exception {
        Cli.Run ok = Cli.run("vhd", "verify", "--manifest", manifest.toString(), vhd.toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("matches the integrity record") && ok.out().contains("footer checked"), ok.out());
        // The original (a dynamic VHD of the same disk) matches too: only its allocated blocks are read.
        Cli.Run orig = Cli.run("vhd", "verify", "--manifest", manifest.toString(),
                original.toString());
        assertEquals(0, orig.exit(), orig.out() + orig.err());
        assertTrue(orig.out().contains("allocated blocks only"), orig.out());

        long firstData = Json.mapper().readTree(manifest.toFile()).path("nonZeroRanges").path("ranges").get(0)
                .path("offset").asLong();
        Path flipped = copyWith(vhd, "flipped.vhd", firstData + 100, -1);
        Cli.Run bad = Cli.run("vhd", "verify", "--manifest", manifest.toString(), flipped.toString());
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("does NOT match"), bad.out());

        Path inZero = copyWith(vhd, "inzero.vhd", pkg.virtualSize() - 4096, 7);
        Cli.Run bad2 = Cli.run("vhd", "verify", "--manifest", manifest.toString(), inZero.toString());
        assertEquals(1, bad2.exit(), bad2.out());

        Cli.Run usage = Cli.run("vhd", "verify", "--manifest", manifest.toString());
        assertEquals(ExitCode.USAGE, usage.exit());
    }

    private Path copyWith(Path from, String name, long at, int value) throws Exception {
        Path to = dir.resolve(name);
        Files.copy(from, to);
        try (RandomAccessFile f = new RandomAccessFile(to.toFile(), "rw")) {
            f.seek(at);
            int old = f.read();
            f.seek(at);
            f.write(value < 0 ? old ^ 0x20 : value);
        }
        return to;
    }

    @Test
    void anUploadedBlobMatchesAndATamperedOneDoesNot() throws Exception {
        try (Azurite azurite = Azurite.start(dir.resolve("azurite"))) {
            BlobContainerClient c = azurite.container("vhds");
            c.create();
            // A package without a whole-file MD5: marked complete in the blob's metadata, found complete again.
            new PageBlobUploader(c, 2, false).upload(vhd, "g/dynamic/1.0.0/d.vhd", Optional.empty(),
                    pkg.integrity().orElseThrow(), UploadListener.NONE);
            assertTrue(new PageBlobUploader(c, 2, false).upload(vhd, "g/dynamic/1.0.0/d.vhd", Optional.empty(),
                    pkg.integrity().orElseThrow(), UploadListener.NONE).alreadyComplete());
            Path config = Files.writeString(dir.resolve("upload.properties"),
                    "vhdflow.upload.connection-string=" + azurite.connectionString() + "\nvhdflow.upload.container=vhds\n");
            Cli.Run ok = Cli.run("vhd", "verify", "--manifest", manifest.toString(),
                    "--blob", "g/dynamic/1.0.0/d.vhd", "--config", config.toString());
            assertEquals(0, ok.exit(), ok.out() + ok.err());
            assertTrue(ok.out().contains("bytes of written pages"), ok.out());

            // A page written where the disk is zero: the written-page map shows it and the digest changes.
            PageBlobClient b = c.getBlobClient("g/dynamic/1.0.0/d.vhd").getPageBlobClient();
            byte[] page = new byte[512];
            page[3] = 9;
            long at = pkg.virtualSize() - 8192;
            b.uploadPagesWithResponse(new PageRange().setStart(at).setEnd(at + 511), new ByteArrayInputStream(page),
                    null, null, null, Context.NONE);
            Cli.Run bad = Cli.run("vhd", "verify", "--manifest", manifest.toString(),
                    "--blob", "g/dynamic/1.0.0/d.vhd", "--config", config.toString());
            assertEquals(1, bad.exit(), bad.out() + bad.err());
        }
    }
}
