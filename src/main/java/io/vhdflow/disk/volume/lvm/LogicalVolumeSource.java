package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of a linear or striped logical volume, mapped segment by segment onto the physical
 * volumes' extents. Immutable, so concurrent reads are safe.
 *
 * <p>Striping follows device-mapper's {@code striped} target: the segment is cut into chunks of
 * {@code stripeSize} bytes dealt round-robin to the stripes, so LV chunk {@code c} lives on stripe
 * {@code c % n} at row {@code c / n}.
 */
final class LogicalVolumeSource implements ByteSource {

    /** One segment, resolved to byte offsets in the PV sources. */
    record Piece(long lvStart, long length, long stripeSize, ByteSource[] pvs, long[] pvOffsets) {
    }

    private final String name;
    private final long size;
    private final Piece[] pieces;
    private final long[] starts;

    LogicalVolumeSource(String name, List<Piece> pieces) {
        this.name = name;
        this.pieces = pieces.toArray(new Piece[0]);
        this.starts = new long[this.pieces.length];
        long s = 0;
        for (int i = 0; i < this.pieces.length; i++) {
            starts[i] = this.pieces[i].lvStart();
            s = this.pieces[i].lvStart() + this.pieces[i].length();
        }
        this.size = s;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int readable = ByteSource.readableLength(offset, dst.remaining(), size);
        if (readable < 0) {
            return -1;
        }
        int total = 0;
        while (total < readable) {
            int i = Arrays.binarySearch(starts, offset);
            if (i < 0) {
                i = -i - 2;
            }
            Piece p = pieces[i];
            long rel = offset - p.lvStart();
            int stripe = 0;
            long pvOffset;
            long run;
            if (p.pvs().length == 1) {
                pvOffset = p.pvOffsets()[0] + rel;
                run = p.length() - rel;
            } else {
                int n = p.pvs().length;
                long chunk = rel / p.stripeSize();
                long within = rel % p.stripeSize();
                stripe = (int) (chunk % n);
                pvOffset = p.pvOffsets()[stripe] + (chunk / n) * p.stripeSize() + within;
                run = Math.min(p.stripeSize() - within, p.length() - rel);
            }
            int want = (int) Math.min(run, dst.remaining());
            ByteBuffer view = dst.duplicate();
            view.limit(view.position() + want);
            p.pvs()[stripe].readFully(pvOffset, view, "LV " + name);
            dst.position(dst.position() + want);
            offset += want;
            total += want;
        }
        return total;
    }

    @Override
    public String describe() {
        return name;
    }

    static void checkInside(ByteSource pv, long offset, long length, String what) throws DiskException {
        if (offset < 0 || length < 0 || offset > pv.size() || length > pv.size() - offset) {
            throw new DiskException(ErrorKind.TRUNCATED, what, offset, "extents " + offset + "+" + length + " lie beyond the end of "
                    + pv.describe() + " (" + pv.size() + " bytes)");
        }
    }
}
