package io.vhdflow.catalog.upload;

import com.azure.core.http.HttpRange;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.options.ListPageRangesOptions;
import com.azure.storage.blob.options.PageBlobCreateOptions;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.vhdflow.disk.container.DataRangeScanner;
import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.ProgressListener;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Uploads a packaged fixed VHD to Azure Storage as a page blob, sending only its non-zero
 * 512-byte sectors (a new page blob reads as zeros), at most {@link #MAX_PUT} bytes per put, with
 * a bounded number of puts in flight.
 *
 * <p>Every put carries its own transactional MD5 ({@code Content-MD5} of the request), so Azure
 * rejects a put corrupted on the way; no whole-file MD5 is needed for that.
 *
 * <p>Resume: the blob is created with the package's identifying digest (its data tree digest, or
 * for packages made before it the file's SHA-256), size and (when the package has one) MD5 in its
 * metadata, and is marked complete only after the last put: with the package's whole-file MD5 as
 * Content-MD5, else with the metadata {@value #META_COMPLETE}. A blob found with matching
 * metadata that is not marked complete is an interrupted upload of this very file, so its
 * existing page ranges are subtracted and only the rest is sent. A blob with other metadata is
 * never touched unless overwriting is configured. The completion mark is read back.
 *
 * <p>Memory stays flat in disk size: the zero-range map is streamed, and at most
 * {@code 2 × parallelism} puts of 4 MiB are buffered. The page ranges of a resumed blob are held
 * as a list (one entry per contiguous run the earlier run wrote).
 */
public final class PageBlobUploader {
    private static final System.Logger LOG = System.getLogger(PageBlobUploader.class.getName());

    /** Largest put-pages request Azure accepts. */
    public static final int MAX_PUT = 4 << 20;
    static final int SECTOR = 512;
    /** Blob metadata written at creation; names must be C# identifiers. */
    static final String META_SHA256 = "vhdflowsha256";
    static final String META_SIZE = "vhdflowsize";
    static final String META_MD5 = "vhdflowmd5";
    /** Set to the identifying digest after the last put when the package has no whole-file MD5. */
    static final String META_COMPLETE = "vhdflowcomplete";

    private final BlobContainerClient container;
    private final int parallelism;
    private final boolean overwrite;

    public PageBlobUploader(BlobContainerClient container, int parallelism, boolean overwrite) {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1-64, got " + parallelism);
        }
        this.container = container;
        this.parallelism = parallelism;
        this.overwrite = overwrite;
    }

    /** An uploader for the configured account and container. */
    public static PageBlobUploader connect(UploadSettings s) {
        BlobContainerClient c;
        try {
            c = s.sasUrl().isPresent()
                    ? new BlobContainerClientBuilder().endpoint(s.sasUrl().get()).buildClient()
                    : new BlobServiceClientBuilder().connectionString(s.connectionString().orElseThrow(() ->
                            new IllegalArgumentException("no upload credential configured")))
                    .buildClient().getBlobContainerClient(s.container());
        } catch (IllegalArgumentException e) {
            // The SDK's message may quote the credential it could not parse.
            throw new IllegalArgumentException("the upload credential is malformed: " + Redaction.mask(e.getMessage())
                    + " (check VHDFLOW_UPLOAD_CONNECTION_STRING or VHDFLOW_UPLOAD_SAS_URL)");
        }
        return new PageBlobUploader(c, s.parallelism(), s.overwrite());
    }

    /** The container uploads go to. */
    BlobContainerClient container() {
        return container;
    }

    /** URL of the container, without any SAS token. */
    public String containerUrl() {
        return Redaction.withoutQuery(container.getBlobContainerUrl());
    }

    /**
     * Uploads {@code vhd} (a fixed VHD) to the page blob {@code blobName}, resuming an interrupted
     * upload of the same file.
     *
     * @param md5Base64 the file's MD5, base64 (the package's), set as Content-MD5 at the end
     * @param sha256Hex the file's SHA-256, identifying it in the blob metadata
     * @throws UploadException the blob holds other content, or the read-back does not match
     * @throws IOException     the file cannot be read, or Azure failed (retrying resumes)
     */
    public UploadResult upload(Path vhd, String blobName, String md5Base64, String sha256Hex, UploadListener listener)
            throws IOException, UploadException {
        return upload(vhd, blobName, Optional.of(md5Base64), sha256Hex, listener);
    }

    /**
     * Uploads {@code vhd} as {@link #upload(Path, String, String, String, UploadListener)} does; a
     * package without a whole-file MD5 is marked complete in the blob's metadata instead.
     *
     * @param md5Base64 the file's MD5, base64, when the package has one
     * @param identity  the digest identifying the file (its data tree digest, or its SHA-256)
     */
    public UploadResult upload(Path vhd, String blobName, Optional<String> md5Base64, String identity,
                               UploadListener listener) throws IOException, UploadException {
        String sha256Hex = identity;
        long started = System.nanoTime();
        Optional<byte[]> wholeMd5 = md5Base64.map(PageBlobUploader::decodeMd5);
        long size = Files.size(vhd);
        try (DiskImage image = DiskImages.open(vhd);
             FileChannel channel = FileChannel.open(vhd, StandardOpenOption.READ)) {
            if (image.format() != DiskFormat.VHD_FIXED) {
                throw new UploadException(vhd.getFileName() + " is a " + image.format() + " image; Azure needs a fixed"
                        + " VHD in a page blob. Upload the package's fixed VHD.");
            }
            PageBlobClient blob = container.getBlobClient(blobName).getPageBlobClient();
            String uri = blobUri(blobName);
            Map<String, String> metadata = new java.util.HashMap<>(Map.of(META_SHA256, sha256Hex.toLowerCase(Locale.ROOT),
                    META_SIZE, Long.toString(size)));
            wholeMd5.ifPresent(m -> metadata.put(META_MD5, HexFormat.of().formatHex(m)));
            List<long[]> present = new ArrayList<>();
            boolean resumed = false;
            try {
                // If-not-exists in one call: the disks of a VM image are uploaded at once, racing to create it.
                container.createIfNotExists();
                BlobProperties props = properties(blob);
                if (props != null) {
                    boolean sameFile = props.getBlobType() == BlobType.PAGE_BLOB && props.getBlobSize() == size
                            && metadata.get(META_SHA256).equals(props.getMetadata().get(META_SHA256))
                            && metadata.get(META_SIZE).equals(props.getMetadata().get(META_SIZE));
                    if (sameFile && complete(props, wholeMd5, metadata)) {
                        LOG.log(System.Logger.Level.INFO, "{0} is already uploaded and verified", uri);
                        return new UploadResult(uri, size, 0, 0, size, 0, false, true,
                                props.getContentMd5() == null ? ""
                                        : Base64.getEncoder().encodeToString(props.getContentMd5()), seconds(started));
                    }
                    if (sameFile && props.getContentMd5() == null && !props.getMetadata().containsKey(META_COMPLETE)) {
                        present = pageRanges(blob, size);
                        resumed = true;
                    } else if (overwrite) {
                        LOG.log(System.Logger.Level.WARNING, "{0} holds other content; replacing it (overwrite is on)",
                                uri);
                        blob.delete();
                        create(blob, size, metadata);
                    } else {
                        throw new UploadException("the blob " + uri + " already exists with other content ("
                                + describe(props) + ") than " + vhd.getFileName() + " (SHA-256 " + sha256Hex
                                + ", " + size + " bytes); remove it, choose another container, or set "
                                + "vhdflow.upload.overwrite=true to replace it");
                    }
                } else {
                    create(blob, size, metadata);
                }
            } catch (BlobStorageException e) {
                throw azureFailure("preparing " + uri, e);
            }
            Pump pump = new Pump(blob, channel, present, size, listener);
            pump.run(image);
            try {
                if (wholeMd5.isPresent()) {
                    byte[] md5 = wholeMd5.get();
                    blob.setHttpHeaders(new BlobHttpHeaders().setContentType("application/octet-stream")
                            .setContentMd5(md5));
                } else {
                    Map<String, String> done = new java.util.HashMap<>(metadata);
                    done.put(META_COMPLETE, metadata.get(META_SHA256));
                    blob.setMetadata(done);
                }
                BlobProperties after = blob.getProperties();
                if (!complete(after, wholeMd5, metadata) || after.getBlobSize() != size) {
                    throw new UploadException("the blob " + uri + " reads back with Content-MD5 "
                            + (after.getContentMd5() == null ? "none" : Base64.getEncoder().encodeToString(after.getContentMd5()))
                            + ", completion mark " + after.getMetadata().getOrDefault(META_COMPLETE, "none")
                            + " and " + after.getBlobSize() + " bytes, expected " + md5Base64.orElse("no Content-MD5")
                            + " and " + size);
                }
            } catch (BlobStorageException e) {
                throw azureFailure("marking " + uri + " complete", e);
            }
            UploadResult r = new UploadResult(uri, size, pump.sent, size - pump.dataBytes, pump.alreadyPresent,
                    pump.puts, resumed, false, md5Base64.orElse(""), seconds(started));
            LOG.log(System.Logger.Level.INFO, "uploaded {0}: {1} bytes sent, {2} zero bytes skipped, {3} already present"
                    + " ({4} puts, {5} s)", uri, r.sent(), r.skippedZero(), r.alreadyPresent(), r.puts(),
                    String.format(Locale.ROOT, "%.1f", r.seconds()));
            return r;
        }
    }

    /**
     * The blob's URL with its name's '/' kept as is (the SDK escapes them as %2F, which names the
     * same blob but reads badly in a gallery request) and no SAS token.
     */
    String blobUri(String blobName) {
        StringBuilder b = new StringBuilder(containerUrl());
        for (String segment : blobName.split("/", -1)) {
            b.append('/').append(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        return b.toString();
    }

    /** Whether a blob with this file's metadata is marked complete: by its Content-MD5, or its metadata. */
    private static boolean complete(BlobProperties p, Optional<byte[]> md5, Map<String, String> metadata) {
        if (md5.isPresent()) {
            return p.getContentMd5() != null && Arrays.equals(p.getContentMd5(), md5.get());
        }
        return metadata.get(META_SHA256).equals(p.getMetadata().get(META_COMPLETE));
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static byte[] decodeMd5(String md5Base64) {
        byte[] md5;
        try {
            md5 = Base64.getDecoder().decode(md5Base64);
        } catch (IllegalArgumentException e) {
            md5 = new byte[0];
        }
        if (md5.length != 16) {
            throw new IllegalArgumentException("'" + md5Base64 + "' is not a base64 MD5 (16 bytes)");
        }
        return md5;
    }

    private static String describe(BlobProperties p) {
        return p.getBlobType() + ", " + p.getBlobSize() + " bytes, SHA-256 "
                + p.getMetadata().getOrDefault(META_SHA256, "unknown")
                + (p.getContentMd5() != null || p.getMetadata().containsKey(META_COMPLETE) ? ", complete" : ", incomplete");
    }

    private static BlobProperties properties(PageBlobClient blob) {
        try {
            return blob.getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static void create(PageBlobClient blob, long size, Map<String, String> metadata) {
        blob.createWithResponse(new PageBlobCreateOptions(size).setMetadata(metadata)
                        .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream"))
                        .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                null, Context.NONE);
    }

    /** The blob's written page ranges, ascending and merged, as {start, endExclusive}. */
    static List<long[]> pageRanges(PageBlobClient blob, long size) {
        List<long[]> out = new ArrayList<>();
        for (PageRangeItem item : blob.listPageRanges(new ListPageRangesOptions(new BlobRange(0, size)), null,
                Context.NONE)) {
            if (item.isClear()) {
                continue;
            }
            HttpRange r = item.getRange();
            long start = r.getOffset();
            long end = start + (r.getLength() == null ? size - start : r.getLength());
            if (!out.isEmpty() && out.get(out.size() - 1)[1] >= start) {
                out.get(out.size() - 1)[1] = Math.max(out.get(out.size() - 1)[1], end);
            } else {
                out.add(new long[] {start, end});
            }
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        return out;
    }

    private static IOException azureFailure(String what, BlobStorageException e) {
        return new IOException("Azure Storage refused " + what + ": HTTP " + e.getStatusCode() + " "
                + e.getErrorCode() + " (" + Redaction.mask(firstLine(e.getMessage())) + ")");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Stops the scan once a put has failed. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    /**
     * Turns the streamed data ranges into puts: subtracts what the blob already holds, cuts the
     * rest into pieces of at most 4 MiB and runs them on a fixed pool, at most twice the pool
     * size in flight so the scan never runs far ahead of the network.
     */
    private final class Pump {
        private final PageBlobClient blob;
        private final FileChannel channel;
        private final List<long[]> present;
        private final long size;
        private final UploadListener listener;
        private final ExecutorService pool;
        private final Semaphore inFlight = new Semaphore(2 * parallelism);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[MAX_PUT]);
        private int presentIndex;
        private long scannedTo;
        // Scan thread only:
        private long dataBytes;
        // Guarded by this:
        private long sent;
        private long alreadyPresent;
        private long skippedZero;
        private long puts;

        Pump(PageBlobClient blob, FileChannel channel, List<long[]> present, long size, UploadListener listener) {
            this.blob = blob;
            this.channel = channel;
            this.present = present;
            this.size = size;
            this.listener = listener;
            this.pool = Executors.newFixedThreadPool(parallelism, r -> {
                Thread t = new Thread(r, "vhdflow-upload");
                t.setDaemon(true);
                return t;
            });
        }

        void run(DiskImage image) throws IOException {
            try {
                try {
                    DataRangeScanner.scan(image, this::data, 0, ProgressListener.NONE);
                    // The footer: the last 512 bytes, never zero.
                    data(size - SECTOR, SECTOR);
                } catch (Stop e) {
                    // a put failed; reported below
                }
            } finally {
                pool.shutdown();
                try {
                    while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                        LOG.log(System.Logger.Level.INFO, "waiting for puts in flight to finish");
                    }
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("upload interrupted");
                }
            }
            Throwable t = failure.get();
            if (t instanceof BlobStorageException b) {
                throw azureFailure("a put of pages", b);
            }
            if (t instanceof IOException io) {
                throw io;
            }
            if (t != null) {
                throw new IOException("upload stopped after " + puts + " puts: " + Redaction.mask(String.valueOf(t.getMessage()))
                        + "; run it again to send the rest", t);
            }
            synchronized (this) {
                skippedZero = size - dataBytes;
            }
        }

        /** One data range from the scan (ascending, 512-aligned); the footer comes last. */
        private void data(long offset, long length) {
            if (failure.get() != null) {
                throw new Stop();
            }
            long end = Math.min(offset + length, size);
            if (offset >= end) {
                return;
            }
            // The footer may touch the disk's last data range; count its bytes once.
            long from = Math.max(offset, scannedTo);
            synchronized (this) {
                skippedZero += Math.max(0, offset - scannedTo);
            }
            dataBytes += end - from;
            scannedTo = end;
            long pos = from;
            while (pos < end) {
                while (presentIndex < present.size() && present.get(presentIndex)[1] <= pos) {
                    presentIndex++;
                }
                long nextPresent = presentIndex < present.size() ? present.get(presentIndex)[0] : Long.MAX_VALUE;
                if (nextPresent <= pos) {
                    long e = Math.min(end, present.get(presentIndex)[1]);
                    synchronized (this) {
                        alreadyPresent += e - pos;
                    }
                    pos = e;
                    continue;
                }
                long stop = Math.min(end, nextPresent);
                while (pos < stop) {
                    int n = (int) Math.min(MAX_PUT, stop - pos);
                    submit(pos, n);
                    pos += n;
                }
            }
        }

        private void submit(long offset, int length) {
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new InterruptedIOException("upload interrupted"));
                throw new Stop();
            }
            try {
                pool.execute(() -> {
                    try {
                        if (failure.get() == null) {
                            put(offset, length);
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        inFlight.release();
                    }
                });
            } catch (RuntimeException e) {
                inFlight.release();
                throw e;
            }
        }

        private void put(long offset, int length) throws IOException {
            byte[] buf = buffers.get();
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, length);
            long pos = offset;
            while (bb.hasRemaining()) {
                int n = channel.read(bb, pos);
                if (n < 0) {
                    throw new IOException("the file ended at byte " + pos + " while reading a page range; was it changed?");
                }
                pos += n;
            }
            byte[] md5;
            try {
                MessageDigest d = MessageDigest.getInstance("MD5");
                d.update(buf, 0, length);
                md5 = d.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            // The transactional MD5 makes Azure reject a put corrupted on the way.
            blob.uploadPagesWithResponse(new PageRange().setStart(offset).setEnd(offset + length - 1),
                    new ByteArrayInputStream(buf, 0, length), md5, null, null, Context.NONE);
            synchronized (this) {
                sent += length;
                puts++;
                listener.progress(new UploadProgress(sent, skippedZero, alreadyPresent, size, puts, offset, length));
            }
        }
    }
}
