package io.vhdflow.inspect;

import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.volume.Volume;

import java.util.Optional;

/**
 * One volume of the disk as the verification found it.
 *
 * @param volume     the partition or logical volume
 * @param filesystem its filesystem, when one was recognised and opened
 * @param encrypted  why it cannot be read because it is encrypted (BitLocker), when it is
 * @param unreadable why its filesystem could not be opened, when it could not
 */
public record ScannedVolume(Volume volume, Optional<NodeFilesystem<?>> filesystem, Optional<String> encrypted,
                            Optional<String> unreadable) {

    /** Evidence prefix of the volume's filesystem: {@code gpt:p4/ntfs}, or the volume id alone. */
    public String location() {
        return volume.id() + filesystem.map(f -> "/" + f.type()).orElse("");
    }
}
