package io.vhdflow.inspect;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.DiskFormat;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.detect.DiskLayout;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the verification read of a disk before looking for an OS: the container, the layout and
 * every volume's filesystem. An image whose container cannot be read still gets its container
 * checks (they say why), so the fields past the file are optional.
 *
 * @param file           the image file
 * @param format         its format by magic, when recognised
 * @param image          the opened container, when its format is read
 * @param containerError why the container could not be read, when it could not
 * @param layout         the partitions and logical volumes, when the partition table could be read
 * @param layoutError    why it could not
 * @param volumes        every volume that may hold a filesystem, scanned
 */
public record InspectedDisk(Path file, Optional<DiskFormat> format, Optional<DiskImage> image,
                            Optional<DiskException> containerError, Optional<DiskLayout> layout,
                            Optional<DiskException> layoutError, List<ScannedVolume> volumes) {

    public InspectedDisk {
        volumes = List.copyOf(volumes);
    }

    /** Swap volumes as found by the volume layer, one description each (checklist L14). */
    public List<String> swapVolumes() {
        return layout.map(l -> l.swapVolumes().stream()
                .map(v -> v.id() + " type " + v.typeCode() + " (" + v.typeName() + ")").toList()).orElse(List.of());
    }

    /** The volumes that are encrypted, each with why it cannot be read. */
    public List<String> encryptedVolumes() {
        return volumes.stream().flatMap(v -> v.encrypted().stream()).toList();
    }

    /** The ids of volumes whose filesystem could not be opened. */
    public List<String> unreadableVolumes() {
        return volumes.stream().filter(v -> v.unreadable().isPresent()).map(v -> v.volume().id()).toList();
    }
}
