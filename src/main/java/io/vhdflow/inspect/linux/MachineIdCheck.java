package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L3: no machine id baked into the image. waagent leaves it on Debian, RHEL and Ubuntu, so every
 * VM cloned from the image shares it (DHCP client ids, journald, systemd-networkd).
 */
final class MachineIdCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L3";
    }

    @Override
    public String title() {
        return "machine-id empty, 'uninitialized' or absent";
    }

    @Override
    public Category category() {
        return Category.HYGIENE;
    }

    @Override
    public String reads() {
        return "/etc/machine-id, /var/lib/dbus/machine-id";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "cloud-init clean --machine-id (cloudinit/cmd/clean.py); virt-sysprep machine-id; systemd machine-id(5) — docs/checks.md#l3";
    }

    @Override
    public String remediation() {
        return "empty the machine id before capturing: sudo truncate -s 0 /etc/machine-id (or cloud-init clean --machine-id); "
                + "remove /var/lib/dbus/machine-id or make it a link to /etc/machine-id";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (String p : List.of("/etc/machine-id", "/var/lib/dbus/machine-id")) {
            Optional<FileAttributes> a = FileReads.lstat(ctx.fs(), p);
            if (a.isEmpty()) {
                ok.add(ctx.at(p) + " absent");
                continue;
            }
            if (a.get().isSymbolicLink()) {
                ok.add(ctx.at(p) + " is a link to " + ctx.fs().readlink(p));
                continue;
            }
            if (!a.get().isRegularFile()) {
                ok.add(ctx.at(p) + " is not a regular file");
                continue;
            }
            String id = ctx.fs().readString(p, 4096).strip();
            if (id.isEmpty() || id.equals("uninitialized")) {
                ok.add(ctx.at(p) + (id.isEmpty() ? " is empty" : " reads 'uninitialized'"));
            } else {
                failing.add(ctx.at(p) + " holds a machine id (" + a.get().size() + " bytes"
                        + (id.matches("[0-9a-f]{32}") ? ", 32 hex digits" : "") + ")");
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }
}
