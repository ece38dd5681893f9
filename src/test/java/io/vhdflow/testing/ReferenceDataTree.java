package io.vhdflow.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The data tree digest computed the slow, obvious way from a whole disk in memory, straight from
 * the construction in the README (sectors, maximal data runs, 4 MiB pieces, RFC 6962 tree by
 * recursion): the reference the streaming implementation is checked against.
 */
public final class ReferenceDataTree {
    private static final int SECTOR = 512;
    private static final long PIECE = 4L << 20;

    private ReferenceDataTree() {
    }

    /** The digest (hex) of {@code disk[0, length)}; {@code length} a multiple of 512. */
    public static String of(byte[] disk, int length) throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        long dataBytes = 0;
        int s = 0;
        while (s < length) {
            if (isZeroSector(disk, s)) {
                s += SECTOR;
                continue;
            }
            int start = s;
            while (s < length && !isZeroSector(disk, s)) {
                s += SECTOR;
            }
            // The run [start, s), cut at every 4 MiB boundary.
            for (long p = start; p < s; ) {
                long end = Math.min(s, (p / PIECE + 1) * PIECE);
                MessageDigest body = MessageDigest.getInstance("SHA-256");
                body.update(disk, (int) p, (int) (end - p));
                MessageDigest leaf = MessageDigest.getInstance("SHA-256");
                leaf.update((byte) 0);
                leaf.update(ByteBuffer.allocate(16).putLong(p).putLong(end - p).array());
                leaf.update(body.digest());
                leaves.add(leaf.digest());
                dataBytes += end - p;
                p = end;
            }
        }
        byte[] root = mth(leaves);
        MessageDigest top = MessageDigest.getInstance("SHA-256");
        top.update("vhdflow-dtree-v1".getBytes(StandardCharsets.US_ASCII));
        top.update(ByteBuffer.allocate(24).putLong(length).putLong(leaves.size()).putLong(dataBytes).array());
        top.update(root);
        return HexFormat.of().formatHex(top.digest());
    }

    private static boolean isZeroSector(byte[] d, int at) {
        for (int i = at; i < at + SECTOR; i++) {
            if (d[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6962 §2.1 Merkle tree hash. */
    private static byte[] mth(List<byte[]> leaves) throws Exception {
        if (leaves.isEmpty()) {
            return MessageDigest.getInstance("SHA-256").digest();
        }
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        MessageDigest node = MessageDigest.getInstance("SHA-256");
        node.update((byte) 1);
        node.update(mth(leaves.subList(0, k)));
        node.update(mth(leaves.subList(k, leaves.size())));
        return node.digest();
    }

    /** A copy of {@code disk} grown with zeros to {@code length}. */
    public static byte[] padded(byte[] disk, long length) {
        return Arrays.copyOf(disk, (int) length);
    }
}
