package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NotLinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only FAT12/16/32 with VFAT long names: enough for the EFI System Partition
 * ({@code /EFI/BOOT/BOOTX64.EFI}, {@code /EFI/ubuntu/grub.cfg}, the Windows boot manager).
 * Names match case-insensitively against the long or the short (8.3) name; {@code \} separates
 * like {@code /}.
 *
 * <p>Hostile input: every cluster number is checked against the volume, directory chains are cut
 * at 65536 entries (the FAT limit) and checked for loops, a file chain is followed only as far as
 * its size needs and must not revisit a cluster. Thread-safe.
 */
public final class FatFilesystem extends NodeFilesystem<FatDirectoryEntry> {
    private final FatVolume volume;
    private final FatBootSector boot;
    private final FatTable fat;
    private final Optional<String> label;
    private final List<Finding> findings;
    private final FatDirectoryEntry root;

    private FatFilesystem(FatVolume volume, FatBootSector boot, FatTable fat, FatDirectories directories)
            throws IOException {
        super(PathSyntax.WINDOWS, directories);
        this.volume = volume;
        this.boot = boot;
        this.fat = fat;
        this.root = new FatDirectoryEntry("/", "/", FatDirectoryEntry.ATTR_DIRECTORY, boot.bits() == 32 ? boot.rootCluster() : 0,
                0, Optional.empty(), Optional.empty(), Optional.empty(), -1);
        List<Finding> f = new ArrayList<>();
        if (boot.volumeBytes() > volume.bytes().size()) {
            f.add(new Finding("fat.truncated", volume.base(), "the boot sector describes " + boot.volumeBytes()
                    + " bytes but the volume holds " + volume.bytes().size() + "; files past the end cannot be read"));
        }
        checkDirtyBits(f);
        FatDirectoryEntry.Parsed rootDir = directories.root(root);
        this.label = rootDir.volumeLabel().or(boot::label);
        this.findings = List.copyOf(f);
    }

    /** True when {@code volume} starts with a valid FAT boot sector. */
    public static boolean probe(ByteSource volume) throws IOException {
        if (volume.size() < 512) {
            return false;
        }
        ByteBuffer b = volume.readBuffer(0, 512, "FAT boot sector");
        if ((b.get(510) & 0xFF) != 0x55 || (b.get(511) & 0xFF) != 0xAA) {
            return false;
        }
        try {
            FatBootSector.read(volume);
            return true;
        } catch (DiskException e) {
            return false;
        }
    }

    /** Opens the FAT filesystem on {@code volume}. */
    public static FatFilesystem open(ByteSource volume) throws IOException {
        return open(volume, 0);
    }

    /**
     * Opens the FAT filesystem on {@code volume}.
     *
     * @param base absolute offset of the volume in the disk, added to offsets in errors and findings
     */
    public static FatFilesystem open(ByteSource volume, long base) throws IOException {
        FatVolume v = new FatVolume(volume, base);
        FatBootSector boot;
        try {
            boot = FatBootSector.read(volume);
        } catch (DiskException e) {
            throw v.onDisk(e);
        }
        FatTable fat = new FatTable(v, boot);
        return new FatFilesystem(v, boot, fat, new FatDirectories(v, boot, fat));
    }

    /** FAT[1] carries "cleanly unmounted" and "no I/O errors" bits on FAT16 and FAT32. */
    private void checkDirtyBits(List<Finding> f) throws IOException {
        if (boot.bits() == 12) {
            return;
        }
        long v = fat.get(1);
        long clean = boot.bits() == 16 ? 0x8000 : 0x08000000L;
        long noErrors = boot.bits() == 16 ? 0x4000 : 0x04000000L;
        if ((v & clean) == 0) {
            f.add(new Finding("fat.not-cleanly-unmounted", volume.base() + fat.entryOffset(1),
                    "the volume was not cleanly unmounted (FAT[1] clean bit is clear)"));
        }
        if ((v & noErrors) == 0) {
            f.add(new Finding("fat.io-errors", volume.base() + fat.entryOffset(1),
                    "the last mount reported I/O errors (FAT[1] error bit is clear)"));
        }
    }

    @Override
    public String type() {
        return "fat" + boot.bits();
    }

    @Override
    public Optional<String> label() {
        return label;
    }

    @Override
    public Optional<String> uuid() {
        return boot.serial().map(s -> String.format("%04X-%04X", s >>> 16, s & 0xFFFF));
    }

    @Override
    public List<Finding> findings() {
        return findings;
    }

    /** Number of data clusters; cluster size in bytes. Informative. */
    public long clusterCount() {
        return boot.clusterCount();
    }

    public int clusterSize() {
        return boot.clusterSize();
    }

    // ------------------------------------------------------------------ node API (directories: FatDirectories)

    @Override
    protected FatDirectoryEntry root() {
        return root;
    }

    @Override
    protected FileAttributes attributesOf(FatDirectoryEntry e) throws IOException {
        return new FileAttributes(typeOf(e), e.size(), 0, 0, 0,
                e.modified(), e.accessed(), Optional.empty(), e.created(), e.firstCluster(), 1);
    }

    /** FAT has no symbolic links: {@link #typeOf} never says SYMLINK, so this is never reached by a walk. */
    @Override
    protected String linkTarget(FatDirectoryEntry link) throws IOException {
        throw new NotLinkException(link.name(), null, "FAT has no symbolic links");
    }

    @Override
    protected ByteSource content(FatDirectoryEntry file, String path) throws IOException {
        return new FatChainSource(volume, boot, fat, file, path);
    }
}
