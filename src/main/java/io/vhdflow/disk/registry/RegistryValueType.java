package io.vhdflow.disk.registry;

/**
 * The data type stored in a key value ({@code vk} cell, field "Data type" at offset 12). Types this
 * reader does not interpret are still readable as raw bytes through
 * {@link RegistryValue#asBytes()}; {@link RegistryValue#typeCode()} keeps the exact number.
 */
public enum RegistryValueType {
    NONE(0), SZ(1), EXPAND_SZ(2), BINARY(3), DWORD(4), DWORD_BIG_ENDIAN(5), LINK(6), MULTI_SZ(7),
    RESOURCE_LIST(8), FULL_RESOURCE_DESCRIPTOR(9), RESOURCE_REQUIREMENTS_LIST(10), QWORD(11),
    /** Any other type number (applications may store their own); see {@link RegistryValue#typeCode()}. */
    OTHER(-1);

    private final int code;

    RegistryValueType(int code) {
        this.code = code;
    }

    /** The on-disk type number, or -1 for {@link #OTHER}. */
    public int code() {
        return code;
    }

    /** The type for an on-disk type number; never fails. */
    public static RegistryValueType of(int code) {
        for (RegistryValueType t : values()) {
            if (t.code == code && t != OTHER) {
                return t;
            }
        }
        return OTHER;
    }

    /** The name Windows tools show, e.g. {@code REG_SZ}. */
    public String regName() {
        return this == OTHER ? "REG_UNKNOWN" : "REG_" + name();
    }
}
