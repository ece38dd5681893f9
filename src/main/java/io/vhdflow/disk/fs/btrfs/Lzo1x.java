package io.vhdflow.disk.fs.btrfs;

/**
 * LZO1X decompression (the bitstream the kernel's {@code lzo1x_1_compress} writes, as described in
 * the kernel's {@code Documentation/staging/lzo.rst}), with every read and write bounds-checked:
 * a damaged or hostile stream ends in {@link Lzo1x.Failure}, never an array index error or a loop
 * (each instruction consumes at least one input byte).
 *
 * <p>Instructions, by the value {@code t} of their first byte and the number of literals the
 * previous instruction copied ({@code state}):
 * <pre>
 *   0..15,  state 0    literal run: 3 + (t, or 15 + 255 per zero byte + the next non-zero byte)
 *   0..15,  state 1..3 match of 2 bytes at distance (next &lt;&lt; 2) + (t &gt;&gt; 2) + 1
 *   0..15,  state 4    match of 3 bytes at distance (next &lt;&lt; 2) + (t &gt;&gt; 2) + 2049
 *  16..31              match of 2 + (t &amp; 7, or 7 + run) bytes at 16384 + ((t &amp; 8) &lt;&lt; 11) + (LE16 &gt;&gt; 2);
 *                      distance 16384 marks the end of the stream
 *  32..63              match of 2 + (t &amp; 31, or 31 + run) bytes at (LE16 &gt;&gt; 2) + 1
 *  64..127             match of 3 + bit 5 bytes at (next &lt;&lt; 3) + ((t &gt;&gt; 2) &amp; 7) + 1
 * 128..255             match of 5 + bits 5-6 bytes at (next &lt;&lt; 3) + ((t &gt;&gt; 2) &amp; 7) + 1
 * </pre>
 * After a match, the low two bits of its last instruction byte (S) give 0..3 literals that
 * follow it directly, and the next state. A first byte above 17 is a literal run of
 * {@code t - 17} bytes. A first byte of 17 announces a bitstream version (version 1, LZO-RLE, is
 * only written by zram, never by btrfs, and is refused).
 */
final class Lzo1x {

    /** Why a stream could not be decompressed, with the input position. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int position;

        Failure(String message, int position) {
            super(message, null, false, false);
            this.position = position;
        }
    }

    private Lzo1x() {
    }

    /**
     * Decompresses {@code in[off, off + len)} into {@code out[outOff, outOff + cap)}.
     *
     * @return the number of bytes written
     * @throws Failure when the stream is damaged, ends early, has bytes after its end marker or
     *                 decompresses to more than {@code cap} bytes
     */
    static int decompress(byte[] in, int off, int len, byte[] out, int outOff, int cap) throws Failure {
        Stream s = new Stream(in, off, off + len, out, outOff, outOff + cap);
        return s.run();
    }

    private static final class Stream {
        private final byte[] in;
        private final byte[] out;
        private final int inStart;
        private final int inEnd;
        private final int outStart;
        private final int outEnd;
        private int ip;
        private int op;

        Stream(byte[] in, int ip, int inEnd, byte[] out, int op, int outEnd) {
            this.in = in;
            this.out = out;
            this.inStart = ip;
            this.ip = ip;
            this.inEnd = inEnd;
            this.outStart = op;
            this.op = op;
            this.outEnd = outEnd;
        }

        int run() throws Failure {
            int state = 0;
            if (inEnd - ip >= 5 && (in[ip] & 0xFF) == 17) {
                int version = in[ip + 1] & 0xFF;
                if (version != 0) {
                    throw new Failure("LZO bitstream version " + version + " (LZO-RLE), which btrfs does not write", ip + 1 - inStart);
                }
                ip += 2;
            }
            if ((peek() & 0xFF) > 17) {
                int t = (in[ip++] & 0xFF) - 17;
                literals(t);
                state = t < 4 ? t : 4;
            }
            while (true) {
                int t = next();
                int length;
                int distance;
                int trailing;
                if (t < 16) {
                    if (state == 0) {
                        int n = t == 0 ? 15 + zeroRun() : t;
                        literals(n + 3);
                        state = 4;
                        continue;
                    }
                    int h = next();
                    trailing = t & 3;
                    if (state < 4) {
                        length = 2;
                        distance = (h << 2) + (t >> 2) + 1;
                    } else {
                        length = 3;
                        distance = (h << 2) + (t >> 2) + 2049;
                    }
                } else if (t < 32) {
                    length = 2 + ((t & 7) == 0 ? 7 + zeroRun() : t & 7);
                    int le = le16();
                    trailing = le & 3;
                    distance = 16384 + ((t & 8) << 11) + (le >> 2);
                    if (distance == 16384) {
                        if (ip != inEnd) {
                            throw new Failure((inEnd - ip) + " bytes after the end marker", ip - inStart);
                        }
                        return op - outStart;
                    }
                } else if (t < 64) {
                    length = 2 + ((t & 31) == 0 ? 31 + zeroRun() : t & 31);
                    int le = le16();
                    trailing = le & 3;
                    distance = (le >> 2) + 1;
                } else {
                    int h = next();
                    length = t < 128 ? 3 + ((t >> 5) & 1) : 5 + ((t >> 5) & 3);
                    distance = (h << 3) + ((t >> 2) & 7) + 1;
                    trailing = t & 3;
                }
                copyMatch(distance, length);
                literals(trailing);
                state = trailing;
            }
        }

        private int peek() throws Failure {
            if (ip >= inEnd) {
                throw new Failure("the stream ends before its end marker", ip - inStart);
            }
            return in[ip];
        }

        private int next() throws Failure {
            int v = peek() & 0xFF;
            ip++;
            return v;
        }

        private int le16() throws Failure {
            int lo = next();
            return lo | next() << 8;
        }

        /** 255 per zero byte, plus the first non-zero byte. */
        private int zeroRun() throws Failure {
            int n = 0;
            int v;
            while ((v = next()) == 0) {
                n += 255;
                if (n > outEnd - outStart) {
                    throw new Failure("a length run longer than the output", ip - inStart);
                }
            }
            return n + v;
        }

        private void literals(int n) throws Failure {
            if (n > inEnd - ip) {
                throw new Failure(n + " literal bytes but " + (inEnd - ip) + " remain", ip - inStart);
            }
            if (n > outEnd - op) {
                throw new Failure("output larger than the " + (outEnd - outStart) + " bytes expected", ip - inStart);
            }
            System.arraycopy(in, ip, out, op, n);
            ip += n;
            op += n;
        }

        private void copyMatch(int distance, int length) throws Failure {
            if (distance > op - outStart) {
                throw new Failure("match distance " + distance + " reaches before the start of the output ("
                        + (op - outStart) + " bytes written)", ip - inStart);
            }
            if (length > outEnd - op) {
                throw new Failure("output larger than the " + (outEnd - outStart) + " bytes expected", ip - inStart);
            }
            int from = op - distance;
            for (int i = 0; i < length; i++) {
                out[op + i] = out[from + i];
            }
            op += length;
        }
    }
}
