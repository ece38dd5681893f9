package io.vhdflow.inspect.linux.boot;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.SliceByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.ScannedVolume;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a Linux image boots, read the way its boot loader reads it: systemd-boot ({@code loader.conf},
 * BLS entries, unified kernel images on the ESP), else GRUB ({@code grub.cfg} with {@code set default},
 * {@code grubenv}'s {@code saved_entry} and {@code kernelopts}, {@code blscfg} BLS entries), else the
 * newest installed kernel. The ESP is read through the mounted tree when fstab mounts it, directly
 * from its partition otherwise.
 *
 * @param defaultEntry  what boots without anyone at the console, when it could be told
 * @param entries       every entry found, default first
 * @param sources       the configuration files read
 * @param kernelCmdline {@code /etc/kernel/cmdline} (what kernel-install puts in new BLS entries and UKIs)
 * @param esp           the ESP, when the disk has one
 * @param notes         what could not be read or resolved
 */
public record BootConfiguration(Optional<BootEntry> defaultEntry, List<BootEntry> entries, List<String> sources,
                                Optional<String> kernelCmdline, Optional<Esp> esp, List<String> notes) {

    public BootConfiguration {
        entries = List.copyOf(entries);
        sources = List.copyOf(sources);
        notes = List.copyOf(notes);
    }

    /**
     * The EFI System Partition.
     *
     * @param fs       its filesystem
     * @param prefix   where its root is in {@code fs}: {@code /boot/efi} in the mounted tree, or {@code /}
     *                 when read from the partition directly
     * @param location evidence prefix: {@code gpt:p1/fat32}
     * @param mounted  whether fstab mounts it (then {@code fs} is the mounted tree)
     */
    public record Esp(Filesystem fs, String prefix, String location, boolean mounted) {
        /** A path on the ESP ({@code /EFI/BOOT/BOOTX64.EFI}) as a path of {@link #fs}. */
        public String path(String espPath) {
            return prefix.equals("/") ? espPath : prefix + espPath;
        }
    }

    static final long CONFIG_CAP = 4L << 20;
    static final int MAX_BLS_ENTRIES = 500;
    static final int MAX_UKIS = 100;
    static final List<String> GRUB_CFGS = List.of("/boot/grub/grub.cfg", "/boot/grub2/grub.cfg");
    static final List<String> GRUBENVS = List.of("/boot/grub/grubenv", "/boot/grub2/grubenv");
    private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    /** Prefix of initrd paths that live on an ESP not mounted in the tree. */
    public static final String ESP_PATH = "esp:";

    /** Reads the boot configuration of the tree {@code fs}; {@code disk} gives the ESP when fstab does not mount it. */
    public static BootConfiguration read(Filesystem fs, Optional<InspectedDisk> disk) throws IOException {
        List<String> notes = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Optional<Esp> esp = esp(fs, disk);
        Optional<String> kernelCmdline = text(fs, "/etc/kernel/cmdline", notes).map(s -> s.replace('\n', ' ').strip());
        kernelCmdline.ifPresent(c -> sources.add("/etc/kernel/cmdline"));

        List<BootEntry> entries = new ArrayList<>();
        Optional<BootEntry> def = Optional.empty();
        // systemd-boot: its loader.conf or binary on the ESP.
        if (esp.isPresent() && (esp.get().fs().isRegularFile(esp.get().path("/loader/loader.conf"))
                || esp.get().fs().isRegularFile(esp.get().path("/EFI/systemd/systemd-bootx64.efi")))) {
            def = systemdBoot(fs, esp.get(), kernelCmdline, entries, sources, notes);
        }
        if (entries.isEmpty()) {
            def = grub(fs, esp, entries, sources, notes);
        }
        if (entries.isEmpty()) {
            def = newestKernel(fs, kernelCmdline, entries, notes);
        }
        if (def.isPresent()) {
            BootEntry d = def.get();
            entries.remove(d);
            entries.add(0, d);
        }
        return new BootConfiguration(def, entries, sources, kernelCmdline, esp, notes);
    }

    /** The bytes of an initramfs image named by an entry. */
    public ByteSource open(Filesystem fs, BootEntry.Initrd initrd) throws IOException {
        ByteSource whole;
        if (initrd.path().startsWith(ESP_PATH)) {
            Esp e = esp.orElseThrow(() -> new java.nio.file.NoSuchFileException(initrd.path()));
            whole = e.fs().open(e.path(initrd.path().substring(ESP_PATH.length())));
        } else {
            whole = fs.open(initrd.path());
        }
        if (initrd.length() < 0) {
            return whole;
        }
        return new SliceByteSource(whole, initrd.offset(), initrd.length(), initrd.path() + " .initrd");
    }

    /** Whether an initrd or kernel path of an entry exists. */
    public boolean exists(Filesystem fs, String path) throws IOException {
        if (path.startsWith(ESP_PATH)) {
            return esp.isPresent() && esp.get().fs().isRegularFile(esp.get().path(path.substring(ESP_PATH.length())));
        }
        return fs.isRegularFile(path);
    }

    // ------------------------------------------------------------------ ESP

    private static Optional<Esp> esp(Filesystem fs, Optional<InspectedDisk> disk) throws IOException {
        Optional<ScannedVolume> espVolume = disk.flatMap(d -> d.layout().flatMap(l -> l.esp()).flatMap(v ->
                d.volumes().stream().filter(s -> s.volume().id().equals(v.id())).findFirst()));
        if (fs instanceof MountedView view) {
            for (MountedView.Mount m : view.mounts()) {
                boolean isEsp = espVolume.isPresent() && espVolume.get().filesystem().isPresent()
                        && m.filesystem() == espVolume.get().filesystem().get();
                boolean looksEsp = espVolume.isEmpty() && !m.point().equals("/") && m.filesystem().type().startsWith("fat")
                        && (m.point().equals("/boot/efi") || m.point().equals("/efi"));
                if (isEsp || looksEsp) {
                    return Optional.of(new Esp(view, m.point(), m.location(), true));
                }
            }
        }
        if (espVolume.isPresent() && espVolume.get().filesystem().isPresent()) {
            return Optional.of(new Esp(espVolume.get().filesystem().get(), "/", espVolume.get().location(), false));
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ systemd-boot and UKIs

    private static Optional<BootEntry> systemdBoot(Filesystem fs, Esp esp, Optional<String> kernelCmdline,
                                                   List<BootEntry> entries, List<String> sources, List<String> notes)
            throws IOException {
        String loaderConf = esp.path("/loader/loader.conf");
        Optional<String> defaultPattern = Optional.empty();
        Optional<String> conf = text(esp.fs(), loaderConf, notes);
        if (conf.isPresent()) {
            sources.add(esp.location() + ":/loader/loader.conf");
            for (String l : conf.get().split("\n")) {
                String[] kv = l.strip().split("\\s+", 2);
                if (kv.length == 2 && kv[0].equals("default")) {
                    defaultPattern = Optional.of(kv[1]);
                }
            }
        }
        List<BlsEntry> bls = new ArrayList<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        // Entries on the ESP, then on the XBOOTLDR/boot partition.
        readBls(esp.fs(), esp.path("/loader/entries"), bls, sourceOf, notes);
        if (!esp.mounted() || !esp.prefix().equals("/boot")) {
            readBls(fs, "/boot/loader/entries", bls, sourceOf, notes);
        }
        List<BootEntry> found = new ArrayList<>();
        bls.sort(BlsEntry::newestFirst);
        for (BlsEntry b : bls) {
            found.add(fromBls("systemd-boot", b, sourceOf.get(b.id()), fs, esp, Map.of(), notes));
        }
        // Unified kernel images: EFI/Linux/*.efi on the ESP.
        String ukiDir = esp.path("/EFI/Linux");
        List<DirEntry> ukis = esp.fs().isDirectory(ukiDir) ? esp.fs().list(ukiDir) : List.of();
        List<String> names = ukis.stream().map(DirEntry::name).filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".efi"))
                .sorted().limit(MAX_UKIS).toList();
        List<BootEntry> ukiEntries = new ArrayList<>();
        for (String n : names) {
            uki(esp, "/EFI/Linux/" + n, kernelCmdline, notes).ifPresent(ukiEntries::add);
        }
        ukiEntries.sort((a, b) -> BlsEntry.compareVersions(b.kernelVersion().orElse(b.title()), a.kernelVersion().orElse(a.title())));
        found.addAll(ukiEntries);
        entries.addAll(found);
        if (found.isEmpty()) {
            notes.add("systemd-boot is installed on the ESP but has no entries and no unified kernel images");
            return Optional.empty();
        }
        if (defaultPattern.isPresent()) {
            String glob = defaultPattern.get();
            for (BootEntry e : found) {
                if (globMatches(glob, e.title()) || globMatches(glob, e.title() + ".conf") || globMatches(glob, e.title() + ".efi")) {
                    return Optional.of(e);
                }
            }
            notes.add("loader.conf default '" + glob + "' matches no entry; systemd-boot then boots the first");
        }
        return Optional.of(found.get(0));
    }

    private static Optional<BootEntry> uki(Esp esp, String path, Optional<String> kernelCmdline, List<String> notes)
            throws IOException {
        ByteSource file = esp.fs().open(esp.path(path));
        Map<String, PeSections.Section> sections = PeSections.read(file);
        if (!sections.containsKey(".linux")) {
            notes.add(esp.location() + ":" + path + " is not a unified kernel image (no .linux section)");
            return Optional.empty();
        }
        Optional<String> uname = PeSections.text(file, sections, ".uname", 256);
        Optional<String> cmdline = PeSections.text(file, sections, ".cmdline", 64 * 1024);
        List<BootEntry.Initrd> initrds = new ArrayList<>();
        PeSections.Section initrd = sections.get(".initrd");
        String espPath = ESP_PATH + path;
        if (initrd != null) {
            initrds.add(new BootEntry.Initrd(espPath, initrd.offset(), initrd.length()));
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Optional.of(new BootEntry("uki", name.substring(0, name.length() - 4), esp.location() + ":" + path,
                Optional.of(espPath), uname, initrds, cmdline.or(() -> kernelCmdline)));
    }

    // ------------------------------------------------------------------ GRUB

    private static Optional<BootEntry> grub(Filesystem fs, Optional<Esp> esp, List<BootEntry> entries,
                                            List<String> sources, List<String> notes) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String p : GRUBENVS) {
            Optional<String> t = text(fs, p, notes);
            if (t.isPresent()) {
                sources.add(p);
                for (String l : t.get().split("\n")) {
                    int eq = l.indexOf('=');
                    if (!l.startsWith("#") && eq > 0) {
                        env.put(l.substring(0, eq), l.substring(eq + 1));
                    }
                }
                break;
            }
        }
        List<String> candidates = new ArrayList<>(GRUB_CFGS);
        if (esp.isPresent()) {
            for (DirEntry d : esp.get().fs().isDirectory(esp.get().path("/EFI")) ? esp.get().fs().list(esp.get().path("/EFI"))
                    : List.<DirEntry>of()) {
                candidates.add(esp.get().path("/EFI/" + d.name() + "/grub.cfg"));
            }
        }
        for (String path : candidates) {
            Filesystem from = esp.isPresent() && !esp.get().mounted() && path.startsWith("/EFI/") ? esp.get().fs() : fs;
            Optional<String> t = text(from, path, notes);
            if (t.isEmpty()) {
                continue;
            }
            GrubConfig cfg = GrubConfig.parse(t.get());
            String shown = from == fs ? path : esp.get().location() + ":" + path;
            if (cfg.stubTarget().isPresent()) {
                sources.add(shown + " (loads " + cfg.stubTarget().get() + ")");
                continue;
            }
            sources.add(shown);
            if (cfg.blscfg()) {
                List<BlsEntry> bls = new ArrayList<>();
                Map<String, String> sourceOf = new LinkedHashMap<>();
                readBls(fs, "/boot/loader/entries", bls, sourceOf, notes);
                bls.sort(BlsEntry::newestFirst);
                List<BootEntry> found = new ArrayList<>();
                for (BlsEntry b : bls) {
                    found.add(fromBls("grub-bls", b, sourceOf.get(b.id()), fs, esp.orElse(null), env, notes));
                }
                if (!found.isEmpty()) {
                    entries.addAll(found);
                    String saved = env.get("saved_entry");
                    if (saved != null && cfg.defaults().stream().anyMatch(v -> v.contains("saved_entry"))) {
                        for (int i = 0; i < bls.size(); i++) {
                            if (bls.get(i).id().equals(saved)) {
                                return Optional.of(found.get(i));
                            }
                        }
                        notes.add("grubenv saved_entry=" + saved + " names no entry in /boot/loader/entries; GRUB boots the first");
                    }
                    return Optional.of(found.get(0));
                }
                notes.add(shown + " uses blscfg but /boot/loader/entries holds no entry");
            }
            List<BootEntry> flat = new ArrayList<>();
            for (GrubConfig.Item it : cfg.items()) {
                flatten(it, path, fs, env, flat, notes);
            }
            entries.addAll(flat);
            Optional<GrubConfig.Item> d = cfg.defaultItem(env);
            if (d.isEmpty() && !flat.isEmpty()) {
                notes.add(shown + ": the default (" + (cfg.defaults().isEmpty() ? "0" : cfg.defaults().get(cfg.defaults().size() - 1))
                        + (env.containsKey("saved_entry") ? ", saved_entry=" + env.get("saved_entry") : "")
                        + ") names no menu entry; GRUB falls back to the first");
                return Optional.of(flat.get(0));
            }
            if (d.isPresent()) {
                return Optional.of(fromGrub(d.get(), path, fs, env, notes));
            }
        }
        return Optional.empty();
    }

    private static void flatten(GrubConfig.Item it, String cfgPath, Filesystem fs, Map<String, String> env,
                                List<BootEntry> out, List<String> notes) throws IOException {
        if (it.submenu()) {
            for (GrubConfig.Item c : it.children()) {
                flatten(c, cfgPath, fs, env, out, notes);
            }
        } else if (it.linux().isPresent()) {
            out.add(fromGrub(it, cfgPath, fs, env, notes));
        }
    }

    private static BootEntry fromGrub(GrubConfig.Item it, String cfgPath, Filesystem fs, Map<String, String> env,
                                      List<String> notes) throws IOException {
        Optional<String> kernel = Optional.empty();
        Optional<String> cmdline = Optional.empty();
        if (it.linux().isPresent()) {
            String[] parts = substitute(it.linux().get(), env).split("\\s+", 2);
            kernel = Optional.of(resolve(fs, cfgPath, stripDevice(parts[0])));
            cmdline = Optional.of(parts.length > 1 ? parts[1].strip() : "");
        }
        List<BootEntry.Initrd> initrds = new ArrayList<>();
        for (String i : it.initrds()) {
            initrds.add(BootEntry.Initrd.file(resolve(fs, cfgPath, stripDevice(substitute(i, env)))));
        }
        return new BootEntry("grub", it.title(), cfgPath, kernel, kernelVersion(fs, kernel), initrds, cmdline);
    }

    private static BootEntry fromBls(String loader, BlsEntry b, String source, Filesystem fs, Esp esp,
                                     Map<String, String> env, List<String> notes) throws IOException {
        Optional<String> kernel = b.linux().map(l -> resolveQuiet(fs, source, l));
        List<BootEntry.Initrd> initrds = new ArrayList<>();
        for (String i : b.initrds()) {
            initrds.add(BootEntry.Initrd.file(resolveQuiet(fs, source, i)));
        }
        Optional<String> version = b.version().or(() -> kernelVersion(fs, kernel));
        return new BootEntry(loader, b.id(), source, kernel, version, initrds, b.options().map(o -> substitute(o, env)));
    }

    private static void readBls(Filesystem fs, String dir, List<BlsEntry> out, Map<String, String> sourceOf,
                                List<String> notes) throws IOException {
        if (!fs.isDirectory(dir)) {
            return;
        }
        for (DirEntry d : fs.list(dir).stream().sorted(java.util.Comparator.comparing(DirEntry::name)).limit(MAX_BLS_ENTRIES).toList()) {
            if (!d.name().endsWith(".conf")) {
                continue;
            }
            String p = dir + "/" + d.name();
            Optional<String> t = text(fs, p, notes);
            if (t.isPresent()) {
                String id = d.name().substring(0, d.name().length() - 5);
                out.add(BlsEntry.parse(id, t.get()));
                sourceOf.put(id, p);
            }
        }
    }

    // ------------------------------------------------------------------ no boot loader configuration

    private static Optional<BootEntry> newestKernel(Filesystem fs, Optional<String> kernelCmdline,
                                                    List<BootEntry> entries, List<String> notes) throws IOException {
        if (!fs.isDirectory("/boot")) {
            return Optional.empty();
        }
        List<String> versions = new ArrayList<>();
        for (DirEntry e : fs.list("/boot")) {
            if (e.name().startsWith("vmlinuz-") && e.name().length() > 8) {
                versions.add(e.name().substring(8));
            }
        }
        versions.sort((a, b) -> BlsEntry.compareVersions(b, a));
        for (String v : versions) {
            List<BootEntry.Initrd> initrds = new ArrayList<>();
            for (String p : List.of("/boot/initrd.img-" + v, "/boot/initramfs-" + v + ".img", "/boot/initrd-" + v)) {
                if (fs.isRegularFile(p)) {
                    initrds.add(BootEntry.Initrd.file(p));
                    break;
                }
            }
            entries.add(new BootEntry("none", "vmlinuz-" + v, "/boot", Optional.of("/boot/vmlinuz-" + v), Optional.of(v),
                    initrds, kernelCmdline.or(() -> defaultGrubCmdline(fs, notes))));
        }
        if (!entries.isEmpty()) {
            notes.add("no boot loader configuration found (grub.cfg, BLS entries, systemd-boot): the newest kernel is taken");
            return Optional.of(entries.get(0));
        }
        return Optional.empty();
    }

    /** {@code GRUB_CMDLINE_LINUX} and {@code GRUB_CMDLINE_LINUX_DEFAULT} of {@code /etc/default/grub}. */
    private static Optional<String> defaultGrubCmdline(Filesystem fs, List<String> notes) {
        try {
            Optional<String> t = text(fs, "/etc/default/grub", notes);
            if (t.isEmpty()) {
                return Optional.empty();
            }
            List<String> parts = new ArrayList<>();
            for (String l : t.get().split("\n")) {
                for (String key : List.of("GRUB_CMDLINE_LINUX=", "GRUB_CMDLINE_LINUX_DEFAULT=")) {
                    if (l.strip().startsWith(key)) {
                        String v = l.strip().substring(key.length()).strip();
                        if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
                            v = v.substring(1, v.length() - 1);
                        }
                        if (!v.isBlank()) {
                            parts.add(v);
                        }
                    }
                }
            }
            return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", parts));
        } catch (IOException e) {
            notes.add("/etc/default/grub: " + e.getMessage());
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A boot loader path ({@code /vmlinuz-6.1.0}) as a path of the tree. GRUB's root is the
     * filesystem holding its configuration, so a path is first taken relative to that
     * filesystem's mount point (a separate {@code /boot}), then as written, then under {@code /boot}.
     */
    static String resolve(Filesystem fs, String configPath, String path) throws IOException {
        String p = path.startsWith("/") ? path : "/" + path;
        List<String> tries = new ArrayList<>();
        if (fs instanceof MountedView view) {
            String point = view.mountOf(configPath).point();
            if (!point.equals("/")) {
                tries.add(point + p);
            }
        }
        tries.add(p);
        tries.add("/boot" + p);
        for (String t : tries) {
            if (fs.isRegularFile(t)) {
                return t;
            }
        }
        return tries.get(0);
    }

    private static String resolveQuiet(Filesystem fs, String configPath, String path) {
        try {
            return resolve(fs, configPath, path);
        } catch (IOException e) {
            return path;
        }
    }

    /** {@code (hd0,gpt2)/vmlinuz} → {@code /vmlinuz}. */
    private static String stripDevice(String p) {
        if (p.startsWith("(")) {
            int close = p.indexOf(')');
            if (close > 0) {
                return p.substring(close + 1);
            }
        }
        return p;
    }

    /** GRUB variables ({@code $kernelopts}, {@code ${extra_cmdline}}) from grubenv; unknown ones are empty, as in GRUB. */
    static String substitute(String s, Map<String, String> env) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        Matcher m = VAR.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        }
        m.appendTail(b);
        return b.toString().replaceAll("\\s+", " ").strip();
    }

    /** From the kernel's file name ({@code vmlinuz-<release>}), else from the bzImage header's version string. */
    static Optional<String> kernelVersion(Filesystem fs, Optional<String> kernel) {
        if (kernel.isEmpty()) {
            return Optional.empty();
        }
        String name = kernel.get().substring(kernel.get().lastIndexOf('/') + 1);
        for (String prefix : List.of("vmlinuz-", "vmlinux-", "Image-", "kernel-")) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return Optional.of(name.substring(prefix.length()));
            }
        }
        try {
            return KernelImage.release(fs.open(kernel.get()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(Filesystem fs, String path, List<String> notes) throws IOException {
        try {
            if (!fs.isRegularFile(path)) {
                return Optional.empty();
            }
            return Optional.of(fs.readString(path, CONFIG_CAP));
        } catch (io.vhdflow.disk.fs.FileTooLargeException | FileSystemLoopException e) {
            notes.add(path + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** systemd-boot's {@code default} glob: {@code *} and {@code ?}. */
    static boolean globMatches(String glob, String s) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return s.matches(re.toString());
    }
}
