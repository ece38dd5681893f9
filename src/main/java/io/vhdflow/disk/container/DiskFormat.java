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
    /** Hyper-V VHDX (file identifier {@code vhdxfile} at 0), fixed, dynamic or differencing. */
    VHDX("VHDX", true),
    /** QEMU copy-on-write v2/v3 (magic {@code QFI\xfb} at 0). */
    QCOW2("qcow2", true),
    /**
     * VMware VMDK: a hosted sparse extent (magic {@code KDMV} at 0: monolithicSparse,
     * streamOptimized) or a text descriptor ({@code # Disk DescriptorFile}) naming its extents.
     */
    VMDK("VMDK", true),
    /** An OVF package: a tar ({@code ustar} at 257) holding an {@code .ovf} descriptor and its disks. */
    OVA("OVA", true),
    /** VirtualBox VDI (signature {@code 0xbeda107f} at 64); recognised but not read. */
    VDI("VDI", false);

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
