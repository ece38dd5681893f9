package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L5: every VM gets its own SSH host keys. Keys left in the image are a warning when whoever
 * provisions regenerates them on first boot (the agent with
 * {@code Provisioning.RegenerateSshHostKeyPair=y}, or cloud-init with {@code ssh_deletekeys}, true by
 * default — which is why Ubuntu images keep their keys by design), and block when nothing does:
 * every VM would then present the same host key, and whoever has the image can impersonate any of
 * them. Judged by the provisioner the image actually uses. The secrets scan leaves these files to
 * this check.
 */
final class SshHostKeysCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L5";
    }

    @Override
    public String title() {
        return "SSH host keys removed or regenerated on first boot";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/ssh/ssh_host_*_key, waagent.conf Provisioning.RegenerateSshHostKeyPair, cloud-init ssh_deletekeys";
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision (regen_ssh_host_key), config/ubuntu/waagent.conf; cloud-init cc_ssh "
                + "ssh_deletekeys — docs/checks.md#l5";
    }

    @Override
    public String remediation() {
        return "rm -f /etc/ssh/ssh_host_*key* before capturing (waagent -deprovision does it with "
                + "Provisioning.RegenerateSshHostKeyPair=y in /etc/waagent.conf), and let the provisioner make new "
                + "ones: Provisioning.RegenerateSshHostKeyPair=y, or ssh_deletekeys: true for cloud-init";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> keys = new ArrayList<>();
        for (DirEntry e : FileReads.list(ctx.fs(), "/etc/ssh")) {
            if (e.name().startsWith("ssh_host_") && e.name().contains("key")) {
                keys.add(e.name());
            }
        }
        if (keys.isEmpty()) {
            return pass(ctx, List.of(ctx.at("/etc/ssh") + ": no ssh_host_*key* files"));
        }
        List<String> evidence = new ArrayList<>();
        String found = ctx.at("/etc/ssh") + " holds " + keys.size() + " host key file(s): " + String.join(", ", keys);
        evidence.add(found);
        LinuxOs os = ctx.os();
        boolean regenerated;
        switch (os.provisioner()) {
            case CLOUD_INIT -> {
                if (os.cloudInit().map(LinuxOs.CloudInit::enabled).orElse(false)) {
                    CloudInitConfig c = os.cloudInit().get().config();
                    regenerated = c.effectiveSshDeleteKeys();
                evidence.add("cloud-init provisions this image; ssh_deletekeys is " + c.effectiveSshDeleteKeys()
                        + c.sshDeleteKeys().map(s -> " (set in " + ctx.at(s.file()) + ")").orElse(" (cloud-init's default)")
                        + (regenerated ? ": it deletes and regenerates the keys on first boot" : ""));
                } else {
                    // waagent.conf names cloud-init, but cloud-init is absent or disabled: nobody regenerates.
                    regenerated = false;
                    evidence.add("Provisioning.Agent names cloud-init, which is " + (os.cloudInit().isPresent()
                            ? "not enabled" : "not installed") + ": nothing regenerates the keys");
                }
            }
            case WAAGENT -> {
                WaagentConfig c = os.waagent().get().config();
                regenerated = c.regenerateSshHostKeyPair();
                evidence.add("the Azure Linux Agent provisions this image; " + ctx.at("/etc/waagent.conf")
                        + " Provisioning.RegenerateSshHostKeyPair=" + c.get("Provisioning.RegenerateSshHostKeyPair").orElse("(unset, default n)")
                        + (regenerated ? ": it regenerates the keys at provisioning" : ""));
            }
            default -> {
                regenerated = false;
                evidence.add("no provisioning agent regenerates the keys (provisioner: " + os.provisioner() + ")");
            }
        }
        if (os.isUbuntuAtLeast(18) && regenerated) {
            evidence.add("Ubuntu keeps host keys in its images by design; they are replaced on first boot");
        }
        if (regenerated) {
            evidence.add("a warning only: the keys are replaced on each VM's first boot, but they still travel "
                    + "with the image");
            return warn(ctx, evidence);
        }
        evidence.add("every VM created from the image would present these same host keys");
        return fail(ctx, evidence);
    }
}
