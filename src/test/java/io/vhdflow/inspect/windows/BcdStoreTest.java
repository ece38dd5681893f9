package io.vhdflow.inspect.windows;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.inspect.windows.BcdStore.BcdElement;
import io.vhdflow.inspect.windows.BcdStore.BcdObject;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BCD reader on a real store written by Windows 10 (regipy's test data, unchanged; the values
 * asserted are those hivexregedit --export shows of it) and on a hostile copy edited with hivex.
 */
class BcdStoreTest {
    static final String DEFAULT = "{733b62e5-f608-11eb-825c-c112f60133ab}";
    static final String HYPERVISOR_SETTINGS = "{7ff607e0-4395-11db-b0de-0800200c9a66}";

    @TempDir
    Path dir;

    private BcdStore store(String fixture) throws IOException {
        Path p = Fixtures.extract(fixture, dir);
        return BcdStore.of(Hive.open(new ByteArraySource(Files.readAllBytes(p), fixture)), fixture);
    }

    @Test
    void theBootManagerNamesTheWindowsLoaderAsDefault() throws IOException {
        BcdStore s = store("registry/regipy-BCD.zst");
        BcdObject mgr = s.bootManager().orElseThrow();
        assertEquals(BcdStore.TYPE_BOOT_MANAGER, mgr.type());
        assertEquals("{bootmgr} " + BcdStore.BOOTMGR, mgr.shown());
        assertEquals(DEFAULT, s.element(mgr, BcdStore.DEFAULT_OBJECT).orElseThrow().string());
        assertEquals("\\EFI\\Microsoft\\Boot\\bootmgfw.efi", s.element(mgr, BcdStore.APPLICATION_PATH).orElseThrow().string());
        assertEquals(30, s.element(mgr, 0x25000004).orElseThrow().integer(), "timeout 30");
        BcdObject loader = s.object(DEFAULT.toUpperCase()).orElseThrow();
        assertTrue(loader.isOsLoader());
        assertFalse(mgr.isOsLoader());
        assertEquals("Windows 10", s.element(loader, BcdStore.DESCRIPTION).orElseThrow().string());
        assertEquals("\\Windows\\system32\\winload.efi", s.element(loader, BcdStore.APPLICATION_PATH).orElseThrow().string());
        assertEquals("\\Windows", s.element(loader, BcdStore.SYSTEM_ROOT).orElseThrow().string());
        assertEquals(List.of("{6efb52bf-1766-41db-a6b3-0ee5eff72bd7}"), s.element(loader, BcdStore.INHERIT).orElseThrow().objects());
    }

    @Test
    void windowsDefaultsAreWhatAzureAsksToChange() throws IOException {
        BcdStore s = store("registry/regipy-BCD.zst");
        BcdObject loader = s.object(DEFAULT).orElseThrow();
        assertTrue(s.effective(loader, BcdStore.BOOT_STATUS_POLICY).isEmpty(), "bootstatuspolicy never set");
        assertTrue(s.element(loader, BcdStore.RECOVERY_ENABLED).orElseThrow().bool(), "recoveryenabled Yes");
        assertTrue(s.effective(loader, BcdStore.OS_EMS).isEmpty());
        BcdElement bootems = s.effective(s.bootManager().orElseThrow(), BcdStore.BOOT_EMS).orElseThrow();
        assertEquals(BcdStore.EMSSETTINGS, bootems.objectId(), "{bootmgr} inherits bootems from {emssettings}");
        assertFalse(bootems.bool());
    }

    @Test
    void elementsAreInheritedDepthFirstThroughTheInheritList() throws IOException {
        BcdStore s = store("registry/regipy-BCD.zst");
        BcdObject loader = s.object(DEFAULT).orElseThrow();
        // {default} -> {bootloadersettings} -> {globalsettings}, {hypervisorsettings}: the hypervisor's
        // debugger baud rate (0x250000f5) is set only on {hypervisorsettings}, 00 c2 01 00 ... = 115200.
        BcdElement baud = s.effective(loader, 0x250000F5).orElseThrow();
        assertEquals(HYPERVISOR_SETTINGS, baud.objectId());
        assertEquals(115200, baud.integer());
        // Its own element wins over an inherited one: recoveryenabled is set on {default} itself.
        assertEquals(DEFAULT, s.effective(loader, BcdStore.RECOVERY_ENABLED).orElseThrow().objectId());
        assertEquals(s.location() + ": Objects\\" + DEFAULT + "\\Elements\\250000e0 (bootstatuspolicy)",
                s.where(DEFAULT, BcdStore.BOOT_STATUS_POLICY));
    }

    @Test
    void anInheritanceCycleEndsAndAMistypedElementIsCorruptWithItsOffset() throws IOException {
        BcdStore s = store("windows/bcd-hostile.zst");
        BcdObject loader = s.object(DEFAULT).orElseThrow();
        assertTrue(s.effective(loader, BcdStore.OS_EMS).isEmpty(), "the cycle {globalsettings} <-> {bootloadersettings} ends");
        assertEquals(HYPERVISOR_SETTINGS, s.effective(loader, 0x250000F5).orElseThrow().objectId());
        BcdElement status = s.effective(loader, BcdStore.BOOT_STATUS_POLICY).orElseThrow();
        DiskException e = assertThrows(DiskException.class, status::integer);
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("BCD element 250000e0 of " + DEFAULT) && e.getMessage().contains("REG_SZ"), e.getMessage());
        assertEquals(status.value().offset(), e.offset());
        assertThrows(DiskException.class, status::bool, "format 5 is not a boolean");
    }

    @Test
    void aHiveWithoutObjectsIsNotABcdStore() throws IOException {
        Path p = Fixtures.extract("registry/software.hive.zst", dir);
        Hive h = Hive.open(new ByteArraySource(Files.readAllBytes(p), "software.hive"));
        DiskException e = assertThrows(DiskException.class, () -> BcdStore.of(h, "software.hive"));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("not a Boot Configuration Data store"), e.getMessage());
    }
}
