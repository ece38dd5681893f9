package io.vhdflow.disk.container;

import java.util.Optional;

/** The footer's disk type field (offset 60). Codes 0, 1, 5 and 6 are reserved or deprecated. */
public enum VhdDiskType {
    FIXED(2),
    DYNAMIC(3),
    DIFFERENCING(4);

    private final int code;

    VhdDiskType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for an on-disk code, empty for reserved or unknown codes. */
    public static Optional<VhdDiskType> fromCode(int code) {
        for (VhdDiskType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
