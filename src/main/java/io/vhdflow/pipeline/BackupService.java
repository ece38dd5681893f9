package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ConversionResult;
import io.vhdflow.disk.container.CountingByteSource;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.container.FixedVhdWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the copy of the original that exists before anything else is derived from it,
 * {@code backup/<image>/<job>/<file>}, in the job's one read of the original: the same bytes
 * feed the backup (written sparse, all-zero 4 KiB blocks left as holes), the original's SHA-256,
 * and the converter that stages the package's fixed VHD with its digests in
 * {@code work/<job>/.package/} (see {@link BackupTee}). An original the converter cannot read
 * (damaged, a format it refuses) is still backed up; the verify stage then says why.
 * Keeps the newest {@link Settings#backupRetention()} backups per image.
 */
public final class BackupService {
    private static final System.Logger LOG = System.getLogger(BackupService.class.getName());
    /** Read size for whole-file hashing. */
    private static final int CHUNK = 4 << 20;

    private final Settings settings;
    private final ObjectMapper json;
    private final DataPassBudget budget;
    private final FreeSpace freeSpace;

    public BackupService(Settings settings, ObjectMapper json, DataPassBudget budget) {
        this(settings, json, budget, dir -> Files.getFileStore(dir).getUsableSpace());
    }

    /** @param freeSpace how the free space of the backup's filesystem is read (tests give a disk of their own) */
    BackupService(Settings settings, ObjectMapper json, DataPassBudget budget, FreeSpace freeSpace) {
        this.settings = settings;
        this.json = json;
        this.budget = budget;
        this.freeSpace = freeSpace;
    }

    /** The usable bytes of the filesystem holding {@code dir}. */
    @FunctionalInterface
    interface FreeSpace {
        long usable(Path dir) throws IOException;
    }

    /** A service with a budget of its own (tests, tools). */
    public BackupService(Settings settings, ObjectMapper json) {
        this(settings, json, new DataPassBudget(settings.dataPath()));
    }

    /** Where the backup of {@code job} lives. */
    public Path backupFile(JobRecord job) {
        return backupFile(job, job.sourceName());
    }

    /** Where the backup of the job's disk {@code fileName} lives (a VM image's disks share the job's folder). */
    public Path backupFile(JobRecord job, String fileName) {
        Path imageDir = HomeLayout.within(settings.home().backup(), job.imageName());
        return HomeLayout.within(HomeLayout.within(imageDir, job.id()), fileName);
    }

    /**
     * Backs up {@code source} and, from the same read, stages its conversion in {@code staged}.
     * Idempotent: a rerun makes both again from the original, which is never modified.
     *
     * @return the outcome; its result JSON holds the path, the SHA-256 and what was staged
     */
    public BackupResult backup(JobRecord job, Path source, Path staged, Progress progress)
            throws IOException, JobRejectedException {
        return backup(job, source, backupFile(job), staged, progress);
    }

    /** Backs up {@code source} to {@code target} (one disk of a VM image); idempotent as above. */
    public BackupResult backup(JobRecord job, Path source, Path target, Path staged, Progress progress)
            throws IOException, JobRejectedException {
        Files.createDirectories(target.getParent());
        long size = Files.size(source);
        long needed = knownNeed(source, size);
        ensureSpace(job, target.getParent(), needed);
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        if (Files.isDirectory(staged)) {
            deleteTree(staged);
        }
        Pass pass;
        try (DataPassBudget.Permit permit = budget.acquire(job.id(), size)) {
            pass = onePass(source, partial, staged, progress, permit, target.getParent());
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            if (Files.isDirectory(staged)) {
                deleteTree(staged);
            }
            Optional<ReserveReached> reached = reserveReached(e);
            if (reached.isPresent()) {
                ReserveReached r = reached.get();
                throw diskFull(job, target.getParent(), r.usable(),
                        "needed more than " + r.read() + " bytes (" + ByteSizes.binary(r.read())
                                + "): the reserve was reached after reading that much");
            }
            throw asDiskFull(job, e);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
        LOG.log(System.Logger.Level.INFO, "job {0}: backup {1} written (SHA-256 {2}){3}", job.id(), target,
                pass.sha256(), pass.conversion().isPresent() ? ", conversion staged" : "");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("path", target.toString());
        result.put("sha256", pass.sha256());
        result.put("bytes", size);
        result.put("bytesWritten", pass.backupWritten());
        result.put("bytesRead", pass.bytesRead());
        pass.conversion().ifPresent(c -> {
            Map<String, Object> conv = new LinkedHashMap<>();
            conv.put("staged", c.output().toString());
            conv.put("virtualSize", c.virtualSize());
            conv.put("dataBytes", c.dataRanges().dataBytes());
            conv.put("integrity", c.integrity());
            c.md5Hex().ifPresent(m -> conv.put("md5", m));
            c.sha256Hex().ifPresent(m -> conv.put("sha256", m));
            result.put("conversion", conv);
        });
        pass.notConverted().ifPresent(r -> result.put("notConverted", r));
        long written = pass.backupWritten() + pass.conversion().map(ConversionResult::dataBytesWritten).orElse(0L);
        return new BackupResult(target, pass.sha256(), StageOutcome.of(pass.bytesRead(), written,
                json.writeValueAsString(result)));
    }

    /** The backup and its outcome. */
    public record BackupResult(Path path, String sha256, StageOutcome outcome) {
    }

    /**
     * What the one read produced.
     *
     * @param sha256        SHA-256 of the original file
     * @param backupWritten bytes written to the backup (holes excluded)
     * @param bytesRead     bytes read from the original's file (its size when read once)
     * @param conversion    the staged conversion, unless the original could not be converted
     * @param notConverted  why not
     */
    private record Pass(String sha256, long backupWritten, long bytesRead, Optional<ConversionResult> conversion,
                        Optional<String> notConverted) {
    }

    private Pass onePass(Path source, Path partial, Path staged, Progress progress, DataPassBudget.Permit permit,
                         Path dir) throws IOException {
        Throttle throttle = new Throttle(settings.throttleBytesPerSecond());
        ReserveGuard guard = new ReserveGuard(dir);
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             BackupTee tee = new BackupTee(FileByteSource.open(source), out, n -> {
                 throttle.acquire(n);
                 permit.read(n);
                 guard.read(n);
             }, progress)) {
            long size = tee.size();
            Optional<ConversionResult> conversion = Optional.empty();
            Optional<String> notConverted = Optional.empty();
            CountingByteSource counted = new CountingByteSource(tee); // the converter's reads, not the tee's own
            DiskImage image = null;
            try {
                image = DiskImages.open(counted, source);
            } catch (DiskException e) {
                // Backed up all the same; the verify stage reports the damage with its evidence.
                notConverted = Optional.of(e.getMessage());
            }
            if (image != null) {
                tee.arm();
                try {
                    Files.createDirectories(staged);
                    conversion = Optional.of(FixedVhdWriter.convert(image, staged.resolve(STAGED_VHD),
                            FixedVhdWriter.Options.defaults().withOverwrite(true)
                                    .withDigests(settings.dataPath().digests())));
                } catch (DiskException e) {
                    notConverted = Optional.of(e.getMessage());
                    deleteTree(staged);
                }
            }
            String sha;
            try {
                sha = tee.finish();
            } finally {
                if (image != null) {
                    image.close(); // its parents; the tee closes with the try
                }
            }
            if (out.size() < size) {
                // A trailing zero run: set the length without writing data.
                out.truncate(size);
                if (out.size() < size) {
                    out.write(ByteBuffer.allocate(1), size - 1);
                }
            }
            out.force(true);
            if (conversion.isPresent()) {
                writeStaged(staged, conversion.get());
            }
            return new Pass(sha, tee.written(), counted.bytesRead() + tee.gapBytes(), conversion, notConverted);
        }
    }

    /** File name of the staged fixed VHD in the staged folder. */
    static final String STAGED_VHD = "disk.vhd";
    /** File name of the staged conversion's description. */
    static final String STAGED_RESULT = "conversion.json";

    private void writeStaged(Path staged, ConversionResult c) throws IOException {
        Path tmp = staged.resolve("." + STAGED_RESULT + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(json.writeValueAsBytes(c));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, staged.resolve(STAGED_RESULT), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(staged);
    }

    /** SHA-256 of a whole file, streamed. */
    static String sha256(Path file, Throttle throttle) throws IOException {
        MessageDigest sha = newSha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            int n;
            while ((n = in.read(buf.clear(), pos)) > 0) {
                throttle.acquire(n);
                sha.update(buf.flip());
                pos += n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * What the one read is known to write before it starts, from the container's map rather than the virtual size: a
     * sparse container (dynamic VHD, VHDX, qcow2, sparse VMDK) writes its file (its allocated data and metadata) to the
     * backup and its allocated ranges plus a footer to the staged fixed VHD. A fixed or raw image, or a file that is no
     * disk image, has no map telling data from zeros before the read, and both copies skip zero blocks, so nothing is
     * counted up front; {@link ReserveGuard} keeps the reserve while it is read. Cheap: headers and block map only.
     */
    static long knownNeed(Path source, long fileSize) throws IOException {
        try (DiskImage image = DiskImages.open(FileByteSource.open(source), source)) {
            long mapped = image.allocatedBytes();
            if (mapped >= image.virtualSize()) {
                return 0;
            }
            long n = fileSize + mapped + FOOTER;
            return n < 0 ? Long.MAX_VALUE : n;
        } catch (DiskException e) {
            return 0; // not converted: the verify stage reports why
        }
    }

    /** The staged fixed VHD's footer. */
    private static final int FOOTER = 512;
    /** How often the free space is read during the pass: up to this much is read between two looks. */
    private static final long GUARD_EVERY = 4L << 20;

    /**
     * Keeps the reserve during the read: every {@value #GUARD_EVERY} bytes read, the free space must still be above
     * the reserve, else the pass stops (the caller deletes what it wrote; the original is never touched).
     */
    private final class ReserveGuard {
        private final Path dir;
        private long read;
        private long sinceLook;

        ReserveGuard(Path dir) {
            this.dir = dir;
        }

        void read(long n) throws IOException {
            read += n;
            sinceLook += n;
            if (sinceLook < GUARD_EVERY) {
                return;
            }
            sinceLook = 0;
            long usable = freeSpace.usable(dir);
            if (usable < settings.spaceReserveBytes()) {
                throw new ReserveReached(read, usable);
            }
        }
    }

    /** The guard's stop, however deep a reader wrapped it. */
    private static Optional<ReserveReached> reserveReached(Throwable e) {
        for (int depth = 0; e != null && depth < 16; depth++, e = e.getCause()) {
            if (e instanceof ReserveReached r) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The pass stopped because the free space fell to the reserve after {@code read} bytes were read. */
    private static final class ReserveReached extends IOException {
        private final long read;
        private final long usable;

        ReserveReached(long read, long usable) {
            super("free space fell below the reserve");
            this.read = read;
            this.usable = usable;
        }

        long read() {
            return read;
        }

        long usable() {
            return usable;
        }
    }

    private void ensureSpace(JobRecord job, Path dir, long needed) throws IOException, JobRejectedException {
        long usable = freeSpace.usable(dir);
        if (usable < needed || usable - needed < settings.spaceReserveBytes()) {
            throw diskFull(job, dir, usable, "needed " + needed + " bytes (" + ByteSizes.binary(needed)
                    + ": the allocated data of the original and of its virtual disk; zero ranges are not counted)");
        }
    }

    private JobRejectedException diskFull(JobRecord job, Path dir, long usable, String need) {
        return new JobRejectedException(JobError.of("disk.full", Stage.BACKUP.id(),
                "not enough free space for the backup of " + job.sourceName(),
                "free space on the filesystem of " + dir + " (or lower vhdflow.backup.retention or "
                        + "vhdflow.backup.reserve-bytes), then drop the VHD again from failed/" + job.id() + "/",
                List.of(need, "free " + usable + " bytes (" + ByteSizes.binary(usable) + ")",
                        "reserve " + settings.spaceReserveBytes() + " bytes (vhdflow.backup.reserve-bytes), "
                                + ByteSizes.binary(settings.spaceReserveBytes()))));
    }

    private IOException asDiskFull(JobRecord job, IOException e) throws JobRejectedException {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota exceeded")) {
            throw new JobRejectedException(JobError.of("disk.full", Stage.BACKUP.id(),
                    "the disk filled up while backing up " + job.sourceName(),
                    "free space in " + settings.home().backup() + " and drop the VHD again from failed/" + job.id()
                            + "/; the original is unchanged", List.of(m)), e);
        }
        return e;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

}
