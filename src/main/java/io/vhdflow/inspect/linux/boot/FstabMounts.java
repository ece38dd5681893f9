package io.vhdflow.inspect.linux.boot;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.fs.btrfs.BtrfsFilesystem;
import io.vhdflow.disk.volume.PartitionScheme;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.ScannedVolume;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles the tree a Linux system mounts at boot: its root filesystem, then every
 * {@code /etc/fstab} entry whose device is a volume of this disk ({@code UUID=}, {@code LABEL=},
 * {@code PARTUUID=}, {@code PARTLABEL=}, their {@code /dev/disk/by-*} links, {@code /dev/mapper/VG-LV},
 * {@code /dev/VG/LV}), each at its mount point. Checks then read {@code /var}, {@code /boot} or
 * {@code /usr} from the volume the system would read them from; a btrfs {@code subvol=} or
 * {@code subvolid=} entry mounts that subvolume of its filesystem. Every entry's outcome is kept
 * ({@link FstabMount}) so a check can report the ones that would not mount.
 */
public final class FstabMounts {

    /** fstab larger than this is not a configuration file. */
    static final long FSTAB_CAP = 1024 * 1024;
    /** {@code /dev/sda1}, {@code /dev/vdb}, {@code /dev/xvda2}, {@code /dev/hda1}: name letter, partition number. */
    private static final Pattern SCSI_NAME = Pattern.compile("/dev/(?:sd|vd|xvd|hd)([a-z]+)(\\d*)");
    /** {@code /dev/nvme0n1p2}, {@code /dev/mmcblk0p1}. */
    private static final Pattern NVME_NAME = Pattern.compile("/dev/(?:nvme(\\d+)n1|mmcblk(\\d+))(?:p(\\d+))?");

    /**
     * What became of one fstab entry.
     *
     * @param entry    the entry
     * @param outcome  what happened
     * @param location the volume it was found on ({@code gpt:p2/ext4}), when found
     * @param detail   how it was resolved, or why not
     */
    public record FstabMount(Fstab.Entry entry, Outcome outcome, Optional<String> location, String detail) {
    }

    /** What became of an entry. */
    public enum Outcome {
        /** The root entry, and it names the root filesystem being inspected. */
        ROOT,
        /** Resolved to a volume of this disk and mounted in the view. */
        MOUNTED,
        /**
         * Named by a kernel device name ({@code /dev/sda2}): mounted in the view as the partition
         * that name has when this is the first disk, which a VM does not promise.
         */
        GUESSED,
        /** Swap, a kernel or network filesystem, a bind mount: nothing to mount from the disk. */
        SKIPPED,
        /** No volume of this disk carries it, or its filesystem could not be opened. */
        UNRESOLVED
    }

    /**
     * The assembled tree.
     *
     * @param view    the root with every resolved entry mounted
     * @param fstab   the parsed fstab, when there is one
     * @param mounts  each entry's outcome, in file order
     * @param problem why {@code /etc/fstab} could not be read, when it could not
     */
    public record MountPlan(MountedView view, Optional<Fstab> fstab, List<FstabMount> mounts, Optional<String> problem) {
        public MountPlan {
            mounts = List.copyOf(mounts);
        }

        /** The entries that would not mount at boot. */
        public List<FstabMount> unresolved() {
            return mounts.stream().filter(m -> m.outcome() == Outcome.UNRESOLVED).toList();
        }
    }

    private FstabMounts() {
    }

    /**
     * Reads {@code /etc/fstab} from {@code root} and mounts what it names.
     *
     * @param root the root filesystem as a view of itself
     * @param disk every volume of the disk, with its opened filesystem
     */
    public static MountPlan assemble(MountedView root, InspectedDisk disk) throws IOException {
        Optional<String> text;
        try {
            text = root.isRegularFile("/etc/fstab") ? Optional.of(root.readString("/etc/fstab", FSTAB_CAP))
                    : Optional.empty();
        } catch (io.vhdflow.disk.fs.FileTooLargeException | FileSystemLoopException e) {
            return new MountPlan(root, Optional.empty(), List.of(), Optional.of("/etc/fstab: " + e.getMessage()));
        }
        if (text.isEmpty()) {
            return new MountPlan(root, Optional.empty(), List.of(), Optional.empty());
        }
        Fstab fstab = Fstab.parse(text.get());
        NodeFilesystem<?> rootFs = root.mounts().get(root.mounts().size() - 1).filesystem();
        List<FstabMount> outcomes = new ArrayList<>();
        List<Fstab.Entry> toMount = new ArrayList<>();
        List<NodeFilesystem<?>> toMountFs = new ArrayList<>();
        List<String> toMountLocation = new ArrayList<>();
        for (Fstab.Entry e : fstab.entries()) {
            if (e.isSwap() || e.isVirtual()) {
                outcomes.add(new FstabMount(e, Outcome.SKIPPED, Optional.empty(),
                        e.isSwap() ? "swap" : "not a volume of this disk (" + e.type() + ")"));
                continue;
            }
            if (!e.mountPoint().startsWith("/")) {
                outcomes.add(new FstabMount(e, Outcome.SKIPPED, Optional.empty(), "mount point is not a path"));
                continue;
            }
            Resolution r = resolve(e.spec(), disk);
            if (r.volume().isEmpty()) {
                outcomes.add(new FstabMount(e, Outcome.UNRESOLVED, Optional.empty(), r.how()));
                continue;
            }
            ScannedVolume v = r.volume().get();
            if (v.filesystem().isEmpty()) {
                outcomes.add(new FstabMount(e, Outcome.UNRESOLVED, Optional.of(v.volume().id()),
                        r.how() + ", but " + v.unreadable().or(v::encrypted).orElse("it holds no filesystem this reader opens")));
                continue;
            }
            if (e.mountPoint().equals("/")) {
                boolean same = v.filesystem().get() == rootFs;
                outcomes.add(new FstabMount(e, same ? Outcome.ROOT : Outcome.UNRESOLVED, Optional.of(v.location()),
                        same ? r.how() : r.how() + ", which is not the root filesystem holding this fstab ("
                                + root.mountOf("/").location() + ")"));
                continue;
            }
            if (e.hasOption("noauto")) {
                outcomes.add(new FstabMount(e, Outcome.SKIPPED, Optional.of(v.location()), r.how() + "; noauto: not mounted at boot"));
                continue;
            }
            NodeFilesystem<?> fs = v.filesystem().get();
            String location = v.location();
            String how = r.how();
            Optional<String> subvol = subvolume(e);
            if (subvol.isPresent()) {
                if (!(fs instanceof BtrfsFilesystem btrfs)) {
                    outcomes.add(new FstabMount(e, Outcome.UNRESOLVED, Optional.of(v.location()),
                            r.how() + ", but " + subvol.get() + " needs btrfs, and it holds " + fs.type()));
                    continue;
                }
                try {
                    fs = subvol.get().startsWith("subvolid=")
                            ? btrfs.openSubvolume(Long.parseUnsignedLong(subvol.get().substring("subvolid=".length())))
                            : btrfs.openSubvolume(subvol.get().substring("subvol=".length()));
                } catch (DiskException | NumberFormatException ex) {
                    outcomes.add(new FstabMount(e, Outcome.UNRESOLVED, Optional.of(v.location()),
                            r.how() + ", but its " + subvol.get() + " cannot be opened: " + ex.getMessage()));
                    continue;
                }
                location = v.location() + "[" + subvol.get() + "]";
                how = r.how() + ", " + subvol.get();
            }
            outcomes.add(new FstabMount(e, r.guessed() ? Outcome.GUESSED : Outcome.MOUNTED, Optional.of(location), how));
            toMount.add(e);
            toMountFs.add(fs);
            toMountLocation.add(location);
        }
        // Parents before children, as systemd orders mounts; equal points keep file order (the later hides the earlier).
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < toMount.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> depth(toMount.get(i).mountPoint())));
        MountedView view = root;
        for (int i : order) {
            try {
                view = view.mount(toMount.get(i).mountPoint(), toMountFs.get(i), toMountLocation.get(i));
            } catch (IllegalArgumentException ex) {
                Fstab.Entry e = toMount.get(i);
                outcomes.replaceAll(m -> m.entry() == e ? new FstabMount(e, Outcome.UNRESOLVED, m.location(),
                        "cannot be mounted: " + ex.getMessage()) : m);
            }
        }
        return new MountPlan(view, Optional.of(fstab), outcomes, Optional.empty());
    }

    /**
     * The btrfs subvolume an entry mounts ({@code subvol=/@/home} or {@code subvolid=257}, as the
     * option is written), when it names one; {@code subvolid=} wins when both are given, as the kernel
     * requires them to agree.
     */
    static Optional<String> subvolume(Fstab.Entry e) {
        Optional<String> id = e.options().stream().filter(o -> o.startsWith("subvolid=")).findFirst();
        return id.isPresent() ? id : e.options().stream().filter(o -> o.startsWith("subvol=")).findFirst();
    }

    /** A kernel device name ({@code /dev/sdb1}, {@code /dev/nvme0n1p2}): not stable across VMs. */
    public static boolean isKernelName(String spec) {
        return SCSI_NAME.matcher(spec).matches() || NVME_NAME.matcher(spec).matches();
    }

    private static int depth(String point) {
        return (int) point.chars().filter(c -> c == '/').count();
    }

    /** A device field resolved: the volume, how, and whether it is a guess from a kernel name. */
    record Resolution(Optional<ScannedVolume> volume, String how, boolean guessed) {
        static Resolution found(ScannedVolume v, String how) {
            return new Resolution(Optional.of(v), how, false);
        }

        static Resolution none(String why) {
            return new Resolution(Optional.empty(), why, false);
        }
    }

    /** Finds the volume an fstab device field names among the disk's volumes. */
    static Resolution resolve(String spec, InspectedDisk disk) {
        String s = spec;
        for (String[] link : new String[][] {{"/dev/disk/by-uuid/", "UUID="}, {"/dev/disk/by-label/", "LABEL="},
                {"/dev/disk/by-partuuid/", "PARTUUID="}, {"/dev/disk/by-partlabel/", "PARTLABEL="}}) {
            if (s.startsWith(link[0])) {
                s = link[1] + unescapeUdev(s.substring(link[0].length()));
            }
        }
        String value = unquote(s.substring(s.indexOf('=') + 1));
        if (s.startsWith("UUID=")) {
            return match(disk, v -> v.filesystem().flatMap(Filesystem::uuid).filter(u -> u.equalsIgnoreCase(value)).isPresent(),
                    "filesystem UUID " + value);
        }
        if (s.startsWith("LABEL=")) {
            return match(disk, v -> v.filesystem().flatMap(Filesystem::label).filter(l -> l.equals(value)).isPresent(),
                    "filesystem label " + value);
        }
        if (s.startsWith("PARTUUID=")) {
            return match(disk, v -> partUuid(v.volume(), disk).filter(u -> u.equalsIgnoreCase(value)).isPresent(),
                    "partition UUID " + value);
        }
        if (s.startsWith("PARTLABEL=")) {
            return match(disk, v -> !v.volume().hasRole(VolumeRole.LVM_LV)
                    && v.volume().name().filter(n -> n.equals(value)).isPresent(), "partition label " + value);
        }
        Optional<String> lv = logicalVolume(s);
        if (lv.isPresent()) {
            return match(disk, v -> v.volume().hasRole(VolumeRole.LVM_LV)
                    && v.volume().name().filter(n -> n.equals(lv.get())).isPresent(), "logical volume " + lv.get());
        }
        if (s.startsWith("/dev/disk/by-id/dm-uuid-LVM-") && s.length() >= "/dev/disk/by-id/dm-uuid-LVM-".length() + 64) {
            String lvUuid = s.substring(s.length() - 32);
            return match(disk, v -> v.volume().hasRole(VolumeRole.LVM_LV)
                    && v.volume().uuid().filter(u -> u.replace("-", "").equals(lvUuid)).isPresent(), "LVM uuid " + lvUuid);
        }
        return kernelName(s, disk);
    }

    private static Resolution match(InspectedDisk disk, java.util.function.Predicate<ScannedVolume> p, String what) {
        List<ScannedVolume> found = disk.volumes().stream().filter(p).toList();
        if (found.isEmpty()) {
            return Resolution.none("no volume of this disk has " + what);
        }
        if (found.size() > 1) {
            // Two clones of one filesystem: Linux mounts whichever udev saw last, so this is not resolved.
            return Resolution.none(what + " is on " + found.size() + " volumes ("
                    + String.join(", ", found.stream().map(ScannedVolume::location).toList()) + "): which one mounts is undefined");
        }
        return Resolution.found(found.get(0), what + " is " + found.get(0).location());
    }

    /** GPT: the partition's unique GUID; MBR: {@code <disk signature>-<partition number>} as the kernel forms it. */
    static Optional<String> partUuid(Volume v, InspectedDisk disk) {
        if (v.hasRole(VolumeRole.LVM_LV)) {
            return Optional.empty();
        }
        Optional<DiskLayout> layout = disk.layout();
        if (layout.isPresent() && layout.get().scheme() == PartitionScheme.MBR && v.id().startsWith("mbr:p")
                && layout.get().diskId().isPresent()) {
            String sig = layout.get().diskId().get().replace("0x", "").toLowerCase(Locale.ROOT);
            int n = Integer.parseInt(v.id().substring(5));
            return Optional.of(String.format("%s-%02x", sig, n));
        }
        return v.id().startsWith("gpt:") ? v.uuid() : Optional.empty();
    }

    /** {@code /dev/mapper/vg-lv} (dashes in names doubled) or {@code /dev/vg/lv}, as {@code vg/lv}. */
    static Optional<String> logicalVolume(String spec) {
        if (spec.startsWith("/dev/mapper/")) {
            String dm = spec.substring("/dev/mapper/".length());
            for (int i = 0; i < dm.length(); i++) {
                if (dm.charAt(i) == '-') {
                    if (i + 1 < dm.length() && dm.charAt(i + 1) == '-') {
                        i++;
                        continue;
                    }
                    return Optional.of(dm.substring(0, i).replace("--", "-") + "/" + dm.substring(i + 1).replace("--", "-"));
                }
            }
            return Optional.empty();
        }
        String[] parts = spec.split("/");
        // "", "dev", vg, lv: and not a kernel directory such as /dev/disk/... or /dev/md/...
        if (parts.length == 4 && parts[1].equals("dev") && !List.of("disk", "md", "mapper", "block", "char", "bus")
                .contains(parts[2]) && !parts[2].isEmpty() && !parts[3].isEmpty()) {
            return Optional.of(parts[2] + "/" + parts[3]);
        }
        return Optional.empty();
    }

    /**
     * A kernel device name. The first disk's partitions are mounted by their number, flagged as a
     * guess: Azure does not promise the OS disk is {@code sda} (NVMe VMs name it {@code nvme0n1}).
     */
    private static Resolution kernelName(String spec, InspectedDisk disk) {
        Matcher m = SCSI_NAME.matcher(spec);
        String first;
        String partition;
        if (m.matches()) {
            first = m.group(1).equals("a") ? "" : null;
            partition = m.group(2);
        } else {
            Matcher n = NVME_NAME.matcher(spec);
            if (!n.matches()) {
                return Resolution.none("device " + spec + " is not a name this disk's volumes can be found by");
            }
            String index = n.group(1) != null ? n.group(1) : n.group(2);
            first = index.equals("0") ? "" : null;
            partition = n.group(3) == null ? "" : n.group(3);
        }
        if (first == null) {
            return Resolution.none("device " + spec + " is another disk than the OS disk");
        }
        String scheme = disk.layout().map(l -> l.scheme() == PartitionScheme.GPT ? "gpt:p" : "mbr:p").orElse("mbr:p");
        String id = partition.isEmpty() ? "disk" : scheme + partition;
        Optional<ScannedVolume> v = disk.volumes().stream().filter(x -> x.volume().id().equals(id)).findFirst();
        if (v.isEmpty()) {
            return Resolution.none("device " + spec + ": this disk has no " + id);
        }
        return new Resolution(v, "kernel name " + spec + " taken as " + v.get().location()
                + " (only if this disk is the VM's first)", true);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** udev's {@code \x2f}-style escapes in /dev/disk/by-label names. */
    private static String unescapeUdev(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(s.charAt(i));
        }
        return b.toString();
    }
}
