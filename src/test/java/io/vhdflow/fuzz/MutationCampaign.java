package io.vhdflow.fuzz;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.detect.Filesystems;
import io.vhdflow.disk.detect.VolumeSystems;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.disk.registry.RegistryKey;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.inspect.Verdict;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fuzzing campaign shared by the build's properties ({@link ReaderMutationProperties}) and
 * {@code bench/fuzz.sh} ({@link FuzzMain}): a real image per reader, a few of its bytes overwritten
 * (mostly where the metadata is: the first KiB and MiB, the last sector), then the reader made to read all it can
 * (every directory, file and link of a filesystem within bounds, every key of a hive, every volume
 * of a layout, the whole virtual disk of a VHD), or the whole verification of the two Linux images.
 * Each mutant ends in one {@link Outcome}; a timeout, a crash (an untyped exception or error) or an
 * out-of-memory is a defect.
 */
final class MutationCampaign implements AutoCloseable {

    /** How one mutant ended. */
    enum Outcome {
        /** Read to the end without an error (the damage was in bytes that do not matter, or was tolerated). */
        READ,
        /** A typed error naming the structure ({@link DiskException}, a missing file, a loop, a limit). */
        CLEAN_ERROR,
        /** Verification said ready, and no damaged byte was read by anything. */
        READY_UNREAD,
        /**
         * Verification said ready; damaged bytes were read, but the report is the undamaged image's,
         * check for check and word for word: they lay where a structure read whole keeps nothing a
         * check uses (an MBR's boot code, a GPT header's reserved tail). {@link Result#detail} names
         * the readers.
         */
        READY_UNUSED,
        /**
         * Verification said ready although what its checks saw changed: damaged bytes were read and
         * used. {@link Result#detail} names the readers and the checks whose result changed.
         */
        READY_CHANGED,
        /** Verification gave a verdict: not ready. */
        NOT_READY,
        /**
         * Verification said ready although a check could not run on the damaged image (it ran on the
         * undamaged one): a silent pass over damaged metadata, a defect.
         */
        READY_OVER_DAMAGE,
        /** Verification could not determine. */
        CANNOT_DETERMINE,
        /** Did not end within the time limit. */
        TIMEOUT,
        /** An untyped exception or error: a defect. */
        CRASH,
        /** Out of memory: a defect (an allocation not bounded by the input). */
        OOM;

        boolean defect() {
            return this == TIMEOUT || this == CRASH || this == OOM || this == READY_OVER_DAMAGE;
        }
    }

    /**
     * One mutant's end, with the failure when it crashed, and for a ready verification what read
     * the damaged bytes.
     */
    record Result(Outcome outcome, Optional<Throwable> failure, Optional<String> detail) {
        Result(Outcome outcome, Optional<Throwable> failure) {
            this(outcome, failure, Optional.empty());
        }
    }

    /** An outcome with what explains it (for a verification: which readers read damaged bytes). */
    record Explained(Outcome outcome, Optional<String> detail) {
    }

    /** Bytes overwritten in an image: offsets and their new values. */
    record Mutation(long[] offsets, byte[] values) {
        PatchedByteSource over(ByteSource original) {
            PatchedByteSource p = new PatchedByteSource(original);
            for (int i = 0; i < offsets.length; i++) {
                p.patch(offsets[i], values[i]);
            }
            return p;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < offsets.length; i++) {
                b.append(i == 0 ? "" : ", ").append(offsets[i]).append('=').append(values[i] & 0xFF);
            }
            return b.toString();
        }
    }

    /** A reader and the real image it is fed. */
    interface Target {
        String name();

        long size();

        /** Reads the mutant as far as it goes; returns READ or a verdict, or throws. */
        Outcome exercise(Mutation mutation) throws Exception;

        /** {@link #exercise}, with what explains the outcome where the target can say. */
        default Explained explain(Mutation mutation) throws Exception {
            return new Explained(exercise(mutation), Optional.empty());
        }
    }

    private static final int MAX_ENTRIES = 4000;
    private static final int MAX_FILE_BYTES = 256 << 10;

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-mutant");
        t.setDaemon(true);  // a mutant that hangs must not keep the JVM alive
        return t;
    });

    /** The readers, each with its fixture unpacked into {@code dir}. */
    static List<Target> targets(Path dir) throws IOException {
        return List.of(
                container("vhd-dynamic", Fixtures.extract("vhd/dynamic.vhd.zst", dir)),
                container("vhd-fixed", Fixtures.extract("vhd/fixed-chs.vhd.zst", dir)),
                container("vhdx", Fixtures.extract("containers/dynamic.vhdx.zst", dir)),
                container("qcow2", Fixtures.extract("containers/zlib.qcow2.zst", dir)),
                container("vmdk-sparse", Fixtures.extract("containers/sparse.vmdk.zst", dir)),
                container("vmdk-stream", Fixtures.extract("containers/stream.vmdk.zst", dir)),
                layout("mbr", Fixtures.extract("volume/mbr-logical.img.zst", dir)),
                layout("gpt-lvm", Fixtures.extract("volume/gpt-esp-lvm.img.zst", dir)),
                filesystem("ext4", Fixtures.extract("ext4/ext4.img.zst", dir)),
                filesystem("xfs", Fixtures.extract("xfs/v5.img.zst", dir)),
                filesystem("ntfs", Fixtures.extract("ntfs/ntfs-main.img.zst", dir)),
                filesystem("fat32", Fixtures.extract("fat/fat32.img.zst", dir)),
                filesystem("btrfs", Fixtures.extract("btrfs/csum-xxhash.img.zst", dir)),
                hive("regf", Fixtures.extract("registry/system.hive.zst", dir)),
                verification("verify-ext4-mbr", Fixtures.extract("linux-images/ext4-mbr-generalized.vhd.zst", dir)),
                verification("verify-xfs-lvm-gpt", Fixtures.extract("linux-images/xfs-lvm-gpt-generalized.vhd.zst", dir)),
                verification("verify-ntfs-windows", Fixtures.extract("windows/generalized.vhd.zst", dir)),
                // The family fixtures leave out the boot checks of L15 too (LinuxFamiliesVerificationTest).
                new Verification("verify-btrfs-suse", Fixtures.extract("linux-families/btrfs-gpt-suse-generalized.vhd.zst", dir),
                        Fixtures.generalizationChecks().without(java.util.Set.of("L15", "L15R"))),
                // Every check: a kernel, an initramfs and GRUB's BIOS boot code (G11) to damage too.
                new Verification("verify-gen1-grub", Fixtures.extract("linux-boot/gen1-ready.vhd.zst", dir),
                        io.vhdflow.inspect.CheckCatalog.standard()));
    }

    /**
     * Overwrites 1 to 16 bytes, mostly where metadata lives: the first 4 KiB, MiB and 8 MiB, the
     * last 512 bytes, and anywhere.
     */
    static Mutation mutate(long size, Random random) {
        int n = 1 + random.nextInt(16);
        long[] offsets = new long[n];
        byte[] values = new byte[n];
        for (int i = 0; i < n; i++) {
            int region = random.nextInt(5);
            if (region == 4) {  // the last 512 bytes: a VHD's footer, a GPT's backup header
                offsets[i] = Math.max(0, size - 1 - random.nextInt((int) Math.min(size, 512)));
            } else {
                long bound = switch (region) {
                    case 0 -> Math.min(size, 4096);
                    case 1 -> Math.min(size, 1 << 20);
                    case 2 -> Math.min(size, 8 << 20);
                    default -> size;
                };
                offsets[i] = Math.min((long) (random.nextDouble() * bound), size - 1);
            }
            values[i] = (byte) random.nextInt(256);
        }
        return new Mutation(offsets, values);
    }

    /** Runs one mutant, within {@code timeoutSeconds}. */
    Result run(Target target, Mutation mutation, long timeoutSeconds) {
        Future<Explained> f = pool.submit(() -> target.explain(mutation));
        try {
            Explained e = f.get(timeoutSeconds, TimeUnit.SECONDS);
            return new Result(e.outcome(), Optional.empty(), e.detail());
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Result(Outcome.TIMEOUT, Optional.empty());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof OutOfMemoryError) {
                return new Result(Outcome.OOM, Optional.of(c));
            }
            if (typed(c)) {
                return new Result(Outcome.CLEAN_ERROR, Optional.empty());
            }
            return new Result(Outcome.CRASH, Optional.of(c));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.TIMEOUT, Optional.empty());
        }
    }

    /**
     * The errors a reader may answer damaged input with, each naming what it could not read: a
     * {@link DiskException}, a limit, and java.nio's file errors (no such file, not a directory, a
     * link loop, "is a directory" when an index entry's type contradicts its record).
     */
    static boolean typed(Throwable t) {
        return t instanceof DiskException || t instanceof FileSystemException || t instanceof FileTooLargeException;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    // ------------------------------------------------------------------ targets

    private static Target container(String name, Path image) throws IOException {
        return new OnFile(name, image) {
            @Override
            Outcome exercise(Path mutant) throws IOException {
                try (DiskImage img = DiskImages.open(mutant)) {
                    ByteSource disk = img.virtualDisk();
                    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                    for (long at = 0; at < Math.min(disk.size(), 64L << 20); at += buf.capacity()) {
                        buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - at));
                        disk.readFully(at, buf, "virtual disk");
                    }
                }
                return Outcome.READ;
            }
        };
    }

    private static Target layout(String name, Path image) throws IOException {
        return new InPlace(name, image) {
            @Override
            Outcome exercise(ByteSource mutant) throws IOException {
                DiskLayout l = VolumeSystems.open(mutant);
                for (Volume v : l.volumes()) {
                    v.source().readBytes(0, (int) Math.min(4096, v.source().size()), v.id());
                    Optional<NodeFilesystem<?>> fs = Filesystems.open(v.source());
                    if (fs.isPresent()) {
                        walk(fs.get());
                    }
                }
                return Outcome.READ;
            }
        };
    }

    private static Target filesystem(String name, Path image) throws IOException {
        return new InPlace(name, image) {
            @Override
            Outcome exercise(ByteSource mutant) throws IOException {
                NodeFilesystem<?> fs = Filesystems.open(mutant)
                        .orElseThrow(() -> new NoSuchFileException(name + ": no filesystem recognised"));
                walk(fs);
                return Outcome.READ;
            }
        };
    }

    private static Target hive(String name, Path file) throws IOException {
        return new InPlace(name, file) {
            @Override
            Outcome exercise(ByteSource mutant) throws IOException {
                Hive h = Hive.open(mutant);
                Deque<RegistryKey> todo = new ArrayDeque<>(List.of(h.root()));
                int seen = 0;
                while (!todo.isEmpty() && seen++ < MAX_ENTRIES) {
                    RegistryKey k = todo.pop();
                    k.values().forEach(v -> { });
                    todo.addAll(k.subkeys());
                }
                return Outcome.READ;
            }
        };
    }

    private static Target verification(String name, Path image) throws IOException {
        // The generalization fixtures carry no kernel: their boot checks are left out, so the
        // undamaged image is ready and damage shows in the verdict.
        return new Verification(name, image, Fixtures.generalizationChecks());
    }

    /**
     * A whole verification of a generalized image. A mutant that is still ready is told apart by
     * what happened to its damaged bytes: none read ({@link Outcome#READY_UNREAD}), read but the
     * report unchanged ({@link Outcome#READY_UNUSED}), or read and the report changed
     * ({@link Outcome#READY_CHANGED}); the readers of the damaged bytes are named either way.
     */
    private static final class Verification extends OverImage {
        private final Path image;
        private final VerificationService service;
        private final VerificationReport baseline;

        /** @param checks the checks the undamaged image passes: it must be ready */
        Verification(String name, Path image, io.vhdflow.inspect.CheckCatalog checks) throws IOException {
            super(name, image);
            this.image = image;
            this.service = new VerificationService(checks);
            this.baseline = verify(new ReadWitness(original, new long[0]));
            if (baseline.verdict() != Verdict.READY) {
                throw new IllegalStateException(name() + ": the undamaged image is " + baseline.verdict()
                        + ", not ready: " + baseline.reasons());
            }
        }

        private VerificationReport verify(ReadWitness source) throws IOException {
            return service.verify(source, image, "azure-platform", java.util.Set.of());
        }

        @Override
        public Outcome exercise(Mutation mutation) throws Exception {
            return explain(mutation).outcome();
        }

        @Override
        public Explained explain(Mutation mutation) throws Exception {
            // A byte overwritten with its own value is no damage: only the changed ones are watched.
            long[] damaged = java.util.Arrays.stream(mutation.offsets()).distinct().filter(o -> {
                try {
                    return mutation.over(original).readBytes(o, 1, "mutant")[0] != original.readBytes(o, 1, "image")[0];
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toArray();
            ReadWitness witness = new ReadWitness(mutation.over(original), damaged);
            VerificationReport r = verify(witness);
            if (r.verdict() == Verdict.NOT_READY) {
                return new Explained(Outcome.NOT_READY, Optional.empty());
            }
            if (r.verdict() == Verdict.CANNOT_DETERMINE) {
                return new Explained(Outcome.CANNOT_DETERMINE, Optional.empty());
            }
            if (witness.readers().isEmpty()) {
                return new Explained(Outcome.READY_UNREAD, Optional.empty());
            }
            List<String> skipped = r.checks().stream().filter(c -> c.status() == io.vhdflow.inspect.CheckStatus.NOT_RUN)
                    .filter(c -> baseline.checks().stream().anyMatch(b -> b.id().equals(c.id())
                            && b.status() != io.vhdflow.inspect.CheckStatus.NOT_RUN))
                    .map(c -> c.id() + " " + c.evidence()).toList();
            if (!skipped.isEmpty()) {
                return new Explained(Outcome.READY_OVER_DAMAGE, Optional.of("checks not run: " + skipped));
            }
            List<String> changed = changes(baseline, r);
            String readers = "damaged bytes read by " + String.join("; ", witness.readers());
            return changed.isEmpty() ? new Explained(Outcome.READY_UNUSED, Optional.of(readers))
                    : new Explained(Outcome.READY_CHANGED, Optional.of(readers + "; changed: " + changed));
        }

        /** The result without how long it took (the secrets scan says "in 2 ms"): not a difference of content. */
        private static io.vhdflow.inspect.CheckResult untimed(io.vhdflow.inspect.CheckResult c) {
            return c.with(c.status(), c.evidence().stream().map(e -> e.replaceAll("in \\d+ ms", "in _ ms")).toList(),
                    c.remediation());
        }

        /** What a check or the disk's facts say differently in {@code r} than in {@code base}. */
        private static List<String> changes(VerificationReport base, VerificationReport r) {
            List<String> out = new java.util.ArrayList<>();
            java.util.Map<String, io.vhdflow.inspect.CheckResult> before = new java.util.HashMap<>();
            base.checks().forEach(c -> before.put(c.id(), untimed(c)));
            for (io.vhdflow.inspect.CheckResult c : r.checks()) {
                if (!untimed(c).equals(before.remove(c.id()))) {
                    out.add(c.id() + " " + c.status() + " " + c.evidence());
                }
            }
            before.keySet().forEach(id -> out.add(id + " missing"));
            if (!base.findings().equals(r.findings())) {
                out.add("findings " + r.findings());
            }
            if (!base.facts().equals(r.facts())) {
                out.add("facts " + r.facts());
            }
            if (!base.software().equals(r.software())) {
                out.add("software inventory");
            }
            return out;
        }
    }

    /** A target over an image read in place from its file: the mutant overlays it, nothing copied. */
    private abstract static class OverImage implements Target {
        private final String name;
        final ByteSource original;

        OverImage(String name, Path image) throws IOException {
            this.name = name;
            this.original = FileByteSource.open(image);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            return original.size();
        }
    }

    /** A reader of a source, fed the mutant. */
    private abstract static class InPlace extends OverImage {
        InPlace(String name, Path image) throws IOException {
            super(name, image);
        }

        @Override
        public Outcome exercise(Mutation m) throws Exception {
            return exercise(m.over(original));
        }

        abstract Outcome exercise(ByteSource mutant) throws IOException;
    }

    /**
     * A reader of a file: the bytes are overwritten in the image itself and put back afterwards
     * (images of hundreds of MiB are not copied per mutant).
     */
    private abstract static class OnFile implements Target {
        private final String name;
        private final Path image;
        private final long size;

        OnFile(String name, Path image) throws IOException {
            this.name = name;
            this.image = image;
            this.size = Files.size(image);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public synchronized Outcome exercise(Mutation m) throws Exception {
            byte[] before = new byte[m.offsets().length];
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                for (int i = 0; i < before.length; i++) {
                    f.seek(m.offsets()[i]);
                    before[i] = (byte) f.read();
                    f.seek(m.offsets()[i]);
                    f.write(m.values()[i]);
                }
            }
            try {
                return exercise(image);
            } finally {
                try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                    for (int i = before.length - 1; i >= 0; i--) {  // in reverse: a repeated offset gets its first byte
                        f.seek(m.offsets()[i]);
                        f.write(before[i]);
                    }
                }
            }
        }

        abstract Outcome exercise(Path mutant) throws IOException;
    }

    /**
     * Lists every directory and reads every file and link target (bounded). A typed error on one
     * entry does not stop the walk, so the rest is read too; the first is thrown at the end.
     */
    private static void walk(NodeFilesystem<?> fs) throws IOException {
        Deque<String> dirs = new ArrayDeque<>(List.of("/"));
        IOException first = null;
        int seen = 0;
        while (!dirs.isEmpty() && seen < MAX_ENTRIES) {
            String dir = dirs.pop();
            List<DirEntry> entries;
            try {
                entries = fs.list(dir);
            } catch (IOException e) {
                first = first == null ? e : first;
                continue;
            }
            for (DirEntry e : entries) {
                if (++seen > MAX_ENTRIES) {
                    break;
                }
                String path = (dir.endsWith("/") ? dir : dir + "/") + e.name();
                try {
                    if (e.type() == FileType.DIRECTORY) {
                        dirs.push(path);
                    } else if (e.type() == FileType.REGULAR) {
                        ByteSource s = fs.open(path);
                        s.readBytes(0, (int) Math.min(s.size(), MAX_FILE_BYTES), path);
                    } else if (e.type() == FileType.SYMLINK) {
                        fs.readlink(path);
                    }
                } catch (IOException x) {
                    if (!typed(x)) {
                        throw x;
                    }
                    if (ErrorKind.of(x) != ErrorKind.UNSUPPORTED) {  // the fixtures' deliberate cases (a WOF file)
                        first = first == null ? x : first;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
