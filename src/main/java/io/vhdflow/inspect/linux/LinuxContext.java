package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.Filesystem;

import java.util.List;

/**
 * Everything a Linux check reads: the root filesystem, what the detector found, the policy, and
 * what other layers know about the same disk.
 *
 * @param fs             the Linux root filesystem
 * @param os             what {@link LinuxOsDetector} read from it
 * @param policy         the readiness policy
 * @param swapPartitions swap partitions on the same disk as found by the volume layer, one
 *                       description each (e.g. {@code "mbr:p2 type 0x82"}); empty when there are none
 */
public record LinuxContext(Filesystem fs, LinuxOs os, LinuxPolicy policy, List<String> swapPartitions) {

    public LinuxContext {
        swapPartitions = List.copyOf(swapPartitions);
    }

    /** A context with the default policy and no swap partitions reported. */
    public static LinuxContext of(Filesystem fs, LinuxOs os) {
        return new LinuxContext(fs, os, LinuxPolicy.AZURE_PLATFORM, List.of());
    }

    public LinuxContext withPolicy(LinuxPolicy p) {
        return new LinuxContext(fs, os, p, swapPartitions);
    }

    /** Evidence prefix for a path: {@code <location>:<path>}. */
    public String at(String path) {
        return os.location() + ":" + path;
    }
}
