package io.vhdflow.inspect.linux.boot;

import java.util.List;
import java.util.Optional;

/**
 * One way the system can boot, as a boot loader's configuration describes it.
 *
 * @param loader        {@code grub}, {@code grub-bls} (GRUB's {@code blscfg}), {@code systemd-boot},
 *                      {@code uki} (a unified kernel image on the ESP), {@code none} (no boot loader
 *                      configuration: the newest installed kernel)
 * @param title         the menu title, or the entry's id
 * @param source        the file the entry was read from, as evidence ({@code /boot/grub/grub.cfg})
 * @param kernel        the kernel image's path in the mounted tree, when the entry names one
 * @param kernelVersion the kernel release ({@code 6.1.0-28-cloud-amd64}), from the entry, the file name
 *                      or the image's own header
 * @param initrds       the initramfs images the entry loads, in order
 * @param cmdline       the kernel command line, variables substituted, when the entry has one
 */
public record BootEntry(String loader, String title, String source, Optional<String> kernel,
                        Optional<String> kernelVersion, List<Initrd> initrds, Optional<String> cmdline) {

    public BootEntry {
        initrds = List.copyOf(initrds);
    }

    /**
     * An initramfs image: a file of the tree, or a section of a file (a UKI's {@code .initrd}).
     *
     * @param path   the file, as a path of the mounted tree (or of the ESP, prefixed by {@code esp:})
     * @param offset where the image starts in the file
     * @param length its length, or -1 for the rest of the file
     */
    public record Initrd(String path, long offset, long length) {
        public static Initrd file(String path) {
            return new Initrd(path, 0, -1);
        }

        @Override
        public String toString() {
            return length < 0 ? path : path + " section at byte " + offset + " (" + length + " bytes)";
        }
    }
}
