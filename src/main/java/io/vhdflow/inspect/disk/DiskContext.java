package io.vhdflow.inspect.disk;

import io.vhdflow.inspect.CheckContext;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.InspectedOs;
import io.vhdflow.inspect.Policy;

import java.util.List;

/**
 * What a disk check reads: the container, the layout, the scanned volumes, and which operating
 * systems the inspectors found on them.
 */
public record DiskContext(InspectedDisk disk, Policy policy, List<InspectedOs> systems) implements CheckContext {
    public DiskContext {
        systems = List.copyOf(systems);
    }

    /** Evidence for a check that needs the partition table when there is none to read. */
    String layoutUnread() {
        return disk.layoutError().map(e -> "the partition table cannot be read: " + e.getMessage())
                .orElseGet(() -> disk.image().isPresent()
                        ? "the partition table is read by 'vhdflow inspect', not by the container checks"
                        : containerUnreadable());
    }

    /** Evidence for a check that needs the container when it could not be read. */
    String containerUnreadable() {
        return disk.containerError().map(e -> "container unreadable: " + e.getMessage())
                .orElseGet(() -> disk.file().getFileName() + " is a "
                        + disk.format().map(f -> f.displayName()).orElse("file of unknown format")
                        + ", which vhdflow does not read");
    }
}
