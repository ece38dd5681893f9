package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.detect.VolumeSystems;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LVM fixture with its on-disk metadata text rewritten, numbers changed to absurd values and
 * structure edited, and every checksum recomputed (as a forger would): the scan and reads of
 * every exposed LV give data or typed errors only.
 */
class LvmOnDiskProperties {
    static Path dir;
    static FileByteSource disk;
    static long areaStart;      // absolute offset of p2's metadata area
    static long areaSize;
    static long textOffset;     // from the area start
    static String text;

    @BeforeContainer
    static void load() throws IOException {
        dir = Files.createTempDirectory("vhdflow-lvm-props");
        disk = FileByteSource.open(Fixtures.extract("volume/gpt-esp-lvm.img.zst", dir));
        Volume p2 = VolumeSystems.open(disk).volume("gpt:p2").orElseThrow();
        PhysicalVolumeLabel label = PhysicalVolumeLabel.read(p2.source(), 0).orElseThrow();
        areaStart = p2.diskOffset().getAsLong() + label.metadataAreas().get(0).offset();
        ByteBuffer h = disk.readBuffer(areaStart, 512, "mda");
        areaSize = h.getLong(0x20);
        textOffset = h.getLong(0x28);
        int size = (int) h.getLong(0x30);
        byte[] t = disk.readBytes(areaStart + textOffset, size, "text");
        text = new String(t, 0, size - 1, StandardCharsets.UTF_8);
    }

    @AfterContainer
    static void close() throws IOException {
        disk.close();
        try (var w = Files.walk(dir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    record Edit(int which, long number, int structural, String token) {
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<Long> numbers = Arbitraries.oneOf(Arbitraries.of(0L, 1L, -1L, 2L, 7L, 64L, 128L, 1L << 31, 1L << 40,
                Long.MAX_VALUE, Long.MIN_VALUE, 4_000_000_000L), Arbitraries.longs().between(-10, 100));
        Arbitrary<String> tokens = Arbitraries.of("", "}", "{", "[", "]", "\"pv1\"", "\"pv0\"", "\"thin\"", "\"snapshot\"",
                "stripe_count = 3", "segment_count = 2", "x = [");
        return Combinators.combine(Arbitraries.integers().between(0, 10_000), numbers,
                Arbitraries.integers().between(0, 9), tokens).as(Edit::new).list().ofMinSize(1).ofMaxSize(6);
    }

    static final Pattern NUMBER = Pattern.compile("(?<== )-?\\d+");

    @Property(tries = 400)
    void forgedMetadataGivesVolumesOrTypedErrors(@ForAll("edits") List<Edit> edits) throws Exception {
        String t = text;
        for (Edit e : edits) {
            List<int[]> spans = new ArrayList<>();
            Matcher m = NUMBER.matcher(t);
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
            }
            int[] span = spans.get(e.which() % spans.size());
            // Mostly change a number; sometimes also drop a structural token next to it.
            String replacement = e.structural() == 0 ? e.token() : Long.toString(e.number());
            t = t.substring(0, span[0]) + replacement + t.substring(span[1]);
        }
        if (textOffset + t.length() * 4L + 1 > areaSize) {
            net.jqwik.api.statistics.Statistics.label("outcome").collect("too long");
            return;
        }
        ByteSource forged = forge(t);
        DiskLayout layout;
        try {
            layout = VolumeSystems.open(forged);
        } catch (DiskException e) {
            net.jqwik.api.statistics.Statistics.label("outcome").collect("layout refused");
            return;
        }
        net.jqwik.api.statistics.Statistics.label("outcome").collect(layout.logicalVolumes().size() + " LVs, "
                + (layout.findings().isEmpty() ? "no findings" : "findings"));
        for (Volume v : layout.logicalVolumes()) {
            long size = v.source().size();
            if (size < 0) {
                throw new AssertionError("negative size for " + v.id());
            }
            for (long at : new long[] {0, size / 2, Math.max(0, size - 10), size, size + 5}) {
                try {
                    v.source().read(at, ByteBuffer.allocate(256 * 1024));
                } catch (DiskException e) {
                    // typed: fine
                }
            }
        }
    }

    /** The disk with p2's metadata text replaced by {@code t}, all checksums recomputed. */
    static ByteSource forge(String t) throws IOException {
        byte[] body = (t + "\0").getBytes(StandardCharsets.UTF_8);
        Map<Long, Byte> patches = new HashMap<>();
        for (int i = 0; i < body.length; i++) {
            patches.put(areaStart + textOffset + i, body[i]);
        }
        byte[] header = disk.readBytes(areaStart, 512, "mda");
        ByteBuffer hb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        hb.putLong(0x30, body.length);
        hb.putInt(0x38, LvmChecksum.update(LvmChecksum.INITIAL, body, 0, body.length));
        hb.putInt(0, LvmChecksum.update(LvmChecksum.INITIAL, header, 4, 508));
        for (int i = 0; i < 512; i++) {
            patches.put(areaStart + i, header[i]);
        }
        return new PatchedByteSource(disk).patch(patches);
    }

    @net.jqwik.api.Example
    void oneDamagedMetadataCopyIsReportedWithItsOffsetAndTheOtherPvsCopyIsUsed() throws Exception {
        String broken = text.replaceFirst("physical_volumes \\{", "physical_volumes { \"never closed");
        DiskLayout layout = VolumeSystems.open(forge(broken));
        io.vhdflow.disk.Finding f = layout.findings().stream().filter(x -> x.code().equals("lvm.metadata-damaged"))
                .findFirst().orElseThrow();
        long textStart = areaStart + textOffset;
        if (f.offset() < textStart || f.offset() > textStart + broken.length()) {
            throw new AssertionError("offset " + f.offset() + " is not inside the text at " + textStart + ": " + f);
        }
        if (!f.detail().contains("expected a key")) {
            throw new AssertionError(f.detail());
        }
        if (layout.logicalVolumes().size() != 5) {
            throw new AssertionError("gpt:p3 carries an intact copy: " + layout.logicalVolumes());
        }
    }
}
