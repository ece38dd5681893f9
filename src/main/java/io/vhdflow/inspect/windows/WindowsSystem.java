package io.vhdflow.inspect.windows;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.disk.fs.ntfs.NtfsFilesystem;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.disk.registry.RegistryKey;
import io.vhdflow.disk.registry.RegistryValue;
import io.vhdflow.inspect.InspectedDisk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Windows installation found on a volume: its system root and its SYSTEM and SOFTWARE hives,
 * opened with their transaction logs so a dirty hive reads as Windows would see it.
 *
 * @param location   where it was found, for evidence (e.g. {@code gpt:p4/ntfs})
 * @param filesystem the volume holding {@code Windows\System32\config}
 * @param system     the SYSTEM hive, when it could be read
 * @param software   the SOFTWARE hive, when it could be read
 * @param problems   why a hive could not be read
 * @param bcd        where the disk's BCD store was looked for and what was found (W11)
 */
public record WindowsSystem(String location, Filesystem filesystem, Optional<Hive> system, Optional<Hive> software,
                            List<String> problems, BcdLookup bcd) {

    static final String CONFIG = "/Windows/System32/config";

    public WindowsSystem {
        problems = List.copyOf(problems);
    }

    /** True when {@code fs} holds a Windows system root. */
    public static boolean isWindows(Filesystem fs) throws IOException {
        return fs.isDirectory(CONFIG) && (fs.isRegularFile(CONFIG + "/SYSTEM") || fs.isRegularFile(CONFIG + "/SOFTWARE"));
    }

    /**
     * Opens the hives of the Windows installation on {@code fs} and looks for the disk's BCD store.
     *
     * @param disk the disk the installation is on: its layout says where the firmware reads the BCD
     */
    public static WindowsSystem open(Filesystem fs, String location, InspectedDisk disk) {
        List<String> problems = new ArrayList<>();
        Optional<Hive> system = hive(fs, "SYSTEM", location, problems);
        Optional<Hive> software = hive(fs, "SOFTWARE", location, problems);
        return new WindowsSystem(location, fs, system, software, problems, BcdLookup.find(disk));
    }

    private static Optional<Hive> hive(Filesystem fs, String name, String location, List<String> problems) {
        String path = CONFIG + "/" + name;
        try {
            if (!fs.isRegularFile(path)) {
                problems.add(location + ":" + path + " is missing");
                return Optional.empty();
            }
            return Optional.of(openHive(fs, path));
        } catch (IOException e) {
            problems.add(location + ":" + path + " cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The hive at {@code path} with its transaction logs ({@code .LOG1}, {@code .LOG2} beside it,
     * when not empty), so a hive Windows had not flushed reads as Windows would see it.
     */
    static Hive openHive(Filesystem fs, String path) throws IOException {
        ByteSource data = fs.open(path);
        List<ByteSource> logs = new ArrayList<>();
        for (String log : List.of(".LOG1", ".LOG2")) {
            if (fs.isRegularFile(path + log) && fs.stat(path + log).size() > 0) {
                logs.add(fs.open(path + log));
            }
        }
        return Hive.open(data, logs);
    }

    /** The NTFS volume holding the system root, for facts of the volume itself (dirty flag, hiberfil.sys). */
    public Optional<NtfsFilesystem> ntfs() {
        Filesystem fs = filesystem instanceof MountedView v ? v.mountOf("/").filesystem() : filesystem;
        return fs instanceof NtfsFilesystem n ? Optional.of(n) : Optional.empty();
    }

    /** The path of a file in evidence form: {@code gpt:p4/ntfs:/Windows/...}. */
    public String where(String path) {
        return location + ":" + path;
    }

    /** A value of the SOFTWARE hive, e.g. {@code value("Microsoft\\Windows NT\\CurrentVersion", "ProductName")}. */
    public Optional<RegistryValue> softwareValue(String key, String name) throws IOException {
        return value(software, key, name);
    }

    /** A value under the SYSTEM hive's current control set ({@code Select\Current}), key relative to it. */
    public Optional<RegistryValue> controlSetValue(String key, String name) throws IOException {
        Optional<RegistryKey> k = controlSetKey(key);
        return k.isEmpty() ? Optional.empty() : k.get().value(name);
    }

    /** A value of the SYSTEM hive, key from its root. */
    public Optional<RegistryValue> systemValue(String key, String name) throws IOException {
        return value(system, key, name);
    }

    public Optional<String> currentControlSetName() throws IOException {
        return system.isEmpty() ? Optional.empty() : system.get().currentControlSetName();
    }

    /**
     * A value under the current control set, with the path it was read at: the control set that
     * {@code Select\Current} names, spelled out ({@code SYSTEM\ControlSet001\Services\w32time\Start}).
     */
    public RegistryReading controlSet(String key, String name) throws IOException {
        String cs = currentControlSetName().orElse("(no current control set)");
        return new RegistryReading("SYSTEM\\" + cs + "\\" + key + "\\" + name, controlSetValue(key, name));
    }

    /** A key under the current control set, when there is one. */
    public Optional<RegistryKey> controlSetKey(String key) throws IOException {
        if (system.isEmpty()) {
            return Optional.empty();
        }
        Optional<RegistryKey> cs = system.get().currentControlSet();
        return cs.isEmpty() ? Optional.empty() : cs.get().key(key);
    }

    /** A value of the SOFTWARE hive with the path it was read at. */
    public RegistryReading software(String key, String name) throws IOException {
        return new RegistryReading("SOFTWARE\\" + key + "\\" + name, softwareValue(key, name));
    }

    /** A value of the SYSTEM hive (key from its root) with the path it was read at. */
    public RegistryReading system(String key, String name) throws IOException {
        return new RegistryReading("SYSTEM\\" + key + "\\" + name, systemValue(key, name));
    }

    private static Optional<RegistryValue> value(Optional<Hive> hive, String key, String name) throws IOException {
        if (hive.isEmpty()) {
            return Optional.empty();
        }
        Optional<RegistryKey> k = hive.get().key(key);
        return k.isEmpty() ? Optional.empty() : k.get().value(name);
    }

    /** A registry value as text whatever its type (strings as they are, numbers in decimal). */
    static Optional<String> text(Optional<RegistryValue> v) throws IOException {
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (v.get().type()) {
            case DWORD, DWORD_BIG_ENDIAN -> Long.toString(v.get().asDword());
            case QWORD -> Long.toString(v.get().asQword());
            case MULTI_SZ -> String.join(",", v.get().asMultiString());
            case SZ, EXPAND_SZ, LINK -> v.get().asString();
            default -> java.util.HexFormat.of().formatHex(v.get().asBytes(), 0, (int) Math.min(64, v.get().dataSize()));
        });
    }
}
