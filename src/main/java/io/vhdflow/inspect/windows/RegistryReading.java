package io.vhdflow.inspect.windows;

import io.vhdflow.disk.registry.RegistryValue;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One registry value as a check read it: the full path it was read at, with the hive and the
 * control set actually used ({@code SYSTEM\ControlSet001\Services\cdrom\Start}), and the value,
 * if there was one. Evidence quotes the path, so a report says which control set was read.
 *
 * @param path  {@code HIVE\key\name}, the control set spelled out
 * @param value the value, when the key and the value exist
 */
public record RegistryReading(String path, Optional<RegistryValue> value) {

    public boolean present() {
        return value.isPresent();
    }

    /**
     * The value as a number: REG_DWORD (either byte order) and REG_QWORD; empty when absent or of
     * another type (a string where a number belongs is shown by {@link #shown()}, never guessed at).
     */
    public OptionalLong number() throws IOException {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        return switch (value.get().type()) {
            case DWORD, DWORD_BIG_ENDIAN -> OptionalLong.of(value.get().asDword());
            case QWORD -> OptionalLong.of(value.get().asQword());
            default -> OptionalLong.empty();
        };
    }

    /** The value as text whatever its type; empty when absent. */
    public Optional<String> text() throws IOException {
        return WindowsSystem.text(value);
    }

    /** How evidence shows the value: its text, its type when not a number or string, or {@code (absent)}. */
    public String shown() throws IOException {
        if (value.isEmpty()) {
            return "(absent)";
        }
        String t = text().orElse("");
        return switch (value.get().type()) {
            case DWORD, DWORD_BIG_ENDIAN, QWORD, SZ, EXPAND_SZ, MULTI_SZ -> t;
            default -> t + " (" + value.get().type().regName() + ")";
        };
    }

    /** True when the value is the number {@code n}. */
    public boolean is(long n) throws IOException {
        OptionalLong v = number();
        return v.isPresent() && v.getAsLong() == n;
    }
}
