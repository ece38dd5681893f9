package io.vhdflow.source;

import com.azure.core.http.HttpRange;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.options.ListPageRangesOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.upload.Redaction;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Fetches the blob a job file names into a local sparse file, reading only what is allocated:
 * the page ranges are listed first (streamed, page by page of the listing) and only they are
 * downloaded, in pieces of at most {@link #PIECE} bytes, {@code parallelism} at a time, each asked
 * with its transactional MD5 and checked against it. Pieces are written in disk order by one
 * thread, all-zero runs left as holes, while the MD5 of the whole blob (zeros between ranges
 * included) is computed on the way and compared with the blob's Content-MD5 when it has one.
 *
 * <p>Resume: the blob's ETag and a watermark (every byte below it is on disk, fsynced) are kept in
 * a state file beside the partial file. A later run with the same ETag re-reads the partial file
 * up to the watermark to rebuild the MD5, then lists and fetches only the ranges above it. Every
 * download asks If-Match: ETag, so a blob changed under a fetch is noticed and the fetch starts
 * over rather than mixing two versions. The token is given to the client only; errors are masked.
 */
public final class BlobFetcher {
    private static final System.Logger LOG = System.getLogger(BlobFetcher.class.getName());
    /** Largest piece asked for: Azure returns a range's MD5 only up to 4 MiB. */
    static final int PIECE = 4 << 20;
    /** Granularity of holes in the local file. */
    static final int HOLE = 64 << 10;
    /** How often (bytes of disk) the watermark is made durable. */
    static final long CHECKPOINT = 256L << 20;
    private static final byte[] ZEROS = new byte[1 << 20];

    private final FetchSettings settings;
    private final ObjectMapper json;
    private final Map<String, String> environment;
    private final long checkpointBytes;

    /**
     * @param environment where a job file's {@code sasTokenEnv} is looked up (the service's environment)
     */
    public BlobFetcher(FetchSettings settings, ObjectMapper json, Map<String, String> environment) {
        this(settings, json, environment, CHECKPOINT);
    }

    BlobFetcher(FetchSettings settings, ObjectMapper json, Map<String, String> environment, long checkpointBytes) {
        this.settings = settings;
        this.json = json;
        this.environment = Map.copyOf(environment);
        this.checkpointBytes = checkpointBytes;
    }

    /** Where a fetch keeps its progress, beside the file it fetches into. */
    public static Path stateFile(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".fetch.json");
    }

    /** The partial file a fetch writes before renaming it to {@code target}. */
    public static Path partialFile(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".partial");
    }

    /** The resume state: which blob version, and how far the local file is complete. */
    private record State(String url, String etag, long size, long watermark) {
    }

    /**
     * Fetches {@code job}'s blob into {@code target}.
     *
     * @param total told the blob's size once known
     * @param done  told the bytes of the disk landed so far
     * @throws BlobJobException the credential or blob is unusable (403, 404, not a blob): retrying cannot help
     * @throws IOException      a transfer failed or the MD5 did not match: retrying resumes or starts over
     */
    public FetchResult fetch(BlobJob job, Path target, LongConsumer total, LongConsumer done) throws IOException {
        long started = System.nanoTime();
        java.util.Optional<SasToken> token = SasToken.of(job, environment);
        BlobClient blob;
        try {
            BlobClientBuilder b = new BlobClientBuilder().endpoint(job.url().toString());
            token.ifPresent(t -> b.sasToken(t.value()));
            blob = b.buildClient();
        } catch (IllegalArgumentException e) {
            throw new BlobJobException("blob.invalid", "the blob URL cannot be used: " + Redaction.mask(e.getMessage()),
                    List.of());
        }
        BlobProperties props;
        try {
            props = blob.getProperties();
        } catch (BlobStorageException e) {
            throw refusal("reading the properties of " + job.where(), e);
        } catch (RuntimeException e) {
            throw new IOException("cannot reach " + job.where() + ": " + Redaction.mask(String.valueOf(e.getMessage())), e);
        }
        long size = props.getBlobSize();
        String etag = props.getETag();
        total.accept(size);
        Path partial = partialFile(target);
        Path stateFile = stateFile(target);
        long watermark = 0;
        if (Files.exists(stateFile) && Files.exists(partial)) {
            State s = json.readValue(stateFile.toFile(), State.class);
            if (s.etag().equals(etag) && s.size() == size && s.url().equals(job.where()) && Files.size(partial) == size) {
                watermark = Math.min(s.watermark(), size);
            } else {
                LOG.log(System.Logger.Level.INFO, "{0} changed since the interrupted fetch (ETag {1} → {2}); starting over",
                        job.where(), s.etag(), etag);
            }
        }
        MessageDigest md5 = md5();
        if (watermark == 0) {
            Files.deleteIfExists(partial);
        }
        long resumedAt = watermark;
        Run run;
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (watermark > 0) {
                rehash(out, watermark, md5);
                LOG.log(System.Logger.Level.INFO, "resuming the fetch of {0} at byte {1}", job.where(), watermark);
            }
            if (out.size() < size) {
                out.write(ByteBuffer.allocate(1), size - 1); // full length now, holes until written
            }
            run = new Run(blob, props, out, md5, new BlobRequestConditions().setIfMatch(etag), stateFile,
                    new State(job.where(), etag, size, watermark), done);
            run.fetchFrom(watermark);
            out.force(true);
        }
        byte[] digest = md5.digest();
        String local = Base64.getEncoder().encodeToString(digest);
        byte[] expected = props.getContentMd5();
        if (expected != null && !Arrays.equals(expected, digest)) {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(stateFile);
            throw new IOException("the fetched " + job.where() + " has MD5 " + local + " but the blob's Content-MD5 is "
                    + Base64.getEncoder().encodeToString(expected) + ": the transfer or the blob is damaged; the"
                    + " partial file was removed and a retry fetches it again");
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(stateFile);
        FetchResult r = new FetchResult(job.where(), String.valueOf(props.getBlobType()), size, run.ranges,
                run.allocated, run.fetched, resumedAt, expected == null ? local : Base64.getEncoder().encodeToString(expected),
                expected != null, etag, (System.nanoTime() - started) / 1e9);
        LOG.log(System.Logger.Level.INFO, "fetched {0}: {1} bytes, {2} allocated in {3} ranges, {4} downloaded{5}",
                job.where(), size, r.allocatedBytes(), r.pageRanges(), r.fetchedBytes(),
                expected != null ? ", Content-MD5 verified" : ", no Content-MD5 to verify");
        return r;
    }

    /** An Azure refusal: final for access, existence and type; anything else may pass. */
    static IOException refusal(String what, BlobStorageException e) {
        String msg = "Azure Storage refused " + what + ": HTTP " + e.getStatusCode() + " " + e.getErrorCode();
        return switch (e.getStatusCode()) {
            case 401, 403 -> new BlobJobException("blob.access-denied", msg + "; the SAS token is wrong, expired or"
                    + " lacks read permission (a disk export SAS must still be valid)", List.of());
            case 404 -> new BlobJobException("blob.not-found", msg + "; check the URL, and that the SAS grants this"
                    + " blob", List.of());
            default -> new IOException(msg + " (" + Redaction.mask(firstLine(e.getMessage())) + ")", e);
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void rehash(FileChannel in, long upTo, MessageDigest md5) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (long pos = 0; pos < upTo; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), upTo - pos));
            int n = in.read(buf, pos);
            if (n <= 0) {
                throw new IOException("the partial file ended at byte " + pos + " below its watermark " + upTo);
            }
            md5.update(buf.array(), 0, n);
            pos += n;
        }
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }

    /** One fetch: lists ranges, downloads pieces in parallel, writes and hashes them in order. */
    private final class Run {
        private final BlobClient blob;
        private final BlobProperties props;
        private final FileChannel out;
        private final MessageDigest md5;
        private final BlobRequestConditions ifMatch;
        private final Path stateFile;
        private final LongConsumer done;
        private State state;
        private long written; // the disk is complete below this (written or hole)
        private long lastCheckpoint;
        long ranges;
        long allocated;
        long fetched;

        Run(BlobClient blob, BlobProperties props, FileChannel out, MessageDigest md5, BlobRequestConditions ifMatch,
            Path stateFile, State state, LongConsumer done) {
            this.blob = blob;
            this.props = props;
            this.out = out;
            this.md5 = md5;
            this.ifMatch = ifMatch;
            this.stateFile = stateFile;
            this.state = state;
            this.done = done;
            this.written = state.watermark();
            this.lastCheckpoint = written;
        }

        void fetchFrom(long from) throws IOException {
            long size = props.getBlobSize();
            ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), r -> {
                Thread t = new Thread(r, "vhdflow-fetch");
                t.setDaemon(true);
                return t;
            });
            Deque<Future<Piece>> inFlight = new ArrayDeque<>();
            int window = 2 * settings.parallelism();
            try {
                for (Iterator<long[]> it = ranges(from, size); it.hasNext(); ) {
                    long[] r = it.next();
                    ranges++;
                    allocated += r[1] - r[0];
                    for (long p = Math.max(r[0], from); p < r[1]; p += PIECE) {
                        long start = p;
                        int len = (int) Math.min(PIECE, r[1] - p);
                        if (inFlight.size() >= window) {
                            land(take(inFlight.removeFirst()));
                        }
                        inFlight.addLast(pool.submit(() -> download(start, len)));
                    }
                }
                while (!inFlight.isEmpty()) {
                    land(take(inFlight.removeFirst()));
                }
            } catch (PagedFailure e) {
                throw refusal("listing the page ranges of " + state.url(), (BlobStorageException) e.getCause());
            } finally {
                pool.shutdownNow();
            }
            zerosUpTo(size);
            done.accept(size);
        }

        /** The allocated ranges at or above {@code from}, as {start, end}; a block blob is one range. */
        private Iterator<long[]> ranges(long from, long size) throws IOException {
            if (from >= size) {
                return List.<long[]>of().iterator();
            }
            if (props.getBlobType() != BlobType.PAGE_BLOB) {
                return List.of(new long[] {from, size}).iterator();
            }
            Iterator<PageRangeItem> items;
            try {
                items = blob.getPageBlobClient().listPageRanges(new ListPageRangesOptions(new BlobRange(from,
                        size - from)).setRequestConditions(ifMatch), null, Context.NONE).iterator();
            } catch (BlobStorageException e) {
                throw refusal("listing the page ranges of " + state.url(), e);
            }
            return new Iterator<>() {
                long[] next = advance();

                private long[] advance() {
                    try {
                        while (items.hasNext()) {
                            PageRangeItem item = items.next();
                            if (item.isClear()) {
                                continue;
                            }
                            HttpRange r = item.getRange();
                            long start = Math.max(from, r.getOffset());
                            long end = Math.min(size, r.getOffset() + (r.getLength() == null ? size : r.getLength()));
                            if (end > start) {
                                return new long[] {start, end};
                            }
                        }
                        return null;
                    } catch (BlobStorageException e) {
                        throw new PagedFailure(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public long[] next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    long[] r = next;
                    next = advance();
                    return r;
                }
            };
        }

        private Piece download(long start, int len) throws IOException {
            byte[] buf = new byte[len];
            BoundedOut sink = new BoundedOut(buf);
            BlobDownloadResponse resp;
            try {
                resp = blob.downloadStreamWithResponse(sink, new BlobRange(start, (long) len),
                        new DownloadRetryOptions().setMaxRetryRequests(3), ifMatch, true, Duration.ofMinutes(5),
                        Context.NONE);
            } catch (BlobStorageException e) {
                throw refusal("a read of " + len + " bytes at " + start + " of " + state.url(), e);
            }
            if (sink.count != len) {
                throw new IOException("a read of " + len + " bytes at " + start + " of " + state.url() + " returned "
                        + sink.count + " bytes");
            }
            byte[] rangeMd5 = resp.getDeserializedHeaders().getContentMd5();
            if (rangeMd5 != null) {
                MessageDigest d = md5();
                d.update(buf);
                if (!Arrays.equals(rangeMd5, d.digest())) {
                    throw new IOException("the " + len + " bytes at " + start + " of " + state.url() + " arrived damaged"
                            + " (their MD5 differs from the one Azure sent)");
                }
            }
            return new Piece(start, buf);
        }

        private Piece take(Future<Piece> f) throws IOException {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("fetch interrupted");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                if (c instanceof BlobStorageException b) {
                    throw refusal("a read of " + state.url(), b);
                }
                throw new IOException("a read of " + state.url() + " failed: " + Redaction.mask(String.valueOf(
                        c.getMessage())), c);
            }
        }

        /** Writes a piece (zero runs as holes), hashes the gap before it and the piece, advances the watermark. */
        private void land(Piece p) throws IOException {
            if (p.start < written) {
                throw new IOException("the page ranges of " + state.url() + " overlap or are out of order at byte "
                        + p.start);
            }
            zerosUpTo(p.start);
            byte[] b = p.data;
            for (int off = 0; off < b.length; off += HOLE) {
                int len = Math.min(HOLE, b.length - off);
                if (Arrays.mismatch(b, off, off + len, ZEROS, 0, len) >= 0) {
                    ByteBuffer w = ByteBuffer.wrap(b, off, len);
                    long at = p.start + off;
                    while (w.hasRemaining()) {
                        at += out.write(w, at);
                    }
                }
            }
            md5.update(b);
            written = p.start + b.length;
            fetched += b.length;
            done.accept(written);
            if (written - lastCheckpoint >= checkpointBytes) {
                checkpoint();
            }
        }

        private void zerosUpTo(long to) {
            while (written < to) {
                int n = (int) Math.min(ZEROS.length, to - written);
                md5.update(ZEROS, 0, n);
                written += n;
            }
        }

        /** Makes the data below the watermark durable, then records the watermark. */
        private void checkpoint() throws IOException {
            out.force(false);
            state = new State(state.url(), state.etag(), state.size(), written);
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.write(tmp, json.writeValueAsBytes(state));
            Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            lastCheckpoint = written;
        }
    }

    private record Piece(long start, byte[] data) {
    }

    /** A listing page that failed while being iterated. */
    private static final class PagedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PagedFailure(BlobStorageException cause) {
            super(cause);
        }
    }

    /** Collects a download into a buffer of the expected size, refusing more. */
    private static final class BoundedOut extends OutputStream {
        private final byte[] buf;
        int count;

        BoundedOut(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > buf.length - count) {
                throw new IOException("the service sent more bytes than the range asked for");
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }
}
