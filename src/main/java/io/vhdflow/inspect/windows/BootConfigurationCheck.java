package io.vhdflow.inspect.windows;

import io.vhdflow.disk.volume.HyperVGeneration;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.windows.BcdStore.BcdElement;
import io.vhdflow.inspect.windows.BcdStore.BcdObject;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * W11: the firmware finds a BCD store where the VM generation reads it ({@link BcdLookup}), its
 * boot manager names a default Windows loader of the firmware's kind (winload.efi for UEFI,
 * winload.exe for BIOS), and that loader has Azure's settings: {@code bootstatuspolicy
 * IgnoreAllFailures} (no recovery screen nobody can see), {@code recoveryenabled No}, EMS on the
 * serial console ({@code ems}, {@code bootems}, {@code emsport 1}, {@code emsbaudrate 115200}).
 * A store missing or unusable blocks (the VM does not boot); the settings warn.
 */
public final class BootConfigurationCheck extends WindowsCheck {

    public BootConfigurationCheck() {
        super("W11", "BCD store present; default loader boots with Azure's settings", Category.BOOT, Severity.MUST,
                "the BCD store (a regf hive): \\EFI\\Microsoft\\Boot\\BCD on the ESP (Gen2) or \\Boot\\BCD on the active "
                        + "partition (Gen1); {bootmgr} default, the default loader's path, bootstatuspolicy, recoveryenabled, "
                        + "ems, {bootmgr} bootems, {emssettings} emsport and emsbaudrate",
                "Prepare a Windows VHD to upload to Azure, 'Verify the VM' (bcdedit settings, serial console); "
                        + "BCD element types (ReactOS bcd.h, Microsoft BcdElementType) — docs/checks.md#w11",
                "rebuild the boot files from the Windows volume: bcdboot C:\\Windows /f UEFI (Gen2) or /f BIOS (Gen1)");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        BcdLookup lookup = w.bcd();
        Evidence e = new Evidence();
        if (lookup.generation().isEmpty()) {
            e.unknown(lookup.problem().orElse("the partition table implies no VM generation (see G6): the firmware's "
                    + "boot partition is unknown") + (lookup.elsewhere().isEmpty() ? "" : "; BCD stores found at "
                    + String.join(", ", lookup.elsewhere())));
            return conclude(e);
        }
        boolean uefi = lookup.generation().get() == HyperVGeneration.V2;
        String bcdboot = "bcdboot C:\\Windows /s <boot partition letter>: /f " + (uefi ? "UEFI" : "BIOS");
        String gen = uefi ? "generation 2 (UEFI)" : "generation 1 (BIOS)";
        if (lookup.store().isEmpty()) {
            if (lookup.problem().isPresent()) {
                e.unknown(lookup.problem().get());
                return conclude(e);
            }
            e.block("no BCD store where " + gen + " firmware reads it: " + String.join("; ", lookup.tried())
                    + (lookup.elsewhere().isEmpty() ? "" : "; a store exists at " + String.join(", ", lookup.elsewhere())
                    + ", which this firmware does not read"), bcdboot);
            return conclude(e);
        }
        BcdStore store = lookup.store().get();
        Optional<BcdObject> loader = defaultLoader(store, uefi, e, bcdboot);
        if (loader.isPresent()) {
            settings(store, loader.get(), e);
        }
        return conclude(e);
    }

    /** {@code {bootmgr}}'s default object, checked to be a Windows loader of the firmware's kind. */
    private static Optional<BcdObject> defaultLoader(BcdStore store, boolean uefi, Evidence e, String bcdboot)
            throws IOException {
        Optional<BcdObject> mgr = store.bootManager();
        if (mgr.isEmpty()) {
            e.block(store.location() + ": no {bootmgr} object " + BcdStore.BOOTMGR + ": the boot manager has no settings",
                    bcdboot);
            return Optional.empty();
        }
        Optional<BcdElement> def = store.element(mgr.get(), BcdStore.DEFAULT_OBJECT);
        if (def.isEmpty()) {
            e.block(store.where(mgr.get().id(), BcdStore.DEFAULT_OBJECT) + ": absent, {bootmgr} has no default entry", bcdboot);
            return Optional.empty();
        }
        String id = def.get().string();
        Optional<BcdObject> loader = store.object(id);
        if (loader.isEmpty()) {
            e.block(store.where(mgr.get().id(), BcdStore.DEFAULT_OBJECT) + " = " + id + ", an object the store does not hold",
                    bcdboot);
            return Optional.empty();
        }
        String shownType = loader.get().type() < 0 ? "no type" : String.format("type 0x%08X", loader.get().type());
        if (!loader.get().isOsLoader()) {
            e.block(store.where(mgr.get().id(), BcdStore.DEFAULT_OBJECT) + " = " + id + ", " + shownType
                    + ", not a Windows loader (0x10200003)", bcdboot);
            return Optional.empty();
        }
        Optional<BcdElement> path = store.effective(loader.get(), BcdStore.APPLICATION_PATH);
        String description = text(store.effective(loader.get(), BcdStore.DESCRIPTION));
        String root = text(store.effective(loader.get(), BcdStore.SYSTEM_ROOT));
        String want = uefi ? "winload.efi" : "winload.exe";
        String p = path.isPresent() ? path.get().string() : "";
        String line = store.location() + ": {bootmgr} default " + id + " '" + description + "', path " + (p.isEmpty() ? "(absent)" : p)
                + ", systemroot " + root;
        if (!p.toLowerCase(Locale.ROOT).endsWith(want)) {
            e.block(line + ", wanted a path ending in " + want + ": this firmware cannot start that loader", "bcdboot C:\\Windows /f "
                    + (uefi ? "UEFI" : "BIOS"));
            return Optional.empty();
        }
        e.ok(line);
        return loader;
    }

    private static String text(Optional<BcdElement> e) throws IOException {
        return e.isPresent() ? e.get().string() : "(absent)";
    }

    /** The settings Azure's preparation sets; each that differs warns, with its bcdedit command. */
    private static void settings(BcdStore store, BcdObject loader, Evidence e) throws IOException {
        Optional<BcdElement> status = store.effective(loader, BcdStore.BOOT_STATUS_POLICY);
        long policy = status.isPresent() ? status.get().integer() : 0;
        String statusLine = shown(store, loader, BcdStore.BOOT_STATUS_POLICY, status, statusPolicy(policy)
                + (status.isPresent() ? "" : " (absent: Windows' default)")) + ", wanted IgnoreAllFailures";
        if (policy == 1) {
            e.ok(statusLine);
        } else {
            e.warn(statusLine + ": after a failed boot Windows stops at a recovery screen only the serial console sees",
                    "bcdedit /set {default} bootstatuspolicy IgnoreAllFailures");
        }
        Optional<BcdElement> recovery = store.effective(loader, BcdStore.RECOVERY_ENABLED);
        boolean recoveryOn = recovery.isEmpty() || recovery.get().bool();
        String recoveryLine = shown(store, loader, BcdStore.RECOVERY_ENABLED, recovery,
                recovery.isEmpty() ? "(absent)" : recovery.get().bool() ? "Yes" : "No") + ", wanted No";
        if (!recoveryOn) {
            e.ok(recoveryLine);
        } else {
            e.warn(recoveryLine + ": a failed boot may start Windows RE, which waits for a console", "bcdedit /set {default} recoveryenabled Off");
        }
        flag(store, loader, BcdStore.OS_EMS, "ems", e, "bcdedit /ems {default} ON");
        Optional<BcdObject> mgr = store.bootManager();
        if (mgr.isPresent()) {
            flag(store, mgr.get(), BcdStore.BOOT_EMS, "bootems", e, "bcdedit /set {bootmgr} bootems yes");
        }
        String ems = "bcdedit /emssettings EMSPORT:1 EMSBAUDRATE:115200";
        number(store, loader, BcdStore.EMS_PORT, 1, e, ems);
        number(store, loader, BcdStore.EMS_BAUD_RATE, 115200, e, ems);
    }

    private static void flag(BcdStore store, BcdObject o, int type, String name, Evidence e, String fix) throws IOException {
        Optional<BcdElement> v = store.effective(o, type);
        boolean on = v.isPresent() && v.get().bool();
        String line = shown(store, o, type, v, v.isEmpty() ? "(absent)" : on ? "Yes" : "No") + ", wanted Yes";
        if (on) {
            e.ok(line);
        } else {
            e.warn(line + ": no Special Administration Console on the serial console", fix);
        }
    }

    private static void number(BcdStore store, BcdObject o, int type, long wanted, Evidence e, String fix) throws IOException {
        Optional<BcdElement> v = store.effective(o, type);
        String line = shown(store, o, type, v, v.isEmpty() ? "(absent)" : Long.toString(v.get().integer())) + ", wanted " + wanted;
        if (v.isPresent() && v.get().integer() == wanted) {
            e.ok(line);
        } else {
            e.warn(line + ": the serial console (COM1 at 115200) shows nothing of EMS", fix);
        }
    }

    /** {@code <store>: Objects\{guid}\Elements\250000e0 (bootstatuspolicy) = X}, naming where an inherited value comes from. */
    private static String shown(BcdStore store, BcdObject o, int type, Optional<BcdElement> v, String value) {
        String where = store.where(v.map(BcdElement::objectId).orElse(o.id()), type);
        String inherited = v.isPresent() && !v.get().objectId().equals(o.id())
                ? " (inherited by " + BcdStore.alias(o.id()) + " from " + BcdStore.alias(v.get().objectId()) + ")" : "";
        return where + " = " + value + inherited;
    }

    static String statusPolicy(long n) {
        return switch ((int) n) {
            case 0 -> "DisplayAllFailures";
            case 1 -> "IgnoreAllFailures";
            case 2 -> "IgnoreShutdownFailures";
            case 3 -> "IgnoreBootFailures";
            case 4 -> "IgnoreCheckpointFailures";
            case 5 -> "DisplayShutdownFailures";
            case 6 -> "DisplayBootFailures";
            case 7 -> "DisplayCheckpointFailures";
            default -> n + " (not a boot status policy)";
        };
    }
}
