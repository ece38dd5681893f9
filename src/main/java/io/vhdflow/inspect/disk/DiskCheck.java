package io.vhdflow.inspect.disk;

import io.vhdflow.inspect.Check;

/**
 * A check of the disk itself (checklist G#: container, size, partition table, generation) or of
 * what the volume scan found (encrypted volumes). Implementations in this package are found by
 * {@link io.vhdflow.inspect.CheckCatalog}.
 */
public interface DiskCheck extends Check<DiskContext> {
}
