package io.vhdflow.disk.container;

/** Container formats recognised by magic. Only fixed VHD is accepted by Azure as is. */
public enum DiskFormat {
    /** VHD with disk type 2: the virtual disk followed by a footer. */
    VHD_FIXED("fixed VHD", true),
    /** VHD with disk type 3: footer copy, dynamic header, BAT and blocks. */
    VHD_DYNAMIC("dynamic VHD", true),
    /** VHD with disk type 4: a dynamic VHD whose unset sectors come from a parent. */
    VHD_DIFFERENCING("differencing VHD", true),
    /** A raw image ({@code .raw}, {@code .img}): the virtual disk itself. */
    RAW("raw image", true),
    /** Hyper-V VHDX (file identifier {@code vhdxfile}); recognised but not read. */
    VHDX("VHDX", false),
    /** QEMU copy-on-write v2/v3 (magic {@code QFI\xfb}); recognised but not read. */
    QCOW2("qcow2", false);

    private final String displayName;
    private final boolean readable;

    DiskFormat(String displayName, boolean readable) {
        this.displayName = displayName;
        this.readable = readable;
    }

    /** Name for operators. */
    public String displayName() {
        return displayName;
    }

    /** Whether this reader presents the virtual disk of this format. */
    public boolean readable() {
        return readable;
    }

    /** Whether Azure accepts an image in this format as uploaded (only fixed VHD). */
    public boolean acceptedByAzure() {
        return this == VHD_FIXED;
    }

    /** Whether this is one of the VHD types. */
    public boolean isVhd() {
        return this == VHD_FIXED || this == VHD_DYNAMIC || this == VHD_DIFFERENCING;
    }
}
