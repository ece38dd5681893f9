package io.vhdflow.inspect.disk;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.InspectedOs;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/**
 * W4: the OS volume is not BitLocker-encrypted. It reads the volume scan: an encrypted volume where
 * no readable OS was found means the OS is most likely on it, and Azure cannot boot it.
 */
final class BitLockerCheck implements DiskCheck {
    @Override public String id() { return "W4"; }
    @Override public String title() { return "The OS volume is not BitLocker-encrypted"; }
    @Override public Category category() { return Category.BOOT; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "each NTFS volume's boot sector OEM ID ('-FVE-FS-' marks BitLocker)"; }
    @Override public String source() { return "Azure: prepare a Windows VHD to upload (disable BitLocker before capture) — docs/checks.md#w4"; }
    @Override public String remediation() {
        return "decrypt the volume in Windows ('manage-bde -off C:'), wait for decryption to finish, then capture again";
    }

    @Override
    public CheckResult run(DiskContext ctx) {
        List<String> encrypted = ctx.disk().encryptedVolumes();
        List<InspectedOs> windows = ctx.systems().stream().filter(o -> o.osType().equals("Windows")).toList();
        if (!windows.isEmpty()) {
            return pass(ctx, windows.stream().map(w -> w.location() + ": NTFS readable, not encrypted").toList());
        }
        if (ctx.systems().isEmpty() && !encrypted.isEmpty()) {
            return fail(ctx, encrypted);
        }
        return notApplicable(ctx, encrypted.isEmpty() ? "no BitLocker-encrypted volume and no Windows installation"
                : "an OS was found on a readable volume; encrypted data volumes: " + String.join("; ", encrypted));
    }
}
