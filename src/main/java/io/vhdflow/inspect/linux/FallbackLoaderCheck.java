package io.vhdflow.inspect.linux;

import io.vhdflow.disk.volume.HyperVGeneration;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.linux.boot.BootConfiguration;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * L16: a Generation 2 image carries the UEFI fallback loader {@code \EFI\BOOT\BOOTX64.EFI}
 * ({@code BOOTAA64.EFI} on Arm64). A VM created from the image starts with empty UEFI variables,
 * so the firmware knows no boot entry the source VM registered and boots only the removable-media
 * path; without it the VM stops at the firmware.
 */
final class FallbackLoaderCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L16";
    }

    @Override
    public String title() {
        return "Gen2: UEFI fallback loader EFI/BOOT/BOOTX64.EFI on the ESP";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }


    @Override
    public String reads() {
        return "the ESP (mounted by fstab or read from its partition): /EFI/BOOT/BOOTX64.EFI or BOOTAA64.EFI";
    }

    @Override
    public String source() {
        return "UEFI specification 3.5.1.1 (removable media boot path); Azure Ubuntu guide (Gen2 fallback) — docs/checks.md#l16";
    }

    @Override
    public String remediation() {
        return "install the fallback loader in the source VM: grub-install --target=x86_64-efi --removable (Debian/Ubuntu: "
                + "also 'echo grub-efi-amd64 grub2/force_efi_extra_removable boolean true | debconf-set-selections'), or "
                + "copy shimx64.efi to /boot/efi/EFI/BOOT/BOOTX64.EFI with its grubx64.efi beside it";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        if (ctx.disk().isEmpty() || ctx.disk().get().layout().isEmpty()) {
            return notApplicable(ctx, "no partition table read: the generation is not known");
        }
        Optional<HyperVGeneration> gen = ctx.disk().get().layout().get().hyperVGeneration();
        if (gen.isEmpty() || gen.get() != HyperVGeneration.V2) {
            return notApplicable(ctx, "not a Generation 2 (UEFI) layout: " + ctx.disk().get().layout().get().bootScheme());
        }
        BootConfiguration boot = ctx.boot();
        if (boot.esp().isEmpty()) {
            return fail(ctx, List.of("Generation 2 layout, but the EFI System Partition's filesystem could not be read"));
        }
        BootConfiguration.Esp esp = boot.esp().get();
        String name = ctx.os().architecture().filter(a -> a.equalsIgnoreCase("Arm64")).isPresent() ? "BOOTAA64.EFI" : "BOOTX64.EFI";
        String path = "/EFI/BOOT/" + name;
        Optional<io.vhdflow.disk.fs.FileAttributes> a = esp.fs().find(esp.path(path));
        if (a.isPresent() && a.get().isRegularFile() && a.get().size() > 0) {
            return pass(ctx, List.of(esp.location() + ":" + path + " present (" + a.get().size() + " bytes)"));
        }
        String others = esp.fs().isDirectory(esp.path("/EFI"))
                ? "; the ESP's /EFI holds " + String.join(", ", esp.fs().list(esp.path("/EFI")).stream().map(e -> e.name()).sorted().toList())
                : "; the ESP has no /EFI directory";
        return fail(ctx, List.of(esp.location() + ":" + path + (a.isPresent() ? " is empty" : " absent") + others));
    }
}
