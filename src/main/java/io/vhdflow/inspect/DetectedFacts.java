package io.vhdflow.inspect;

import java.util.Optional;

/**
 * Facts read from the image, never typed in: they feed the catalog's image definition.
 *
 * @param format           container format as detected by magic (e.g. {@code vhd-dynamic})
 * @param virtualSize      virtual disk size in bytes
 * @param osType           {@code Linux} or {@code Windows}, when an OS was found
 * @param osName           distribution or product name and version, e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param hyperVGeneration {@code V1} (MBR/BIOS) or {@code V2} (GPT with an ESP), when a partition table was read
 * @param architecture     {@code x64} or {@code Arm64}, from ELF or PE headers
 */
public record DetectedFacts(String format, long virtualSize, Optional<String> osType, Optional<String> osName,
                            Optional<String> hyperVGeneration, Optional<String> architecture) {
}
