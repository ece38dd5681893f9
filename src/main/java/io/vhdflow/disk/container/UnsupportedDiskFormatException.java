package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/** The image is a format recognised by magic but not read (VHDX, qcow2). */
public final class UnsupportedDiskFormatException extends DiskException {
    private static final long serialVersionUID = 1L;
    private final transient DiskFormat format;

    public UnsupportedDiskFormatException(DiskFormat format, String file) {
        super(ErrorKind.UNSUPPORTED, format.displayName() + " image", 0, file + " is a " + format.displayName()
                + " image, which Azure does not accept and vhdflow does not read yet; convert it to a fixed VHD first"
                + " (for example: qemu-img convert -O vpc -o subformat=fixed,force_size=on IN OUT.vhd)");
        this.format = format;
    }

    /** The recognised format. */
    public DiskFormat format() {
        return format;
    }
}
