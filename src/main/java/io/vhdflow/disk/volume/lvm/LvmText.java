package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.util.List;
import java.util.Map;

/**
 * LVM2 volume group text outside a disk: the files under {@code /etc/lvm/backup} and
 * {@code /etc/lvm/archive}, or {@code vgcfgbackup} output. Same bounded parser and checks as the
 * on-disk metadata; PVs are not located (their {@code volumeId} is empty).
 */
public final class LvmText {
    private LvmText() {
    }

    /** Parses a VG text; problems with single LVs are added to {@code findings}. */
    public static LvmVolumeGroup parseVolumeGroup(String text, List<Finding> findings) throws DiskException {
        if (text.length() > MetadataArea.MAX_TEXT) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "LVM metadata text", -1, "text of " + text.length() + " characters is larger than "
                    + MetadataArea.MAX_TEXT);
        }
        ConfigValue.Section root = ConfigParser.parse(text, "LVM metadata text", -1);
        Map.Entry<String, ConfigValue.Section> vg = VolumeGroupMetadata.vgSection(root, "LVM metadata text", -1);
        return VolumeGroupMetadata.build(vg.getKey(), vg.getValue(), Map.of(), "LVM metadata text", -1, findings);
    }

    /** Parses a VG text, ignoring findings. */
    public static LvmVolumeGroup parseVolumeGroup(String text) throws DiskException {
        return parseVolumeGroup(text, new java.util.ArrayList<>());
    }
}
