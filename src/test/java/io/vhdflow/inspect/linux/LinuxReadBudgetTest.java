package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.VerdictRule;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection plus every check but the secrets scan reads little file content: small configs, 20 bytes of
 * one ELF binary.
 */
class LinuxReadBudgetTest {

    @ParameterizedTest
    @ValueSource(strings = {"provisioned", "generalized", "cloudinit-leftover"})
    void fileContentReadStaysSmall(String variant) throws IOException {
        Counting fs = new Counting(TreeFilesystem.fromResource("/fixtures/linux/" + variant + ".tar.zst"));
        LinuxOs os = new LinuxOsDetector().detect(fs, "x").orElseThrow();
        // The secrets scan reads file contents on purpose, within its own budget (SecretScannerHostileTest):
        // left out here, so this measures what detection and the other checks read.
        VerdictRule.assess(LinuxInspector.run(new LinuxContext(fs, os, io.vhdflow.inspect.Policy.AZURE_PLATFORM,
                List.of(), io.vhdflow.inspect.ScanBudget.parse("files=0")), io.vhdflow.testing.Fixtures.generalizationChecks()), Set.of());
        System.getLogger(LinuxReadBudgetTest.class.getName()).log(System.Logger.Level.INFO, variant + ": "
                + fs.opened + " files opened, " + fs.bytes + " content bytes read, " + fs.listings
                + " directory listings");
        // The kept ELF binary (/usr/bin/dash) alone is 125 KiB: only its 20-byte header is read; the account files once.
        assertTrue(fs.bytes.get() < 64 * 1024, fs.bytes + " bytes");
    }

    static final class Counting implements Filesystem {
        final Filesystem inner;
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong opened = new AtomicLong();
        final AtomicLong listings = new AtomicLong();

        Counting(Filesystem inner) {
            this.inner = inner;
        }

        @Override
        public String type() {
            return inner.type();
        }

        @Override
        public Optional<String> label() {
            return inner.label();
        }

        @Override
        public Optional<String> uuid() {
            return inner.uuid();
        }

        @Override
        public FileAttributes stat(String path) throws IOException {
            return inner.stat(path);
        }

        @Override
        public FileAttributes lstat(String path) throws IOException {
            return inner.lstat(path);
        }

        @Override
        public List<DirEntry> list(String path) throws IOException {
            listings.incrementAndGet();
            return inner.list(path);
        }

        @Override
        public io.vhdflow.disk.container.ByteSource open(String path) throws IOException {
            opened.incrementAndGet();
            io.vhdflow.disk.container.ByteSource in = inner.open(path);
            return new io.vhdflow.disk.container.ByteSource() {
                @Override
                public long size() {
                    return in.size();
                }

                @Override
                public int read(long offset, java.nio.ByteBuffer dst) throws IOException {
                    int n = in.read(offset, dst);
                    if (n > 0) {
                        bytes.addAndGet(n);
                    }
                    return n;
                }

                @Override
                public String describe() {
                    return in.describe();
                }
            };
        }

        @Override
        public InputStream newInputStream(String path) throws IOException {
            opened.incrementAndGet();
            return new FilterInputStream(inner.newInputStream(path)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytes.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bytes.addAndGet(n);
                    }
                    return n;
                }
            };
        }

        @Override
        public String readlink(String path) throws IOException {
            return inner.readlink(path);
        }
    }
}
