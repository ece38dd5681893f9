package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.DiskException;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads hives written by hivex (and one written by Windows) and checks them against hivex's own view. */
class HiveReadTest {

    private static Hive open(String name) throws IOException {
        return Hive.open(HiveFixtures.source(name));
    }

    private static RegistryValue value(Hive h, String key, String name) throws IOException {
        return h.key(key).orElseThrow(() -> new AssertionError("no key " + key))
                .value(name).orElseThrow(() -> new AssertionError("no value " + key + "\\" + name));
    }

    /** hivexget output recorded at fixture creation: "hive name=value" lines. */
    private static Map<String, String> hivexget() {
        Map<String, String> m = new HashMap<>();
        for (String line : Fixtures.text("registry/hivexget.txt").split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    @Test
    void everyKeyAndValueOfTheTestHiveMatchesHivexExport() throws IOException {
        Hive h = open("test.hive");
        assertEquals(HiveFixtures.export("test.export.reg", "HKEY_LOCAL_MACHINE\\TEST"), RegExport.walk(h));
        assertFalse(h.dirty());
        assertTrue(h.findings().isEmpty(), h.findings().toString());
    }

    @Test
    void everyKeyAndValueOfTheSoftwareAndSystemHivesMatchesHivexExport() throws IOException {
        assertEquals(HiveFixtures.export("software.export.reg", "HKEY_LOCAL_MACHINE\\SOFTWARE"),
                RegExport.walk(open("software.hive")));
        assertEquals(HiveFixtures.export("system.export.reg", "HKEY_LOCAL_MACHINE\\SYSTEM"),
                RegExport.walk(open("system.hive")));
    }

    @Test
    void windowsWrittenHiveWithIndexRootAndBigDataMatchesHivexExport() throws IOException {
        byte[] raw = HiveFixtures.bytes("amcache.hve");
        Map<String, Integer> kinds = cellKinds(raw);
        // Guard: the fixture must keep covering what hivex cannot write.
        assertTrue(kinds.getOrDefault("ri", 0) >= 1, kinds.toString());
        assertTrue(kinds.getOrDefault("db", 0) >= 1, kinds.toString());
        Hive h = Hive.open(new ByteArraySource(raw, "amcache.hve"));
        assertEquals(HiveFixtures.export("amcache.export.reg", "X"), RegExport.walk(h));
        // It was copied from a running system: dirty, and read as on disk without its logs.
        assertTrue(h.dirty());
        assertTrue(h.findings().stream().anyMatch(f -> f.code().equals("regf.not-recovered")));
    }

    @Test
    void typedAccessors() throws IOException {
        Hive h = open("test.hive");
        assertEquals("default value", value(h, "Types", "").asString());
        assertEquals("hello world", value(h, "Types", "Sz").asString());
        assertEquals("", value(h, "Types", "EmptySz").asString());
        RegistryValue expand = value(h, "Types", "ExpandSz");
        assertEquals(RegistryValueType.EXPAND_SZ, expand.type());
        assertEquals("%SystemRoot%\\system32", expand.asString());
        assertEquals(List.of("one", "two", "three"), value(h, "Types", "Multi").asMultiString());
        assertEquals(0x12345678L, value(h, "Types", "Dword").asDword());
        assertEquals(0xFFFFFFFFL, value(h, "Types", "DwordMax").asDword());
        RegistryValue be = value(h, "Types", "DwordBE");
        assertEquals(RegistryValueType.DWORD_BIG_ENDIAN, be.type());
        assertEquals(0x12345678L, be.asDword());
        assertEquals(0x1234567890ABCDEFL, value(h, "Types", "Qword").asQword());
        assertArrayEquals(new byte[]{(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0, 1, 2, 3, 4},
                value(h, "Types", "Binary").asBytes());
        assertArrayEquals(new byte[]{(byte) 0xa1, (byte) 0xb2}, value(h, "Types", "Inline2").asBytes());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, value(h, "Types", "Inline4").asBytes());
        RegistryValue none = value(h, "Types", "None");
        assertEquals(RegistryValueType.NONE, none.type());
        assertEquals(0, none.asBytes().length);
        assertArrayEquals(new byte[]{1, 2, 3}, value(h, "Types", "NoneData").asBytes());
        assertEquals("\\Registry\\Machine\\Target", value(h, "Types", "Link").asString());
        assertEquals(RegistryValueType.RESOURCE_LIST, value(h, "Types", "ResourceList").type());
        RegistryValue other = value(h, "Types", "Type99");
        assertEquals(RegistryValueType.OTHER, other.type());
        assertEquals(99, other.typeCode());
        assertArrayEquals(new byte[]{5, 6, 7}, other.asBytes());
        assertEquals(List.of("one", "two", "three"),
                List.of(hivexget().get("test Types\\Multi").split("\\|")));
    }

    @Test
    void accessorOfTheWrongTypeIsATypedErrorNamingTheCell() throws IOException {
        Hive h = open("test.hive");
        RegistryValue sz = value(h, "Types", "Sz");
        DiskException e = assertThrows(DiskException.class, sz::asDword);
        assertTrue(e.getMessage().contains("REG_SZ") && e.structure().startsWith("regf vk cell"), e.getMessage());
        assertEquals(sz.offset() + 16, e.offset());
        assertThrows(DiskException.class, () -> value(h, "Types", "Dword").asString());
        assertThrows(DiskException.class, () -> value(h, "Types", "Sz").asMultiString());
        assertThrows(DiskException.class, () -> value(h, "Types", "Dword").asQword());
    }

    @Test
    void valuesBeyondOneCell() throws IOException {
        Hive h = open("test.hive");
        byte[] blob = value(h, "Big", "Blob40000").asBytes();
        assertEquals(40000, blob.length);
        for (int i = 0; i < blob.length; i++) {
            assertEquals((byte) ((i * 7 + i / 256) & 0xFF), blob[i], "byte " + i);
        }
        String text = value(h, "Big", "Text20000").asString();
        assertEquals(20000, text.length());
        assertEquals('A' + 19999 % 26, text.charAt(19999));
        assertEquals(16344, value(h, "Big", "Exactly16344").asBytes().length);
        assertEquals(16345, value(h, "Big", "Just16345").asBytes().length);
    }

    @Test
    void manySubkeysAndCaseInsensitiveLookup() throws IOException {
        Hive h = open("test.hive");
        RegistryKey many = h.key("Many").orElseThrow();
        assertEquals(1500, many.subkeyCount());
        List<RegistryKey> subs = many.subkeys();
        assertEquals(Integer.parseInt(hivexget().get("test Many subkeys")), subs.size());
        assertEquals("Key0000", subs.get(0).name());
        assertEquals("Key1499", subs.get(1499).name());
        for (int i : new int[]{0, 1, 777, 1024, 1499}) {
            RegistryKey k = h.key(String.format("many\\KEY%04d", i)).orElseThrow();
            assertEquals(i, k.value("index").orElseThrow().asDword());
        }
        assertTrue(h.key("Many\\Key1500").isEmpty());
        assertTrue(h.key("Case\\mixedcase").isPresent());
        assertEquals(3, value(h, "\\CASE\\MIXEDCASE\\", "camelvalue").asDword());
        assertEquals("deep", value(h, "Deep\\A\\B\\C\\D\\E\\F\\G\\H", "Leaf").asString());
        assertTrue(h.key("Deep\\A\\B\\X").isEmpty());
        assertTrue(h.key("Types\\Sz").isEmpty(), "a value is not a key");
        assertEquals(h.root().offset(), h.key("").orElseThrow().offset());
    }

    @Test
    void indexLeafListsWithoutHints() throws IOException {
        // Neither hivex nor the Windows fixture uses li lists (older Windows does): rewrite the
        // 1500-element lh list of "Many" in place into an li list (4-byte elements, no hashes).
        long nk = open("test.hive").key("Many").orElseThrow().offset();
        byte[] b = HiveFixtures.bytes("test.hive");
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int list = 4096 + le.getInt((int) nk + 4 + 28);
        assertEquals('h', (char) b[list + 5]);
        int count = Short.toUnsignedInt(le.getShort(list + 6));
        for (int i = 0; i < count; i++) {
            le.putInt(list + 8 + 4 * i, le.getInt(list + 8 + 8 * i));
        }
        b[list + 5] = 'i';
        Hive h = Hive.open(new ByteArraySource(b, "li"));
        assertEquals(1500, h.key("Many").orElseThrow().subkeys().size());
        assertEquals(1234, h.key("MANY\\key1234").orElseThrow().value("Index").orElseThrow().asDword());
        assertEquals(HiveFixtures.export("test.export.reg", "HKEY_LOCAL_MACHINE\\TEST"), RegExport.walk(h));
    }

    @Test
    void unicodeNames() throws IOException {
        Hive h = open("test.hive");
        assertEquals(1, value(h, "Unicode\\Grüße", "Größe").asDword());
        assertEquals(1, value(h, "UNICODE\\GRÜßE", "GRÖßE").asDword());
        assertEquals("テスト", value(h, "Unicode\\日本語キー", "値").asString());
        assertEquals(2, value(h, "unicode\\ωMEGA", "σ").asDword());
        assertEquals(List.of("Grüße", "Ωmega", "日本語キー"),
                h.key("Unicode").orElseThrow().subkeys().stream().map(RegistryKey::name).toList());
    }

    @Test
    void keyMetadata() throws IOException {
        Hive h = open("software.hive");
        RegistryKey k = h.key("Microsoft\\Windows NT\\CurrentVersion").orElseThrow();
        long filetime = Long.parseLong(hivexget().get("software CurrentVersion timestamp"));
        assertEquals(Instant.ofEpochSecond(filetime / 10_000_000L - 11_644_473_600L, filetime % 10_000_000L * 100),
                k.lastWritten());
        // A key Windows wrote: its time must be a plausible recent date, not 1601 or the far future.
        Instant windows = Hive.open(HiveFixtures.source("transactions_NTUSER.DAT")).root().lastWritten();
        assertTrue(windows.isAfter(Instant.parse("2015-01-01T00:00:00Z"))
                && windows.isBefore(Instant.parse("2026-01-01T00:00:00Z")), windows.toString());
        assertTrue(k.className().isEmpty());
        assertEquals(15, k.valueCount());
        assertFalse(k.isSymbolicLink());
        BaseBlock b = h.baseBlock();
        assertTrue(b.checksumValid());
        assertEquals(1, b.majorVersion());
        assertEquals(b.primarySequence(), b.secondarySequence());
        assertEquals(h.hiveBinsDataSize(), b.hiveBinsDataSize());
        assertTrue(h.binCount() >= 1);
    }

    @Test
    void classNamesOfAWindowsHive() throws IOException {
        // Windows gives some keys a class name ("Shell" on Explorer's FileExts in NTUSER.DAT, as the
        // raw nk/class cells show); hivex writes none, so the fixtures made by hivex have none.
        Hive h = Hive.open(HiveFixtures.source("transactions_NTUSER.DAT"));
        RegistryKey exts = h.key("Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\FileExts").orElseThrow();
        assertEquals("Shell", exts.className().orElseThrow());
        assertTrue(open("system.hive").key("Select").orElseThrow().className().isEmpty());
    }

    @Test
    void softwareHiveValuesForTheWindowsChecks() throws IOException {
        Hive h = open("software.hive");
        Map<String, String> get = hivexget();
        RegistryKey cv = h.key("Microsoft\\Windows NT\\CurrentVersion").orElseThrow();
        assertEquals(get.get("software ProductName"), cv.value("ProductName").orElseThrow().asString());
        assertEquals(Long.parseLong(get.get("software CurrentMajorVersionNumber")),
                cv.value("CurrentMajorVersionNumber").orElseThrow().asDword());
        assertEquals("20348", cv.value("CurrentBuildNumber").orElseThrow().asString());
        assertEquals("Server", cv.value("InstallationType").orElseThrow().asString());
        assertEquals("ServerDatacenter", cv.value("EditionID").orElseThrow().asString());
        assertEquals(get.get("software ImageState"),
                value(h, "Microsoft\\Windows\\CurrentVersion\\Setup\\State", "ImageState").asString());
        assertTrue(h.currentControlSet().isEmpty(), "a SOFTWARE hive has no Select key");
    }

    @Test
    void systemHiveCurrentControlSet() throws IOException {
        Hive h = open("system.hive");
        Map<String, String> get = hivexget();
        assertEquals("ControlSet00" + get.get("system Select\\Current"), h.currentControlSetName().orElseThrow());
        RegistryKey cs = h.currentControlSet().orElseThrow();
        assertEquals("ControlSet001", cs.name());
        assertEquals(get.get("system PROCESSOR_ARCHITECTURE"),
                cs.key("Control\\Session Manager\\Environment").orElseThrow()
                        .value("PROCESSOR_ARCHITECTURE").orElseThrow().asString());
        assertEquals(Long.parseLong(get.get("system cdrom Start")),
                cs.key("Services\\cdrom").orElseThrow().value("Start").orElseThrow().asDword());
        assertEquals("x86", value(h, "ControlSet002\\Control\\Session Manager\\Environment",
                "PROCESSOR_ARCHITECTURE").asString());
    }

    @Test
    void probe() throws IOException {
        assertTrue(Hive.probe(HiveFixtures.source("system.hive")));
        assertFalse(Hive.probe(HiveFixtures.source("system-dirty.LOG1")), "a log is not a primary hive");
        assertFalse(Hive.probe(new ByteArraySource(new byte[8192], "zeros")));
        assertFalse(Hive.probe(new ByteArraySource("regf".getBytes(StandardCharsets.US_ASCII), "short")));
    }

    @Test
    void openingALogAsAHiveIsRefused() {
        DiskException e = assertThrows(DiskException.class,
                () -> Hive.open(HiveFixtures.source("system-dirty.LOG1")));
        assertEquals(28, e.offset());
    }

    /** Counts allocated cells by signature, straight from the bytes (independent of the reader). */
    static Map<String, Integer> cellKinds(byte[] hive) {
        ByteBuffer b = ByteBuffer.wrap(hive).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Integer> kinds = new HashMap<>();
        int end = 4096 + b.getInt(40);
        int off = 4096;
        while (off < end) {
            int size = b.getInt(off + 8);
            for (int p = off + 32; p < off + size; ) {
                int cs = b.getInt(p);
                if (cs < 0) {
                    String sig = new String(hive, p + 4, 2, StandardCharsets.ISO_8859_1);
                    kinds.merge(sig.matches("nk|vk|sk|lf|lh|li|ri|db") ? sig : "data", 1, Integer::sum);
                }
                p += Math.abs(cs);
            }
            off += size;
        }
        return kinds;
    }
}
