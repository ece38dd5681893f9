package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dirty hives and transaction log replay (check W2). The system-dirty fixtures are BEFORE/MID/AFTER
 * states of a hivex-written hive with logs written by fixtures/registry/make-dirty-hive.py; the
 * transactions_NTUSER fixtures are a dirty hive and logs written by Windows (regipy test data).
 */
class DirtyHiveTest {
    private static final String SYS = "HKEY_LOCAL_MACHINE\\SYSTEM";

    private static Hive open(String primary, String... logs) throws IOException {
        List<ByteSource> l = new java.util.ArrayList<>();
        for (String log : logs) {
            l.add(HiveFixtures.source(log));
        }
        return Hive.open(HiveFixtures.source(primary), l);
    }

    private static boolean has(Hive h, String code) {
        return h.findings().stream().map(Finding::code).anyMatch(code::equals);
    }

    @Test
    void dirtyHiveWithoutLogsIsReportedAndReadAsOnDisk() throws IOException {
        Hive h = open("system-dirty");
        assertTrue(h.dirty());
        assertFalse(h.recovered());
        assertTrue(has(h, "regf.dirty"), h.findings().toString());
        assertTrue(has(h, "regf.not-recovered"), h.findings().toString());
        assertEquals(4, h.findings().stream().filter(f -> f.code().equals("regf.dirty")).findFirst().orElseThrow().offset());
        assertEquals(HiveFixtures.export("system.export.reg", SYS), RegExport.walk(h));
        assertEquals("ControlSet001", h.currentControlSetName().orElseThrow());
    }

    @Test
    void replayOfBothNewFormatLogsGivesTheLatestState() throws IOException {
        Hive h = open("system-dirty", "system-dirty.LOG1", "system-dirty.LOG2");
        assertTrue(h.dirty());
        assertTrue(h.recovered(), h.findings().toString());
        assertEquals(HiveFixtures.export("system-dirty.after.export.reg", SYS), RegExport.walk(h));
        LogRecovery r = h.recovery().orElseThrow();
        assertEquals(2, r.entries());
        assertEquals(40960, r.hiveBinsDataSize(), "the hive grew through LOG2's entry");
        assertEquals(40960, h.hiveBinsDataSize());
        // The torn entry at the end of LOG1 was refused by its hash, not applied.
        assertTrue(has(h, "regf.log-entry-bad"), h.findings().toString());
        // Select\Current moved to 2 in the log only: W16/W10 must follow the replayed hive.
        assertEquals("ControlSet002", h.currentControlSetName().orElseThrow());
        assertEquals("WIN-AFTER-LOG", h.key("ControlSet001\\Control\\ComputerName\\ComputerName").orElseThrow()
                .value("ComputerName").orElseThrow().asString());
        assertEquals(24000, h.key("ControlSet001\\Services\\AddedByLog").orElseThrow()
                .value("Payload").orElseThrow().asBytes().length);
    }

    @Test
    void logsAreAppliedInSequenceOrderWhateverOrderTheyAreGiven() throws IOException {
        Hive h = open("system-dirty", "system-dirty.LOG2", "system-dirty.LOG1");
        assertEquals(HiveFixtures.export("system-dirty.after.export.reg", SYS), RegExport.walk(h));
    }

    @Test
    void replayStopsWhereTheSequenceStops() throws IOException {
        Hive onlyFirst = open("system-dirty", "system-dirty.LOG1");
        assertTrue(onlyFirst.recovered());
        assertEquals(1, onlyFirst.recovery().orElseThrow().entries());
        assertEquals(HiveFixtures.export("system-dirty.mid.export.reg", SYS), RegExport.walk(onlyFirst));

        // LOG2 alone starts at S+1 and entry S is missing. A reader cannot tell this from Windows'
        // partial reconcile (the primary already holds everything before the oldest surviving
        // entry), so it replays from S+1 and reports that assumption for the operator.
        Hive onlySecond = open("system-dirty", "system-dirty.LOG2");
        assertTrue(has(onlySecond, "regf.log-partial-reconcile"), onlySecond.findings().toString());
    }

    @Test
    void oldFormatLogWithDirtyVector() throws IOException {
        Hive h = open("system-dirty", "system-dirty-old.LOG");
        assertTrue(h.recovered(), h.findings().toString());
        assertEquals(HiveFixtures.export("system-dirty.after.export.reg", SYS), RegExport.walk(h));
        assertEquals(1, h.recovery().orElseThrow().entries());
        assertTrue(h.recovery().orElseThrow().pages() > 0);
    }

    @Test
    void oldFormatLogOfAnotherWriteIsNotApplied() throws IOException {
        byte[] log = HiveFixtures.bytes("system-dirty-old.LOG");
        log[12] ^= 1;                                 // timestamp no longer the primary's
        fixChecksum(log);
        Hive h = Hive.open(HiveFixtures.source("system-dirty"), List.of(new ByteArraySource(log, "old.LOG")));
        assertFalse(h.recovered());
        assertTrue(has(h, "regf.log-unusable"), h.findings().toString());
        assertEquals(HiveFixtures.export("system.export.reg", SYS), RegExport.walk(h));
    }

    @Test
    void cleanHiveIgnoresLogs() throws IOException {
        Hive h = open("system.hive", "system-dirty.LOG1", "system-dirty.LOG2");
        assertFalse(h.dirty());
        assertFalse(h.recovered());
        assertTrue(h.findings().isEmpty(), h.findings().toString());
        assertEquals(HiveFixtures.export("system.export.reg", SYS), RegExport.walk(h));
    }

    @Test
    void badPrimaryChecksumIsDirty() throws IOException {
        byte[] b = HiveFixtures.bytes("system.hive");
        b[100] ^= 0x55;                                // inside the checksummed 508 bytes
        Hive h = Hive.open(new ByteArraySource(b, "system"));
        assertTrue(h.dirty());
        assertTrue(has(h, "regf.checksum"), h.findings().toString());
        assertEquals(508, h.findings().stream().filter(f -> f.code().equals("regf.checksum")).findFirst()
                .orElseThrow().offset());
    }

    @Test
    void primaryWithBadChecksumTakesItsBaseBlockFromTheLog() throws IOException {
        byte[] b = HiveFixtures.bytes("system-dirty");
        b[300] ^= 0x40;                                // inside the checksummed bytes (reserved area)
        Hive h = Hive.open(new ByteArraySource(b, "system-dirty"),
                List.of(HiveFixtures.source("system-dirty.LOG1"), HiveFixtures.source("system-dirty.LOG2")));
        assertTrue(has(h, "regf.checksum") && has(h, "regf.base-block-from-log"), h.findings().toString());
        // The log's base block says S, so the stale garbage entry S-1 is still skipped.
        assertEquals(HiveFixtures.export("system-dirty.after.export.reg", SYS), RegExport.walk(h));
    }

    @Test
    void windowsWrittenDirtyHiveAndLogs() throws IOException {
        Hive plain = open("transactions_NTUSER.DAT");
        assertTrue(plain.dirty());
        // Without logs it reads exactly as hivex (which ignores logs) reads it.
        Map<String, Map<String, String>> before = RegExport.walk(plain);
        assertEquals(HiveFixtures.export("transactions_NTUSER.export.reg", "X"), before);

        Hive h = open("transactions_NTUSER.DAT", "transactions_ntuser.dat.log1", "transactions_ntuser.dat.log2");
        assertTrue(h.recovered(), h.findings().toString());
        // regipy's test suite (apply_transaction_logs on the same files) recovers 132 dirty pages.
        assertEquals(132, h.recovery().orElseThrow().pages());
        assertEquals(BaseBlock.parse(HiveFixtures.bytes("transactions_NTUSER.DAT"), "x").secondarySequence(),
                h.baseBlock().secondarySequence());
        Map<String, Map<String, String>> after = RegExport.walk(h);   // every cell of the replayed hive reads
        assertTrue(after.size() > before.size(), after.size() + " keys after vs " + before.size());
        assertNotEquals(before, after);
    }

    static void fixChecksum(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(508, (int) BaseBlock.checksum(b));
    }
}
