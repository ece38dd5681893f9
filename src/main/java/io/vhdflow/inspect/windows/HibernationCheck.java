package io.vhdflow.inspect.windows;

import io.vhdflow.disk.fs.ntfs.HibernationState;
import io.vhdflow.disk.fs.ntfs.NtfsFilesystem;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * W3: Windows was shut down, not hibernated or put away with Fast Startup, and its NTFS volume is
 * clean. A hibernated image resumes the captured machine instead of provisioning a new one.
 */
public final class HibernationCheck extends WindowsCheck {

    public HibernationCheck() {
        super("W3", "Not hibernated (no Fast Startup image), NTFS volume clean", Category.BOOT, Severity.MUST, "\\hiberfil.sys header signature, NTFS $Volume dirty flag",
                "virt-v2v mount_filesystems.ml — docs/checks.md#w3",
                "turn off Fast Startup and hibernation ('powercfg /h off'), run Sysprep with /shutdown, and capture "
                        + "after a complete shutdown");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        if (w.ntfs().isEmpty()) {
            return notRun(w.location() + " is not NTFS; hibernation cannot be read");
        }
        NtfsFilesystem ntfs = w.ntfs().get();
        List<String> evidence = new ArrayList<>();
        HibernationState h = ntfs.hibernation();
        evidence.add(w.where("/hiberfil.sys") + ": " + switch (h) {
            case ABSENT -> "absent";
            case CLEARED -> "header cleared (no hibernation image)";
            case HIBERNATED -> "holds a resumable hibernation image";
            case RESUMED -> "header says the image was already resumed (stale)";
            case UNKNOWN -> "header not recognised";
        });
        String dirty = w.location() + ": NTFS dirty flag " + (ntfs.dirty() ? "set (the volume was not cleanly unmounted, "
                + "or is marked for chkdsk)" : "clear");
        // The finding that fails the check comes first: the verdict quotes the first line.
        evidence.add(ntfs.dirty() && h != HibernationState.HIBERNATED ? 0 : evidence.size(), dirty);
        boolean bad = h == HibernationState.HIBERNATED || ntfs.dirty();
        if (bad) {
            return fail(evidence.toArray(String[]::new));
        }
        return h == HibernationState.UNKNOWN ? notRun(evidence.toArray(String[]::new))
                : pass(evidence.toArray(String[]::new));
    }
}
