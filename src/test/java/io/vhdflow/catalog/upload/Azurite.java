package io.vhdflow.catalog.upload;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.vhdflow.testing.ExternalTools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's blob service (npm package {@code azurite}), started for a test on 127.0.0.1 with a
 * free port and its own data folder, and stopped by PID afterwards. Found at
 * {@code $AZURITE_BLOB}, else {@code .tools/azurite/node_modules/.bin/azurite-blob} in the
 * project (where {@code .ci/run} installs it), else on the PATH; tests are skipped when absent, outside CI.
 */
public final class Azurite implements AutoCloseable {
    /** Azurite's well-known development account (public, documented; not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final int port;

    private Azurite(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The azurite-blob executable, if installed. */
    public static Optional<Path> executable() {
        String env = System.getenv("AZURITE_BLOB");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Path local = Path.of(System.getProperty("user.dir"), ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
        if (Files.isExecutable(local)) {
            return Optional.of(local);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "azurite-blob");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What the upload tests miss without Azurite, and how to get it. */
    public static final String MISSING = "Azurite is not installed: run "
            + "'npm install --prefix .tools/azurite azurite@3.37.0' (as .ci/run does) or set AZURITE_BLOB";

    /** Starts Azurite; when it is not installed, skips the calling test (fails it in CI, see ExternalTools). */
    public static Azurite start(Path dataDir) throws IOException, InterruptedException {
        Optional<Path> exe = executable();
        ExternalTools.require(exe.isPresent(), MISSING);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("azurite.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(exe.get().toString(), "--blobHost", "127.0.0.1",
                "--blobPort", Integer.toString(port), "--skipApiVersionCheck", "--loose"));
        if (Boolean.getBoolean("azurite.inMemory")) {
            // Benchmarks only: separates Azurite's disk writes from the upload's own cost.
            cmd.add("--inMemoryPersistence");
        } else {
            cmd.addAll(List.of("--location", dataDir.toString()));
        }
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Azurite a = new Azurite(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("Azurite exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return a;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        a.close();
        throw new IOException("Azurite did not listen on 127.0.0.1:" + port + " within 60 s: " + Files.readString(log));
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    /** The blob service's endpoint, {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public BlobContainerClient container(String name) {
        return new BlobServiceClientBuilder().connectionString(connectionString()).buildClient()
                .getBlobContainerClient(name);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        // Only the process this test started, by its PID.
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
