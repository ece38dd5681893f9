package io.vhdflow.disk.container;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The data tree digest ({@value #ALGORITHM}): an integrity digest of a virtual disk whose cost
 * follows the bytes that hold data, not the disk's size. It covers the data and the zero-range
 * map together, so a changed byte, a moved range and a non-zero byte in a zero range all change it.
 *
 * <p>Construction, for a disk of {@code V} bytes (the exact text is in the README, "Integrity record"):
 * <ol>
 *   <li>A 512-byte sector is <em>data</em> when it holds a non-zero byte. The data ranges are the
 *       maximal runs of data sectors, ascending.</li>
 *   <li>Each data range is cut at every multiple of {@value #PIECE} bytes (4 MiB) of the disk; each
 *       piece {@code (offset, length)} is a leaf:
 *       {@code leaf = SHA-256(0x00 ‖ u64be(offset) ‖ u64be(length) ‖ SHA-256(bytes))} (the bytes'
 *       own digest inside, because a piece's length is known only once its bytes have streamed by).</li>
 *   <li>The leaves, in disk order, form a Merkle tree shaped as RFC 6962 §2.1 shapes it (the left
 *       subtree of {@code n} leaves holds the largest power of two below {@code n}):
 *       {@code node = SHA-256(0x01 ‖ left ‖ right)}; no leaves give {@code SHA-256("")}.</li>
 *   <li>{@code digest = SHA-256("vhdflow-dtree-v1" ‖ u64be(V) ‖ u64be(leaves) ‖ u64be(dataBytes) ‖ treeRoot)}.</li>
 * </ol>
 * Pieces at fixed 4 MiB boundaries let a verifier hash pieces in parallel and line up with the
 * largest page-blob put; binding offset and length in every leaf is what makes the zero-range map
 * part of the digest. Feed data runs in ascending order with {@link #data}; adjacent runs merge,
 * so the result does not depend on how the caller chunked its reads. Memory: one running leaf
 * and O(log leaves) subtree roots. Not thread-safe.
 */
public final class DataTreeDigest {
    /** Name recorded with the digest. */
    public static final String ALGORITHM = "vhdflow-dtree-sha256-v1";
    /** Leaf boundary: data ranges are cut at every multiple of this many bytes. */
    public static final long PIECE = 4L << 20;
    private static final byte[] DOMAIN = "vhdflow-dtree-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final long virtualSize;
    private final MessageDigest leaf = sha256();
    private final MessageDigest node = sha256();
    /** SHA-256 of the running leaf's bytes. */
    private final MessageDigest body = sha256();
    /** Perfect subtree roots, largest first, and their leaf counts (powers of two, descending). */
    private final List<byte[]> roots = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private final byte[] header = new byte[17];
    private long leafStart = -1;
    private long leafEnd = -1;
    private long leaves;
    private long dataBytes;
    private boolean finished;

    /** A digest of a disk of {@code virtualSize} bytes. */
    public DataTreeDigest(long virtualSize) {
        this.virtualSize = virtualSize;
    }

    /**
     * The bytes {@code b[from, from + length)} are disk bytes {@code [offset, offset + length)},
     * all in data sectors. Calls come in ascending order and never overlap.
     */
    public void data(long offset, byte[] b, int from, int length) {
        data(offset, ByteBuffer.wrap(b, from, length));
    }

    /** As {@link #data(long, byte[], int, int)} for the remaining bytes of {@code bytes} (consumed). */
    public void data(long offset, ByteBuffer bytes) {
        if (finished) {
            throw new IllegalStateException("digest already finished");
        }
        long pos = offset;
        if (pos < leafEnd || pos + bytes.remaining() > virtualSize) {
            throw new IllegalArgumentException("data at " + pos + " out of order or beyond the disk");
        }
        while (bytes.hasRemaining()) {
            if (pos != leafEnd || pos % PIECE == 0) {
                // A zero gap or a piece boundary ends the running leaf.
                closeLeaf();
                leafStart = pos;
                leafEnd = pos;
            }
            int n = (int) Math.min(bytes.remaining(), PIECE - pos % PIECE);
            body.update(bytes.slice(bytes.position(), n));
            bytes.position(bytes.position() + n);
            pos += n;
            leafEnd = pos;
            dataBytes += n;
        }
    }

    private void closeLeaf() {
        if (leafStart < 0) {
            return;
        }
        header[0] = 0;
        ByteBuffer.wrap(header, 1, 16).putLong(leafStart).putLong(leafEnd - leafStart);
        leaf.update(header);
        leaf.update(body.digest());
        push(leaf.digest());
        leaves++;
        leafStart = -1;
    }

    private void push(byte[] h) {
        byte[] cur = h;
        long size = 1;
        while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == size) {
            byte[] left = roots.remove(roots.size() - 1);
            sizes.remove(sizes.size() - 1);
            cur = combine(left, cur);
            size *= 2;
        }
        roots.add(cur);
        sizes.add(size);
    }

    private byte[] combine(byte[] left, byte[] right) {
        node.update((byte) 1);
        node.update(left);
        node.update(right);
        return node.digest();
    }

    /** Ends the stream and returns the digest. */
    public Result finish() {
        if (!finished) {
            closeLeaf();
            finished = true;
        }
        byte[] tree;
        if (roots.isEmpty()) {
            tree = sha256().digest();
        } else {
            // RFC 6962's shape: fold the perfect subtrees from the right.
            tree = roots.get(roots.size() - 1);
            for (int i = roots.size() - 2; i >= 0; i--) {
                tree = combine(roots.get(i), tree);
            }
        }
        MessageDigest top = sha256();
        top.update(DOMAIN);
        top.update(ByteBuffer.allocate(24).putLong(virtualSize).putLong(leaves).putLong(dataBytes).array());
        top.update(tree);
        return new Result(HexFormat.of().formatHex(top.digest()), virtualSize, dataBytes, leaves);
    }

    /**
     * The digest of a disk.
     *
     * @param hex         the digest, lower-case hex
     * @param virtualSize bytes of the disk it covers
     * @param dataBytes   bytes in data sectors
     * @param leaves      pieces hashed
     */
    public record Result(String hex, long virtualSize, long dataBytes, long leaves) {
    }

    /**
     * Computes the digest of a disk of {@code virtualSize} bytes from {@code disk}, reading only
     * {@code candidates} (ascending ranges that may hold data; everything else is known to be
     * zero: a dynamic VHD's allocated blocks, a page blob's written pages). Bytes of the disk beyond
     * {@code disk.size()} (the padding to a whole MiB) are zero. Reads 1 MiB at a time.
     *
     * @return the digest and the bytes read
     */
    public static Computed compute(ByteSource disk, java.util.Iterator<ByteRange> candidates, long virtualSize,
                                   ProgressListener progress) throws java.io.IOException {
        DataTreeDigest tree = new DataTreeDigest(virtualSize);
        byte[] buf = new byte[1 << 20];
        long read = 0;
        long end = Math.min(disk.size(), virtualSize);
        while (candidates.hasNext()) {
            ByteRange r = candidates.next();
            long stop = Math.min(r.end(), end);
            for (long pos = r.offset(); pos < stop; ) {
                int n = (int) Math.min(buf.length, stop - pos);
                disk.readFully(pos, ByteBuffer.wrap(buf, 0, n), "disk of " + disk.describe());
                long base = pos;
                ZeroSectors.scan(buf, n, base, (off, len) -> tree.data(off, buf, (int) (off - base), (int) len));
                read += n;
                pos += n;
                progress.progress(pos, virtualSize);
            }
        }
        return new Computed(tree.finish(), read);
    }

    /**
     * A digest computed by reading a disk.
     *
     * @param result    the digest
     * @param bytesRead bytes read to compute it
     */
    public record Computed(Result result, long bytesRead) {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
