package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.CheckContext;
import io.vhdflow.inspect.Policy;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Everything a Linux check reads: the root filesystem, what the detector found, the policy, and
 * what other layers know about the same disk. The account files are read once and shared by the
 * checks that need them.
 */
public final class LinuxContext implements CheckContext {

    private final Filesystem fs;
    private final LinuxOs os;
    private final Policy policy;
    private final List<String> swapPartitions;
    private Accounts accounts;
    private Distribution distribution;

    /**
     * @param fs             the Linux root filesystem
     * @param os             what {@link LinuxOsDetector} read from it
     * @param policy         the readiness policy
     * @param swapPartitions swap partitions on the same disk as found by the volume layer, one
     *                       description each (e.g. {@code "mbr:p2 type 0x82"}); empty when there are none
     */
    public LinuxContext(Filesystem fs, LinuxOs os, Policy policy, List<String> swapPartitions) {
        this.fs = Objects.requireNonNull(fs);
        this.os = Objects.requireNonNull(os);
        this.policy = Objects.requireNonNull(policy);
        this.swapPartitions = List.copyOf(swapPartitions);
    }

    /** A context with the default policy and no swap partitions reported. */
    public static LinuxContext of(Filesystem fs, LinuxOs os) {
        return new LinuxContext(fs, os, Policy.AZURE_PLATFORM, List.of());
    }

    public LinuxContext withPolicy(Policy p) {
        return new LinuxContext(fs, os, p, swapPartitions);
    }

    public Filesystem fs() {
        return fs;
    }

    public LinuxOs os() {
        return os;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    public List<String> swapPartitions() {
        return swapPartitions;
    }

    /** Evidence prefix for a path: {@code <location>:<path>}. */
    public String at(String path) {
        return os.location() + ":" + path;
    }

    /** The family, how it was decided, and the agent in charge; read on first use. */
    public synchronized Distribution distribution() throws IOException {
        if (distribution == null) {
            distribution = Distribution.read(fs, os);
        }
        return distribution;
    }

    /** passwd, shadow and login.defs, read on first use. */
    synchronized Accounts accounts() throws IOException {
        if (accounts == null) {
            accounts = Accounts.load(fs);
        }
        return accounts;
    }
}
