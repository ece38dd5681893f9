package io.vhdflow.inspect.packages;

import io.vhdflow.disk.registry.Hive;
import io.vhdflow.disk.registry.RegistryKey;
import io.vhdflow.disk.registry.RegistryValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The installed programs Windows lists in "Apps and features", from the SOFTWARE hive's uninstall
 * keys ({@code Microsoft\Windows\CurrentVersion\Uninstall\*} and the 32-bit view under
 * {@code WOW6432Node}): entries with a {@code DisplayName}, without {@code SystemComponent=1} and
 * without a {@code ParentKeyName} (updates of another entry), as Windows itself filters them.
 */
public final class WindowsPrograms {

    static final List<String> KEYS = List.of("Microsoft\\Windows\\CurrentVersion\\Uninstall",
            "WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall");
    /** Most uninstall entries read from one key. */
    static final int MAX_ENTRIES = 20_000;

    private WindowsPrograms() {
    }

    /** The inventory of the installation at {@code location} whose SOFTWARE hive is {@code software}. */
    public static SoftwareInventory read(Hive software, String location, Optional<String> version) {
        List<InstalledPackage> out = new ArrayList<>();
        List<PackageDatabase> dbs = new ArrayList<>();
        for (String k : KEYS) {
            int n = 0;
            String path = "HKLM\\SOFTWARE\\" + k;
            try {
                Optional<RegistryKey> key = software.key(k);
                if (key.isEmpty()) {
                    continue;
                }
                for (RegistryKey e : key.get().subkeys().stream().limit(MAX_ENTRIES).toList()) {
                    Optional<String> name = string(e, "DisplayName").filter(s -> !s.isBlank());
                    if (name.isEmpty() || dword(e, "SystemComponent") == 1 || string(e, "ParentKeyName").isPresent()) {
                        continue;
                    }
                    out.add(new InstalledPackage(InstalledPackage.Ecosystem.WINDOWS, name.get().strip(),
                            string(e, "DisplayVersion").orElse("").strip(), Optional.empty(),
                            Optional.of(k.startsWith("WOW6432Node") ? "x86" : "native"), Optional.empty(),
                            string(e, "Publisher").map(String::strip).filter(s -> !s.isEmpty()), Optional.empty()));
                    n++;
                }
                dbs.add(new PackageDatabase("windows-uninstall", path, n, Optional.empty()));
            } catch (IOException e) {
                dbs.add(new PackageDatabase("windows-uninstall", path, n, Optional.of(e.getMessage())));
            }
        }
        return new SoftwareInventory(location, "Windows", "windows", version, dbs, out);
    }

    private static Optional<String> string(RegistryKey k, String name) throws IOException {
        Optional<RegistryValue> v = k.value(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(v.get().asString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long dword(RegistryKey k, String name) throws IOException {
        Optional<RegistryValue> v = k.value(name);
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return v.get().asDword();
        } catch (IOException e) {
            return 0;
        }
    }
}
