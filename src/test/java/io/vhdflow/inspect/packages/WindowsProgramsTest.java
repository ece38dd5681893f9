package io.vhdflow.inspect.packages;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installed programs from a SOFTWARE hive whose uninstall keys were merged in by hivexregedit
 * (fixtures/make-linux-boot.sh), compared with hivexregedit's own export of the same keys, filtered
 * the way "Apps and features" filters them (no SystemComponent=1, no ParentKeyName).
 */
class WindowsProgramsTest {

    @Test
    void theUninstallKeysGiveTheProgramsWindowsLists() throws IOException {
        byte[] hive;
        try (InputStream in = new ZstdInputStream(getClass().getResourceAsStream("/fixtures/packages/software-uninstall.hive.zst"))) {
            hive = in.readAllBytes();
        }
        SoftwareInventory inv = WindowsPrograms.read(Hive.open(new ByteArraySource(hive, "SOFTWARE")), "gpt:p3/ntfs",
                Optional.of("20348"));
        Set<String> got = new TreeSet<>();
        inv.packages().forEach(p -> got.add(p.name() + " | " + p.version() + " | " + p.publisher().orElse("") + " | " + p.arch().orElse("")));
        assertEquals(expectedFromExport(), got);
        assertEquals(2, inv.databases().size());
        assertTrue(inv.databases().stream().allMatch(d -> d.problem().isEmpty()));
    }

    /** The export's keys, values decoded from hivexregedit's hex(1) UTF-16LE form, filtered as Windows does. */
    static Set<String> expectedFromExport() {
        Map<String, Map<String, String>> keys = new LinkedHashMap<>();
        String key = null;
        for (String l : Fixtures.text("packages/software-uninstall.export.reg").split("\n")) {
            if (l.startsWith("[")) {
                key = l.substring(1, l.length() - 1);
                keys.put(key, new LinkedHashMap<>());
            } else if (key != null && l.startsWith("\"")) {
                String name = l.substring(1, l.indexOf("\"="));
                String v = l.substring(l.indexOf("\"=") + 2);
                if (v.startsWith("hex(1):")) {
                    String[] hex = v.substring(7).split(",");
                    byte[] b = new byte[hex.length];
                    for (int i = 0; i < hex.length; i++) {
                        b[i] = (byte) Integer.parseInt(hex[i], 16);
                    }
                    v = new String(b, StandardCharsets.UTF_16LE).replace("\0", "");
                }
                keys.get(key).put(name, v);
            }
        }
        Set<String> out = new TreeSet<>();
        keys.forEach((k, values) -> {
            if (values.containsKey("DisplayName") && !"dword:00000001".equals(values.get("SystemComponent"))
                    && !values.containsKey("ParentKeyName")) {
                out.add(values.get("DisplayName") + " | " + values.getOrDefault("DisplayVersion", "") + " | "
                        + values.getOrDefault("Publisher", "") + " | " + (k.contains("WOW6432Node") ? "x86" : "native"));
            }
        });
        assertEquals(3, out.size(), out.toString());
        return out;
    }
}
