package io.vhdflow.pipeline;

import java.util.Arrays;

/** Zero detection for sparse writing: {@link Arrays#mismatch} is vectorised by the JIT. */
final class ZeroBlocks {
    private static final byte[] ZEROS = new byte[1 << 20];

    private ZeroBlocks() {
    }

    static boolean isZero(byte[] b, int off, int len) {
        int pos = off;
        int end = off + len;
        while (pos < end) {
            int n = Math.min(ZEROS.length, end - pos);
            if (Arrays.mismatch(b, pos, pos + n, ZEROS, 0, n) >= 0) {
                return false;
            }
            pos += n;
        }
        return true;
    }
}
