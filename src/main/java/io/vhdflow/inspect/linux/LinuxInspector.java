package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.MountedView;
import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckRunner;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.OsInspector;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScanBudget;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Finds a Linux root filesystem ({@link LinuxOsDetector}) and runs every {@link LinuxCheck} on it. */
public final class LinuxInspector implements OsInspector<LinuxOs> {
    private final LinuxOsDetector detector = new LinuxOsDetector();

    @Override
    public int order() {
        return 20;
    }

    @Override
    public Optional<LinuxOs> detect(MountedView root, InspectedDisk disk) throws IOException {
        return detector.detect(root, root.mountOf("/").location());
    }

    @Override
    public List<CheckResult> assess(LinuxOs os, InspectedDisk disk, Policy policy, CheckCatalog catalog) {
        return assess(os, disk, policy, ScanBudget.DEFAULT, catalog);
    }

    @Override
    public List<CheckResult> assess(LinuxOs os, InspectedDisk disk, Policy policy, ScanBudget budget,
                                    CheckCatalog catalog) {
        return run(new LinuxContext(os.filesystem(), os, policy, disk.swapVolumes(), budget), catalog);
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
