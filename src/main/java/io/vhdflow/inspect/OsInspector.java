package io.vhdflow.inspect;

import io.vhdflow.disk.fs.MountedView;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Finds one family of operating system on a volume and checks it. One implementation per family
 * (Linux, Windows), found by {@link CheckCatalog}; each runs the checks registered for it.
 *
 * @param <O> what detection yields, handed back to {@link #assess}
 */
public interface OsInspector<O extends InspectedOs> {

    /** Order in which inspectors try a volume: lower first. */
    int order();

    /**
     * The installation whose root is {@code root}, if this family's marks are there.
     *
     * @param root the volume's filesystem as a view (an inspector may mount more volumes, e.g. from fstab)
     * @param disk the rest of the disk: its layout and every volume's filesystem
     */
    Optional<O> detect(MountedView root, InspectedDisk disk) throws IOException;

    /** Runs this family's checks on {@code os}. */
    List<CheckResult> assess(O os, InspectedDisk disk, Policy policy, CheckCatalog catalog);

    /**
     * Runs this family's checks on {@code os}, with {@code budget} for the checks that scan file
     * contents; an inspector without such checks ignores it.
     */
    default List<CheckResult> assess(O os, InspectedDisk disk, Policy policy, ScanBudget budget, CheckCatalog catalog) {
        return assess(os, disk, policy, catalog);
    }
}
