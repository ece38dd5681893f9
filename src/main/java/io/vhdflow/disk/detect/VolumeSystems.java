package io.vhdflow.disk.detect;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.fat.FatFilesystem;
import io.vhdflow.disk.fs.ntfs.NtfsFilesystem;
import io.vhdflow.disk.volume.PartitionTables;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.disk.volume.lvm.LvmScan;
import io.vhdflow.disk.volume.lvm.PhysicalVolumeLabel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the volume layer: splits a disk into its volumes. The partition table
 * ({@link PartitionTables}: MBR, GPT, or none) gives the partitions; every partition and the whole
 * disk are then checked for an LVM2 label, readable logical volumes are appended, and volumes whose
 * first page ends in mkswap's signature are marked as swap.
 *
 * <p>It sits above the partition, LVM and filesystem packages so that none of them imports another:
 * the partition layer asks it, through {@link PartitionTables.Probes}, whether sector 0 is a
 * filesystem's boot sector and whether a disk is an LVM physical volume.
 */
public final class VolumeSystems {

    private static final PartitionTables.Probes PROBES = new PartitionTables.Probes() {
        @Override
        public boolean wholeDiskFilesystem(ByteSource disk) throws IOException {
            return NtfsFilesystem.probe(disk) || FatFilesystem.probe(disk);
        }

        @Override
        public boolean physicalVolume(ByteSource disk) throws IOException {
            return PhysicalVolumeLabel.probe(disk);
        }
    };

    private VolumeSystems() {
    }

    /**
     * Reads the layout of {@code disk}. Volumes are views of {@code disk}: keep it open while they
     * are used.
     *
     * @throws DiskException when the partition table is unusable (e.g. both GPT copies damaged)
     */
    public static DiskLayout open(ByteSource disk) throws IOException {
        PartitionTables.Partitioning p = PartitionTables.read(disk, PROBES);
        List<Finding> findings = new ArrayList<>(p.findings());
        LvmScan.Result lvm = LvmScan.scan(p.partitions(), findings);
        List<Volume> all = new ArrayList<>();
        for (Volume v : p.partitions()) {
            all.add(lvm.pvVolumeIds().contains(v.id()) ? v.withRole(VolumeRole.LVM_PV) : v);
        }
        all.addAll(lvm.logicalVolumes());
        for (int i = 0; i < all.size(); i++) {
            Volume v = all.get(i);
            if (!v.hasRole(VolumeRole.SWAP) && !v.hasRole(VolumeRole.EXTENDED) && !v.hasRole(VolumeRole.LVM_PV)
                    && PartitionTables.hasSwapSignature(v.source())) {
                all.set(i, v.withRole(VolumeRole.SWAP));
            }
        }
        return new DiskLayout(p.scheme(), disk.size(), p.diskId(), all, lvm.groups(), findings);
    }
}
