package io.vhdflow.inspect;

import java.util.Optional;

/** An operating system installation found on a disk, as the report and the catalog see it. */
public interface InspectedOs {
    /** {@code Linux} or {@code Windows}. */
    String osType();

    /** Distribution or product name and version, e.g. {@code Debian GNU/Linux 12 (bookworm)}. */
    String displayName();

    /** {@code x64}, {@code Arm64}, ... when it could be read. */
    Optional<String> architecture();

    /** Where it was found, for evidence: {@code gpt:p4/ntfs}, {@code mbr:p1/ext4}. */
    String location();

    /** What is installed, from its package databases, when they were read. */
    default Optional<io.vhdflow.inspect.packages.SoftwareInventory> inventory() {
        return Optional.empty();
    }
}
