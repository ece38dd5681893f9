package io.vhdflow.disk.fs.btrfs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The metadata checksum algorithms of btrfs ({@code csum_type} in the superblock). Every
 * superblock and tree block starts with a 32-byte checksum field covering the rest of it; the
 * algorithm's digest fills its first {@link #size} bytes (integers little-endian), the rest is zero.
 * All four are verified here.
 */
enum BtrfsChecksum {
    /** CRC-32C (Castagnoli) with the usual inversions; 4 bytes. */
    CRC32C(0, "crc32c", 4),
    /** XXH64, seed 0; 8 bytes. */
    XXHASH(1, "xxhash64", 8),
    /** SHA-256; 32 bytes. */
    SHA256(2, "sha256", 32),
    /** BLAKE2b-256; 32 bytes. */
    BLAKE2(3, "blake2b-256", 32);

    /** The checksum field at the start of a superblock or tree block. */
    static final int FIELD = 32;
    /** CRC-32C's reflected polynomial, for the name hash. */
    private static final int CASTAGNOLI = 0x82F63B78;

    final int id;
    final String label;
    final int size;

    BtrfsChecksum(int id, String label, int size) {
        this.id = id;
        this.label = label;
        this.size = size;
    }

    static Optional<BtrfsChecksum> of(int id) {
        for (BtrfsChecksum c : values()) {
            if (c.id == id) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The digest of {@code block[FIELD, length)}, padded to the 32-byte field. */
    byte[] compute(byte[] block, int length) {
        byte[] out = new byte[FIELD];
        int n = length - FIELD;
        switch (this) {
            case CRC32C -> {
                java.util.zip.CRC32C c = new java.util.zip.CRC32C();
                c.update(block, FIELD, n);
                putLE(out, c.getValue(), 4);
            }
            case XXHASH -> putLE(out, XxHash64.hash(block, FIELD, n), 8);
            case SHA256 -> {
                try {
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    d.update(block, FIELD, n);
                    System.arraycopy(d.digest(), 0, out, 0, 32);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every Java runtime has SHA-256", e);
                }
            }
            case BLAKE2 -> System.arraycopy(Blake2b.digest256(block, FIELD, n), 0, out, 0, 32);
            default -> throw new IllegalStateException(name());
        }
        return out;
    }

    /** Whether the checksum stored at the start of {@code block[0, length)} matches its content. */
    boolean verify(byte[] block, int length) {
        byte[] want = compute(block, length);
        return Arrays.equals(want, 0, size, block, 0, size);
    }

    /**
     * btrfs's directory and xattr name hash ({@code btrfs_name_hash}): the kernel's raw
     * {@code crc32c(~1, name)}, seeded with ~1 and without the final inversion, which
     * {@link java.util.zip.CRC32C} cannot express. Names are at most 255 bytes, so bit by bit is enough.
     */
    static long nameHash(byte[] name) {
        int crc = ~1;
        for (byte b : name) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ CASTAGNOLI : crc >>> 1;
            }
        }
        return crc & 0xFFFFFFFFL;
    }

    private static void putLE(byte[] out, long v, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
    }
}
