package io.vhdflow.inspect.windows;

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

/**
 * Finds a Windows system root ({@code Windows\System32\config} with its hives), opens the hives
 * with their transaction logs, looks for the disk's BCD store where the firmware reads it, and
 * runs every {@link WindowsCheck} on it.
 */
public final class WindowsInspector implements OsInspector<WindowsInstallation> {

    /** Before Linux: a Windows volume never looks like a Linux root, but the cheaper test goes first. */
    @Override
    public int order() {
        return 10;
    }

    @Override
    public Optional<WindowsInstallation> detect(MountedView root, InspectedDisk disk) throws IOException {
        if (!WindowsSystem.isWindows(root)) {
            return Optional.empty();
        }
        WindowsSystem w = WindowsSystem.open(root, root.mountOf("/").location(), disk);
        return Optional.of(new WindowsInstallation(w,
                w.software().isPresent() ? Optional.of(WindowsIdentity.read(w)) : Optional.empty(),
                WindowsArchitecture.read(w).architecture()));
    }

    @Override
    public List<CheckResult> assess(WindowsInstallation os, InspectedDisk disk, Policy policy, CheckCatalog catalog) {
        return assess(os, disk, policy, ScanBudget.DEFAULT, catalog);
    }

    @Override
    public List<CheckResult> assess(WindowsInstallation os, InspectedDisk disk, Policy policy, ScanBudget budget,
                                    CheckCatalog catalog) {
        return run(new WindowsContext(os.system(), policy, budget), catalog);
    }

    /** Runs the catalogue's Windows checks on {@code ctx}. */
    public static List<CheckResult> run(WindowsContext ctx, CheckCatalog catalog) {
        return CheckRunner.run(catalog.checks(WindowsCheck.class), ctx, ctx.windows().location() + ":");
    }
}
