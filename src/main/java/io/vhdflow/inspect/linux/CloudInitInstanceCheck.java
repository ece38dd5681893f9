package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** L2: cloud-init's per-instance state was cleaned ({@code cloud-init clean}). */
final class CloudInitInstanceCheck implements LinuxCheck {

    /** Directories of instance state besides the instance itself. */
    static final List<String> STATE_DIRS = List.of("/var/lib/cloud/data", "/var/lib/cloud/sem");

    @Override
    public String id() {
        return "L2";
    }

    @Override
    public String title() {
        return "cloud-init instance state removed (/var/lib/cloud/instance, instances/*, data/, sem/)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/var/lib/cloud/instance, /var/lib/cloud/instances/*, /var/lib/cloud/data/*, /var/lib/cloud/sem/*";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "cloud-init cloudinit/cmd/clean.py; Azure 'Prepare Ubuntu' doc (cloud-init clean --logs --seed) — docs/checks.md#l2";
    }

    @Override
    public String remediation() {
        return "run sudo cloud-init clean --logs (add --machine-id to reset the machine id) before capturing";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        boolean dir = ctx.fs().isDirectory("/var/lib/cloud");
        if (ctx.os().cloudInit().isEmpty() && !dir) {
            return notApplicable(ctx, ctx.at("/var/lib/cloud") + " absent and cloud-init not installed");
        }
        List<String> failing = new ArrayList<>();
        Optional<FileAttributes> inst = FileReads.lstat(ctx.fs(), "/var/lib/cloud/instance");
        if (inst.isPresent()) {
            String line = ctx.at("/var/lib/cloud/instance") + " exists";
            if (inst.get().isSymbolicLink()) {
                line += " (symbolic link to " + ctx.fs().readlink("/var/lib/cloud/instance") + ")";
            }
            failing.add(line);
        }
        List<DirEntry> instances = FileReads.list(ctx.fs(), "/var/lib/cloud/instances");
        if (!instances.isEmpty()) {
            failing.add(ctx.at("/var/lib/cloud/instances") + " holds " + instances.size() + " instance(s): "
                    + String.join(", ", instances.stream().map(DirEntry::name).limit(8).toList()));
        }
        // Instance-wide state outside the instance directory: the ids cloud-init compares at boot
        // (data/instance-id, previous-instance-id), the cached instance data and the semaphores of
        // per-once modules (sem/). cloud-init clean removes all of it.
        for (String d : STATE_DIRS) {
            List<DirEntry> left = FileReads.list(ctx.fs(), d);
            if (!left.isEmpty()) {
                failing.add(ctx.at(d) + " holds " + left.size() + " file(s): "
                        + String.join(", ", left.stream().map(DirEntry::name).limit(8).toList()));
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of(ctx.at("/var/lib/cloud/instance") + " absent; "
                    + ctx.at("/var/lib/cloud/instances") + ", " + String.join(", ", STATE_DIRS.stream().map(ctx::at).toList())
                    + (dir ? " empty or absent" : " absent")));
        }
        return fail(ctx, failing);
    }
}
