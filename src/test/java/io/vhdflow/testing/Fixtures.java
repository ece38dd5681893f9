package io.vhdflow.testing;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.disk.container.ByteArraySource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Test fixtures are committed compressed under {@code src/test/resources/fixtures/} (made by the
 * scripts in {@code fixtures/}). This unpacks one into a test's temporary folder, writing zero
 * blocks as holes so a sparse multi-GiB image costs only its data on disk.
 */
public final class Fixtures {
    private static final int BLOCK = 64 * 1024;

    private Fixtures() {
    }

    /** Unpacks {@code fixtures/<name>} (a {@code .zst} resource, or stored plain) into {@code dir}. */
    public static Path extract(String name, Path dir) {
        String resource = "/fixtures/" + name;
        InputStream raw = Fixtures.class.getResourceAsStream(resource);
        if (raw == null) {
            throw new IllegalArgumentException("no test fixture " + resource + " on the class path");
        }
        String outName = Path.of(name).getFileName().toString();
        boolean zst = outName.endsWith(".zst");
        if (zst) {
            outName = outName.substring(0, outName.length() - 4);
        }
        Path out = dir.resolve(outName);
        try (InputStream in = zst ? new ZstdInputStream(new BufferedInputStream(raw)) : raw;
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[BLOCK];
            long pos = 0;
            while (true) {
                int n = in.readNBytes(buf, 0, BLOCK);
                if (n <= 0) {
                    break;
                }
                if (!isZero(buf, n)) {
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    long p = pos;
                    while (bb.hasRemaining()) {
                        p += ch.write(bb, p);
                    }
                }
                pos += n;
            }
            ch.truncate(pos);
            if (ch.size() < pos) {
                // A trailing hole: extend the file to its full length without writing data.
                ch.write(ByteBuffer.allocate(1), pos - 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unpacking fixture " + resource, e);
        }
        return out;
    }

    /** The whole of {@code file} in memory, named by its file name, for tests that copy or damage small images. */
    public static ByteArraySource inMemory(Path file) {
        try {
            return new ByteArraySource(Files.readAllBytes(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Checks that read what the generalization fixtures (fixtures/make-linux-trees.sh and the disk
     * images built from them) do not keep: the boot loader configuration and initramfs (L11, L12),
     * the UEFI fallback loader (L16), sshd's keep-alive (L18), the package database (L21), the BIOS
     * boot code in sector 0 (G11: no boot loader was installed on them). Those fixtures were cut to
     * the generalization checks' files; the boot checks have their own fixtures
     * (fixtures/make-linux-boot.sh).
     */
    public static final java.util.Set<String> NOT_IN_GENERALIZATION_FIXTURES =
            java.util.Set.of("G11", "L11", "L12", "L16", "L18", "L21");

    /** The standard catalog without {@link #NOT_IN_GENERALIZATION_FIXTURES}. */
    public static io.vhdflow.inspect.CheckCatalog generalizationChecks() {
        return io.vhdflow.inspect.CheckCatalog.standard().without(NOT_IN_GENERALIZATION_FIXTURES);
    }

    /** Text of a fixture's companion file (e.g. the tool output recorded when it was made). */
    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test fixture /fixtures/" + name + " on the class path");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isZero(byte[] b, int n) {
        return Arrays.mismatch(b, 0, n, new byte[n], 0, n) < 0;
    }

    /** Bytes the filesystem allocated to {@code file} (holes excluded), as {@code stat -c %b*%B} reports. */
    public static long allocatedBytes(Path file) {
        try {
            Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
            String[] out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim().split(" ");
            if (p.waitFor() != 0) {
                throw new IOException("stat failed: " + String.join(" ", out));
            }
            return Long.parseLong(out[0]) * Long.parseLong(out[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code tool} is on the PATH, for cross-checks that run only where it is installed. */
    public static boolean toolInstalled(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
