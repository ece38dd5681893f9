package io.vhdflow.disk.detect;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.btrfs.BtrfsFilesystem;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.fs.ext4.Ext4Filesystem;
import io.vhdflow.disk.fs.fat.FatFilesystem;
import io.vhdflow.disk.fs.ntfs.NtfsFilesystem;
import io.vhdflow.disk.fs.xfs.XfsFilesystem;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Detects the filesystem on a volume by its magic and opens it: NTFS, ext2/3/4, XFS, btrfs (its
 * default subvolume), FAT. Each
 * probe reads only its superblock or boot sector.
 */
public final class Filesystems {

    /** A filesystem format: its name, magic probe and opener. */
    private record Format(String name, Probe probe, Opener opener) {
    }

    @FunctionalInterface
    private interface Probe {
        boolean matches(ByteSource s) throws IOException;
    }

    @FunctionalInterface
    private interface Opener {
        NodeFilesystem<?> open(ByteSource s) throws IOException;
    }

    private static final List<Format> FORMATS = List.of(
            new Format("ntfs", NtfsFilesystem::probe, NtfsFilesystem::open),
            new Format("ext", Ext4Filesystem::probe, Ext4Filesystem::open),
            new Format("xfs", XfsFilesystem::probe, XfsFilesystem::open),
            new Format("btrfs", BtrfsFilesystem::probe, BtrfsFilesystem::open),
            new Format("fat", FatFilesystem::probe, FatFilesystem::open));

    private Filesystems() {
    }

    /** The name of the format whose magic {@code volume} carries, if any. */
    public static Optional<String> detect(ByteSource volume) throws IOException {
        for (Format f : FORMATS) {
            if (f.probe().matches(volume)) {
                return Optional.of(f.name());
            }
        }
        return Optional.empty();
    }

    /**
     * Opens the filesystem on {@code volume}; empty when no known magic is there.
     *
     * @throws io.vhdflow.disk.DiskException when the magic matches but the filesystem is damaged
     */
    public static Optional<NodeFilesystem<?>> open(ByteSource volume) throws IOException {
        for (Format f : FORMATS) {
            if (f.probe().matches(volume)) {
                return Optional.of(f.opener().open(volume));
            }
        }
        return Optional.empty();
    }
}
