package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckRunner;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.OsInspector;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScanBudget;
import io.vhdflow.inspect.linux.boot.FstabMounts;
import io.vhdflow.inspect.packages.LinuxPackages;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Finds a Linux root filesystem ({@link LinuxOsDetector}), assembles the tree it mounts at boot
 * from {@code /etc/fstab} ({@link FstabMounts}: {@code /boot}, {@code /var}, {@code /usr} from their
 * own partitions or logical volumes), reads its package databases through that tree, and runs
 * every {@link LinuxCheck} on it: every check reads the assembled tree.
 */
public final class LinuxInspector implements OsInspector<LinuxOs> {
    private final LinuxOsDetector detector = new LinuxOsDetector();

    @Override
    public int order() {
        return 20;
    }

    @Override
    public Optional<LinuxOs> detect(MountedView root, InspectedDisk disk) throws IOException {
        if (!LinuxOsDetector.isLinuxRoot(root)) {
            return Optional.empty();
        }
        FstabMounts.MountPlan plan = FstabMounts.assemble(root, disk);
        Optional<LinuxOs> os = detector.detect(plan.view(), root.mountOf("/").location());
        if (os.isEmpty()) {
            return os;
        }
        LinuxOs found = os.get().withMounts(plan.mounts());
        return Optional.of(found.withSoftware(LinuxPackages.read(plan.view(), found.location(), found.distroId(),
                found.version())));
    }

    @Override
    public List<CheckResult> assess(LinuxOs os, InspectedDisk disk, Policy policy, CheckCatalog catalog) {
        return assess(os, disk, policy, ScanBudget.DEFAULT, catalog);
    }

    @Override
    public List<CheckResult> assess(LinuxOs os, InspectedDisk disk, Policy policy, ScanBudget budget,
                                    CheckCatalog catalog) {
        return run(new LinuxContext(os.filesystem(), os, policy, disk.swapVolumes(), budget).withDisk(disk), catalog);
    }

    /** Runs the catalogue's Linux checks on {@code ctx}. */
    public static List<CheckResult> run(LinuxContext ctx, CheckCatalog catalog) {
        return CheckRunner.run(catalog.checks(LinuxCheck.class), ctx, ctx.at("/"));
    }

    /** Runs vhdflow's own Linux checks on {@code ctx}. */
    public static List<CheckResult> run(LinuxContext ctx) {
        return run(ctx, CheckCatalog.standard());
    }
}
