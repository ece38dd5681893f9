package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.linux.boot.BootConfiguration;
import io.vhdflow.inspect.linux.boot.BootEntry;

/** How the boot checks name what they read: the entry, its source, its kernel, each with the volume it is on. */
final class BootEvidence {

    private BootEvidence() {
    }

    /** {@code default entry 'Debian GNU/Linux' (grub, mbr:p1/ext4:/boot/grub/grub.cfg): kernel 6.1.0-28 (…:/boot/vmlinuz-6.1.0-28)}. */
    static String entry(LinuxContext ctx, BootEntry e) {
        StringBuilder b = new StringBuilder("default entry '").append(e.title()).append("' (").append(e.loader())
                .append(", ").append(e.source().contains(":") ? e.source() : where(ctx, e.source())).append(")");
        b.append(": kernel ").append(e.kernelVersion().orElse("of unknown release"));
        e.kernel().ifPresent(k -> b.append(" (").append(path(ctx, k)).append(")"));
        return b.toString();
    }

    /** A path of the tree or of the ESP, with its volume. */
    static String path(LinuxContext ctx, String p) {
        if (p.startsWith(BootConfiguration.ESP_PATH)) {
            return ctx.disk().flatMap(d -> d.layout().flatMap(l -> l.esp()).map(v -> v.id())).orElse("esp")
                    + ":" + p.substring(BootConfiguration.ESP_PATH.length());
        }
        return where(ctx, p);
    }

    static String where(LinuxContext ctx, String p) {
        return ctx.at(p);
    }
}
