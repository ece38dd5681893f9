package io.vhdflow.disk.volume;

import java.util.Optional;
import java.util.Set;

/**
 * A partition as a table describes it, before it is checked against the disk and turned into a
 * {@link Volume}. Offsets are bytes from the start of the disk.
 *
 * @param structureOffset absolute offset of the table entry that describes it, for findings
 */
record TableEntry(String id, long start, long length, String typeCode, String typeName,
                  Optional<String> name, Optional<String> uuid, boolean bootable, Set<VolumeRole> roles,
                  long structureOffset) {
}
