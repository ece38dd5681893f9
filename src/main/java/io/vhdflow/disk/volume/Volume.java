package io.vhdflow.disk.volume;

import io.vhdflow.disk.container.ByteSource;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One readable volume of a disk: a partition, a logical volume, or the whole disk.
 *
 * @param id         stable identifier usable as evidence: {@code mbr:p1}, {@code mbr:p5}, {@code gpt:p2},
 *                   {@code lvm:rootvg/root}, {@code disk}
 * @param source     the volume's bytes, read positionally like the disk itself
 * @param diskOffset byte offset of the volume in the disk when it is one contiguous range
 *                   (partitions, linear single-segment LVs); empty otherwise
 * @param length     length in bytes (equal to {@code source.size()})
 * @param typeCode   the type as stored: {@code 0x83} (MBR), an upper-case GUID (GPT),
 *                   {@code lvm2:linear}/{@code lvm2:striped} (LVs), {@code none} (whole disk)
 * @param typeName   readable name of the type, e.g. {@code EFI System}, {@code Linux LVM}
 * @param name       GPT partition name, or {@code vg/lv} for a logical volume
 * @param uuid       GPT unique partition GUID, LVM LV UUID, or the LVM PV UUID of a whole-disk PV
 * @param bootable   MBR active flag, or the GPT "legacy BIOS bootable" attribute
 * @param roles      what the volume is for (see {@link VolumeRole})
 */
public record Volume(
        String id,
        ByteSource source,
        OptionalLong diskOffset,
        long length,
        String typeCode,
        String typeName,
        Optional<String> name,
        Optional<String> uuid,
        boolean bootable,
        Set<VolumeRole> roles) {

    public Volume {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(VolumeRole role) {
        return roles.contains(role);
    }

    /** A copy of this volume with one more role (used when an LVM label is found on a partition). */
    public Volume withRole(VolumeRole role) {
        java.util.EnumSet<VolumeRole> r = java.util.EnumSet.noneOf(VolumeRole.class);
        r.addAll(roles);
        r.add(role);
        return new Volume(id, source, diskOffset, length, typeCode, typeName, name, uuid, bootable, r);
    }
}
