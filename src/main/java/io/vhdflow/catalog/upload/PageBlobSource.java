package io.vhdflow.catalog.upload;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.vhdflow.disk.container.ByteRange;
import io.vhdflow.disk.container.ByteSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A page blob read as a {@link ByteSource}, with its written page ranges: what
 * {@code vhdflow vhd verify --blob} reads. Pages never written read as zeros (Azure's guarantee),
 * so only the written ranges need reading. Reads are ranged GETs of at most 4 MiB.
 */
public final class PageBlobSource implements ByteSource {
    private static final int MAX_GET = 4 << 20;

    private final PageBlobClient blob;
    private final String name;
    private final long size;
    private final Optional<String> contentMd5;

    private PageBlobSource(PageBlobClient blob, String name, long size, Optional<String> contentMd5) {
        this.blob = blob;
        this.name = name;
        this.size = size;
        this.contentMd5 = contentMd5;
    }

    /** Opens the page blob {@code blobName} in {@code container}. */
    public static PageBlobSource open(BlobContainerClient container, String blobName) throws IOException {
        PageBlobClient b = container.getBlobClient(blobName).getPageBlobClient();
        try {
            BlobProperties p = b.getProperties();
            if (p.getBlobType() != BlobType.PAGE_BLOB) {
                throw new IOException(blobName + " is a " + p.getBlobType() + ", not a page blob");
            }
            return new PageBlobSource(b, blobName, p.getBlobSize(), Optional.ofNullable(p.getContentMd5())
                    .map(Base64.getEncoder()::encodeToString));
        } catch (BlobStorageException e) {
            throw new IOException("cannot read the blob " + blobName + ": HTTP " + e.getStatusCode() + " "
                    + e.getErrorCode());
        }
    }

    /** Opens {@code blobName} in the container the upload settings name. */
    public static PageBlobSource open(UploadSettings settings, String blobName) throws IOException {
        return open(PageBlobUploader.connect(settings).container(), blobName);
    }

    /** The blob's Content-MD5 property, base64, when set. */
    public Optional<String> contentMd5() {
        return contentMd5;
    }

    /** The written page ranges, ascending and merged. */
    public Iterator<ByteRange> writtenRanges() throws IOException {
        try {
            List<ByteRange> out = new ArrayList<>();
            for (long[] r : PageBlobUploader.pageRanges(blob, size)) {
                out.add(new ByteRange(r[0], r[1] - r[0]));
            }
            return out.iterator();
        } catch (BlobStorageException e) {
            throw new IOException("cannot list the page ranges of " + name + ": HTTP " + e.getStatusCode());
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = ByteSource.readableLength(offset, Math.min(dst.remaining(), MAX_GET), size);
        if (n < 0) {
            return -1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        try {
            blob.downloadStreamWithResponse(out, new BlobRange(offset, (long) n), null, null, false, null,
                    Context.NONE);
        } catch (BlobStorageException e) {
            throw new IOException("cannot read bytes " + offset + "+" + n + " of " + name + ": HTTP "
                    + e.getStatusCode());
        }
        byte[] b = out.toByteArray();
        if (b.length != n) {
            throw new IOException("read " + b.length + " bytes at " + offset + " of " + name + ", asked for " + n);
        }
        dst.put(b);
        return n;
    }

    @Override
    public String describe() {
        return "blob " + name;
    }
}
