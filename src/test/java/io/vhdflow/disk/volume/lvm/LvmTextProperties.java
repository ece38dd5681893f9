package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.testing.Fixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

/** lvm2's own VG text with random edits: the bounded parser and the model checks give typed errors only. */
class LvmTextProperties {
    static final String TEXT = Fixtures.text("volume/gpt-esp-lvm.vgcfg.txt");

    record Edit(int at, int kind, String with) {
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", "=", "\"", ",", "\\", "#", "\n", "-", "0", "99999999999",
                        "9223372036854775807", "-1", "segment1", "stripes", "pv0", "\"striped\"", "\"thin\"", "pv9"),
                Arbitraries.strings().ofMaxLength(4));
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, TEXT.length()),
                Arbitraries.integers().between(0, 2), token).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 2000)
    void editedTextGivesAGroupOrATypedError(@ForAll("edits") List<Edit> edits) {
        StringBuilder s = new StringBuilder(TEXT);
        for (Edit e : edits) {
            int at = Math.min(e.at(), s.length());
            switch (e.kind()) {
                case 0 -> s.insert(at, e.with());
                case 1 -> s.delete(at, Math.min(s.length(), at + Math.max(1, e.with().length())));
                default -> s.replace(at, Math.min(s.length(), at + e.with().length()), e.with());
            }
        }
        try {
            LvmVolumeGroup vg = LvmText.parseVolumeGroup(s.toString());
            for (LvmVolumeGroup.LogicalVolume lv : vg.logicalVolumes()) {
                if (lv.unsupported().isEmpty() && lv.size() < 0) {
                    throw new AssertionError("negative size for " + lv.name());
                }
            }
            List<io.vhdflow.disk.Finding> f = new java.util.ArrayList<>();
            LvmScan.checkSharedExtents(vg, f);
        } catch (DiskException e) {
            // typed: fine
        }
    }
}
