package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.CheckContext;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.linux.boot.BootConfiguration;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScanBudget;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a Linux check reads: the root filesystem, what the detector found, the policy, the
 * budget of content scans, and what other layers know about the same disk. The account files, and
 * whatever else several checks need ({@link #shared}), are read once and shared by those checks.
 */
public final class LinuxContext implements CheckContext {

    private final Filesystem fs;
    private final LinuxOs os;
    private final Policy policy;
    private final List<String> swapPartitions;
    private final ScanBudget scanBudget;
    private final Map<Class<?>, Object> shared = new HashMap<>();
    private final Optional<InspectedDisk> disk;
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
        this(fs, os, policy, swapPartitions, ScanBudget.DEFAULT);
    }

    /**
     * @param policy     the policy; the checks see its {@link Policy#rules()} (strict runs the
     *                   Marketplace's rules and is applied by the verdict rule)
     * @param scanBudget how much the checks that scan file contents may read
     */
    public LinuxContext(Filesystem fs, LinuxOs os, Policy policy, List<String> swapPartitions, ScanBudget scanBudget) {
        this(fs, os, policy, swapPartitions, scanBudget, Optional.empty());
    }

    private LinuxContext(Filesystem fs, LinuxOs os, Policy policy, List<String> swapPartitions,
                         ScanBudget scanBudget, Optional<InspectedDisk> disk) {
        this.fs = Objects.requireNonNull(fs);
        this.os = Objects.requireNonNull(os);
        this.policy = Objects.requireNonNull(policy).rules();
        this.swapPartitions = List.copyOf(swapPartitions);
        this.scanBudget = Objects.requireNonNull(scanBudget);
        this.disk = disk;
    }

    /** This context with the disk the OS was found on: its layout (generation, ESP) and volumes. */
    public LinuxContext withDisk(InspectedDisk d) {
        return new LinuxContext(fs, os, policy, swapPartitions, scanBudget, Optional.of(d));
    }

    /** A context with the default policy and no swap partitions reported. */
    public static LinuxContext of(Filesystem fs, LinuxOs os) {
        return new LinuxContext(fs, os, Policy.AZURE_PLATFORM, List.of());
    }

    public LinuxContext withPolicy(Policy p) {
        return new LinuxContext(fs, os, p, swapPartitions, scanBudget, disk);
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

    /** How much the checks that scan file contents may read. */
    public ScanBudget scanBudget() {
        return scanBudget;
    }

    /** Reads one fact of the installation for the checks that share it. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(LinuxContext ctx) throws IOException;
    }

    /**
     * The fact of type {@code type}, read by {@code reader} the first time a check asks and shared
     * with every later check of this installation (e.g. the one secrets scan that four checks judge).
     */
    public synchronized <T> T shared(Class<T> type, Reader<T> reader) throws IOException {
        Object v = shared.get(type);
        if (v == null) {
            v = Objects.requireNonNull(reader.read(this));
            shared.put(type, v);
        }
        return type.cast(v);
    }

    /**
     * Home directories worth looking into, existing ones only: root's, those of ordinary accounts
     * (UID_MIN and up) and every directory under {@code /home} (a deleted account's home may outlive it).
     */
    public Set<String> homes() throws IOException {
        return accounts().homes(fs);
    }

    /** The disk the OS is on, when the context was made from a whole disk (not from a bare filesystem). */
    public Optional<InspectedDisk> disk() {
        return disk;
    }

    /** How the system boots: boot loader, default kernel, command line, initramfs; read on first use. */
    public BootConfiguration boot() throws IOException {
        return shared(BootConfiguration.class, c -> BootConfiguration.read(c.fs, c.disk));
    }

    /**
     * Evidence form of a path: {@code <location>:<path>}, the location being the volume the path is
     * read from in the assembled tree (a separate {@code /var} volume for {@code /var/...}).
     */
    public String at(String path) {
        return fs instanceof io.vhdflow.disk.fs.MountedView view ? view.where(path) : os.location() + ":" + path;
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
