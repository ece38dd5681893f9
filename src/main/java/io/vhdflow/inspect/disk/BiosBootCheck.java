package io.vhdflow.inspect.disk;

import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.volume.BiosBootCode;
import io.vhdflow.disk.volume.BootScheme;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * G11: a disk that boots as Generation 1 has boot code for the BIOS to start. A BIOS loads sector 0
 * and jumps into it; when its 440 code bytes are zero (the disk was partitioned and filled, but no
 * boot loader was installed, as when an image is built with debootstrap or copied file by file),
 * the VM stops at "no bootable device" and never provisions. For GRUB 2 the check follows the code
 * to the core image it loads and asks that it is still there: a core image overwritten by a
 * partition, or a gap wiped after grub-install, leaves GRUB's "Read Error".
 */
final class BiosBootCheck implements DiskCheck {
    @Override public String id() { return "G11"; }
    @Override public String title() { return "Gen1: boot code in sector 0, and GRUB's core image where it points"; }
    @Override public Category category() { return Category.BOOT; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "sector 0 bytes 0-439; for GRUB 2, the sector its kernel_sector names (diskboot.img) and the first (lzma_decompress.img: compressed_size) and last sectors of its blocklist"; }
    @Override public String source() { return "GRUB 2 boot.img/diskboot.img layout (grub-core/boot/i386/pc); Azure: Generation 1 VMs boot BIOS from the MBR — docs/checks.md#g11"; }
    @Override public String remediation() { return "install the BIOS boot loader on the source VM (grub-install /dev/sda; grub2-install on RHEL and SUSE) and capture the image again, or publish it as Generation 2 (GPT with an EFI System Partition)"; }

    @Override
    public CheckResult run(DiskContext ctx) throws IOException {
        if (ctx.disk().layout().isEmpty() || ctx.disk().image().isEmpty()) {
            return notRun(ctx, List.of(ctx.layoutUnread()));
        }
        DiskLayout l = ctx.disk().layout().get();
        BootScheme scheme = l.bootScheme();
        if (scheme == BootScheme.UEFI_GPT || scheme == BootScheme.UNKNOWN) {
            return notApplicable(ctx, "boot scheme " + scheme + ": the firmware does not run sector 0's code");
        }
        BiosBootCode code = BiosBootCode.read(ctx.disk().image().get().virtualDisk());
        String scheme1 = "boot scheme " + scheme;
        if (code.loader() == BiosBootCode.Loader.NONE) {
            String none = "sector 0 holds no boot code (bytes 0-" + (BiosBootCode.CODE_BYTES - 1) + " are all zero)";
            return scheme == BootScheme.HYBRID_GPT
                    ? pass(ctx, List.of(none + ": the disk boots UEFI only (Generation 2, as G6 records); a "
                    + "Generation 1 VM could not start it"))
                    : fail(ctx, List.of(none + ", " + scheme1 + ": a Generation 1 VM's BIOS has nothing to start "
                    + "and the VM stops at \"no bootable device\""));
        }
        if (code.loader() != BiosBootCode.Loader.GRUB2) {
            return pass(ctx, List.of("sector 0: " + code.loader().description() + " (" + code.nonZeroBytes()
                    + " of " + BiosBootCode.CODE_BYTES + " code bytes set), " + scheme1));
        }
        long k = code.grubCoreSector().orElseThrow();
        if (code.grubCore().isEmpty()) {
            return fail(ctx, List.of("sector 0: GRUB 2 boot.img, whose core image is at sector " + k
                    + ", outside the " + l.diskSize() / 512 + "-sector disk"));
        }
        BiosBootCode.GrubCore core = code.grubCore().get();
        Optional<Volume> over = dataPartitionAt(l, k);
        if (!core.diskboot()) {
            return fail(ctx, List.of("sector 0: GRUB 2 boot.img loads its core image from sector " + k + ", which "
                    + over.map(v -> "lies in partition " + v.id() + " (" + v.typeName() + ") and holds its data, "
                            + "not GRUB's diskboot.img")
                    .orElse("does not hold GRUB's diskboot.img: the gap after the MBR was overwritten after "
                            + "grub-install")));
        }
        if (over.isPresent()) {
            // grub-install --force with blocklists: core.img is a file of that filesystem, perhaps in pieces,
            // which this check does not follow; GRUB warns that such an install breaks when the file moves.
            return pass(ctx, List.of("sector 0: GRUB 2 boot.img; its core image starts at sector " + k + ", inside "
                    + "partition " + over.get().id() + ": installed by blocklist (grub-install --force), which breaks "
                    + "when that file is moved; the blocklist is not followed, " + scheme1));
        }
        long end = core.blocklistStart() + core.blocklistSectors() - 1;
        Optional<Volume> restOver = dataPartitionAt(l, core.blocklistStart()).or(() -> dataPartitionAt(l, end));
        if (core.blocklistSectors() == 0 || !core.firstBlockHasData() || !core.lastBlockHasData()
                || restOver.isPresent() || end >= l.diskSize() / 512) {
            String what = restOver.map(v -> "lie in partition " + v.id())
                    .orElse(end >= l.diskSize() / 512 ? "run past the end of the disk"
                            : !core.firstBlockHasData() ? "hold nothing"
                            : "end in an empty sector (" + end + "): the length was damaged or the image's tail wiped");
            return fail(ctx, List.of("sector 0: GRUB 2 boot.img, diskboot.img at sector " + k + " loads sectors "
                    + core.blocklistStart() + "-" + end + ", which " + what + ": GRUB stops with \"Read Error\" or hangs"));
        }
        long loads = (long) core.blocklistSectors() * 512;
        if (core.compressedSize().isPresent() && loads < core.compressedSize().get() + 512) {
            return fail(ctx, List.of("sector 0: GRUB 2 boot.img, diskboot.img at sector " + k + " loads "
                    + core.blocklistSectors() + " sectors (" + loads + " bytes) of a core image whose compressed part "
                    + "alone is " + core.compressedSize().get() + " bytes: the blocklist's length was damaged, GRUB "
                    + "cannot start"));
        }
        return pass(ctx, List.of("sector 0: GRUB 2 boot.img; core image at sectors " + k + "-" + end + " ("
                + (end - k + 1) + " sectors, " + (inBiosBootPartition(l, k) ? "in the BIOS boot partition" : "before the first partition")
                + "), " + scheme1));
    }

    /** The partition holding sector {@code lba}, unless it is a BIOS boot partition (GRUB's own place on GPT). */
    private static Optional<Volume> dataPartitionAt(DiskLayout l, long lba) {
        long at = lba * 512;
        return l.partitions().stream()
                .filter(v -> !v.hasRole(VolumeRole.BIOS_BOOT) && !v.hasRole(VolumeRole.EXTENDED)
                        && !v.hasRole(VolumeRole.WHOLE_DISK))
                .filter(v -> v.diskOffset().isPresent() && at >= v.diskOffset().getAsLong()
                        && at < v.diskOffset().getAsLong() + v.length())
                .findFirst();
    }

    private static boolean inBiosBootPartition(DiskLayout l, long lba) {
        long at = lba * 512;
        return l.partitions().stream().filter(v -> v.hasRole(VolumeRole.BIOS_BOOT))
                .anyMatch(v -> v.diskOffset().isPresent() && at >= v.diskOffset().getAsLong()
                        && at < v.diskOffset().getAsLong() + v.length());
    }
}
