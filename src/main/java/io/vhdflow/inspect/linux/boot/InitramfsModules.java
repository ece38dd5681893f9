package io.vhdflow.inspect.linux.boot;

import io.vhdflow.disk.archive.Initramfs;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which kernel modules a boot entry can load before the root filesystem is mounted: those in its
 * initramfs images ({@code .ko}, {@code .ko.xz}, {@code .ko.zst}, {@code .ko.gz} under
 * {@code lib/modules/<release>/}) and those built into its kernel ({@code modules.builtin} of that
 * release, in the initramfs or on the root filesystem).
 *
 * @param modules  module name ({@code hv_storvsc}, dashes as underscores) → where it was found
 *                 ({@code initrd.img-6.1.0 usr/lib/modules/6.1.0/kernel/drivers/scsi/hv_storvsc.ko})
 * @param builtins module names built into the kernel → the {@code modules.builtin} that lists them
 * @param images   each initramfs read: path, segments and entry count, for evidence
 * @param notes    modules of another release, unreadable images
 */
public record InitramfsModules(Map<String, String> modules, Map<String, String> builtins, List<String> images,
                               List<String> notes) {

    /** A {@code modules.builtin} is a list of paths; larger than this is not one. */
    static final int BUILTIN_CAP = 4 << 20;

    public InitramfsModules {
        modules = Map.copyOf(modules);
        builtins = Map.copyOf(builtins);
        images = List.copyOf(images);
        notes = List.copyOf(notes);
    }

    /** Where {@code module} is available to the entry: in an initramfs or built in. */
    public Optional<String> find(String module) {
        String m = module.replace('-', '_');
        return Optional.ofNullable(modules.get(m)).or(() -> Optional.ofNullable(builtins.get(m)).map(b -> "built in (" + b + ")"));
    }

    /** Reads every initramfs of {@code entry} and the {@code modules.builtin} of its kernel release. */
    public static InitramfsModules read(Filesystem fs, BootConfiguration boot, BootEntry entry) throws IOException {
        Map<String, String> modules = new LinkedHashMap<>();
        Map<String, String> builtins = new LinkedHashMap<>();
        List<String> images = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<String> release = entry.kernelVersion();
        Set<String> otherReleases = new TreeSet<>();
        for (BootEntry.Initrd initrd : entry.initrds()) {
            ByteSource src = boot.open(fs, initrd);
            String shown = initrd.toString();
            Initramfs.Summary s = Initramfs.read(src, (e, data) -> {
                Optional<String[]> m = moduleOf(e.name());
                if (m.isEmpty()) {
                    return;
                }
                String rel = m.get()[0];
                String name = m.get()[1];
                if (release.isPresent() && !release.get().equals(rel)) {
                    otherReleases.add(rel);
                    return;
                }
                if (name.equals("modules.builtin")) {
                    if (e.type() == FileType.REGULAR && e.size() <= BUILTIN_CAP) {
                        for (String b : builtinNames(new String(data.readNBytes((int) e.size()), StandardCharsets.UTF_8))) {
                            builtins.putIfAbsent(b, shown + " " + e.name());
                        }
                    }
                } else {
                    modules.putIfAbsent(name, shown + " " + e.name());
                }
            });
            images.add(shown + ": " + s.segments().size() + " segment(s) ("
                    + String.join(" + ", s.segments().stream().map(x -> x.compression().label()).toList()) + "), "
                    + s.entries() + " entries");
        }
        if (!otherReleases.isEmpty()) {
            notes.add("modules of other kernel releases in the initramfs, not loadable by " + release.orElse("?")
                    + ": " + String.join(", ", otherReleases));
        }
        if (release.isPresent()) {
            for (String dir : List.of("/lib/modules/", "/usr/lib/modules/")) {
                String p = dir + release.get() + "/modules.builtin";
                if (fs.isRegularFile(p)) {
                    for (String b : builtinNames(fs.readString(p, BUILTIN_CAP))) {
                        builtins.putIfAbsent(b, p);
                    }
                    break;
                }
            }
        }
        return new InitramfsModules(modules, builtins, images, notes);
    }

    /**
     * {@code [usr/]lib/modules/<release>/.../<name>.ko[.xz|.zst|.gz]} → {release, name}; the
     * release's {@code modules.builtin} → {release, "modules.builtin"}; anything else → empty.
     */
    static Optional<String[]> moduleOf(String path) {
        String p = path.startsWith("usr/") ? path.substring(4) : path;
        if (!p.startsWith("lib/modules/")) {
            return Optional.empty();
        }
        String rest = p.substring("lib/modules/".length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String release = rest.substring(0, slash);
        String file = rest.substring(rest.lastIndexOf('/') + 1);
        if (rest.substring(slash + 1).equals("modules.builtin")) {
            return Optional.of(new String[] {release, "modules.builtin"});
        }
        for (String ext : List.of(".ko", ".ko.xz", ".ko.zst", ".ko.gz")) {
            if (file.endsWith(ext) && file.length() > ext.length()) {
                return Optional.of(new String[] {release, file.substring(0, file.length() - ext.length()).replace('-', '_')});
            }
        }
        return Optional.empty();
    }

    /** Module names of a {@code modules.builtin}: one {@code kernel/.../name.ko} per line. */
    static Set<String> builtinNames(String text) {
        Set<String> out = new TreeSet<>();
        for (String l : text.split("\n")) {
            String s = l.strip();
            if (s.endsWith(".ko")) {
                out.add(s.substring(s.lastIndexOf('/') + 1, s.length() - 3).replace('-', '_'));
            }
        }
        return out;
    }
}
