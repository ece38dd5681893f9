package io.vhdflow.disk.fs.btrfs;

import java.util.Optional;
import java.util.UUID;

/**
 * A btrfs subvolume (or snapshot) as {@code btrfs subvolume list} shows it.
 *
 * @param id         the subvolume's tree id ({@code subvolid=}); 5 is the top level
 * @param parentId   the subvolume it sits in (0 for the top level)
 * @param path       its path from the top level without a leading slash ({@code subvol=}), e.g.
 *                   {@code @}, {@code @/.snapshots/1/snapshot}; empty for the top level
 * @param readOnly   a read-only subvolume (snapper's snapshots are)
 * @param uuid       its UUID, when recorded
 * @param parentUuid the UUID of the subvolume it is a snapshot of, when it is one
 */
public record Subvolume(long id, long parentId, String path, boolean readOnly, Optional<UUID> uuid,
                        Optional<UUID> parentUuid) {
}
