package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.inspect.VerificationReport;
import io.vhdflow.inspect.VerificationService;
import io.vhdflow.pipeline.Json;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code vhdflow inspect} shows: the verdict naming the blocking categories, the checks grouped
 * by category with evidence and a fix for each failure, the same groups in the JSON, and the exit
 * code from the same verdict.
 */
class InspectReportTest {
    @TempDir
    Path dir;

    VerificationReport verify(String image) throws Exception {
        // A time limit no loaded test machine reaches: the results asserted must not depend on load. These
        // images keep the generalization checks' files only (no initramfs): the boot checks have their own.
        return new VerificationService(Fixtures.generalizationChecks(), io.vhdflow.inspect.ScanBudget.parse("seconds=60"))
                .verify(Fixtures.extract("linux-images/" + image + ".vhd.zst", dir), "azure-platform");
    }

    @Test
    void aNotReadyImageNamesItsCategoriesAndGroupsTheChecks() throws Exception {
        VerificationReport r = verify("ext4-mbr-provisioned");
        String text = InspectCommand.text(r);
        assertTrue(text.startsWith("ext4-mbr-provisioned.vhd: NOT READY (provisioning, access)\n"), text);
        assertEquals(ExitCode.NOT_READY, ExitCode.forVerdict(r.verdict()));
        int container = text.indexOf("\nCONTAINER passes: the disk is in a form Azure accepts\n");
        int provisioning = text.indexOf("\nPROVISIONING blocks (L1): VMs created from it would fail to provision "
                + "(OSProvisioningTimedOut)\n");
        int access = text.indexOf("\nACCESS blocks (L4, L6, L7, L7K, L7S): every VM created from it would share a way to log in\n");
        int secrets = text.indexOf("\nSECRETS passes: no credential material left behind\n");
        int hygiene = text.indexOf("\nHYGIENE warns (L3, L6B, L20): no logs, leases or identity left from the source VM\n");
        assertTrue(container > 0 && provisioning > container && access > provisioning && secrets > access
                && hygiene > secrets, text);
        assertTrue(text.contains("  L6   fail            MUST   root password locked"), text);
        assertTrue(text.contains("         fix: sudo passwd -l root"), text);
        assertTrue(text.contains("  L5   warn            SHOULD SSH host keys"), text);
    }

    @Test
    void theRealDeprovisionOutputIsReadyWithWarningsInTextAndJson() throws Exception {
        VerificationReport r = verify("ext4-mbr-generalized");
        assertTrue(InspectCommand.text(r).startsWith("ext4-mbr-generalized.vhd: READY with 2 warnings\n"),
                InspectCommand.text(r));
        assertEquals(ExitCode.OK, ExitCode.forVerdict(r.verdict()));
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(r));
        assertEquals("vhdflow.verification/2", json.path("schema").asText());
        assertEquals("ready", json.path("verdict").asText());
        assertEquals(List.of("L3", "L6B"), List.of(json.path("warnings").get(0).asText(), json.path("warnings").get(1).asText()));
        JsonNode hygiene = json.path("categories").get(5);
        assertEquals("hygiene", hygiene.path("category").asText());
        assertEquals("warns", hygiene.path("state").asText());
        assertEquals("passes", json.path("categories").get(3).path("state").asText(), "secrets");
        assertTrue(json.path("blockingCategories").isEmpty());
    }

    @Test
    void aBootableImageShowsItsKernelCommandLineAndHyperVDrivers() throws Exception {
        String kernel = "6.1.0-50-cloud-amd64";
        VerificationReport r = new VerificationService(io.vhdflow.inspect.CheckCatalog.standard(),
                io.vhdflow.inspect.ScanBudget.parse("seconds=60"))
                .verify(Fixtures.extract("linux-boot/gen2-lvm-ready.vhd.zst", dir), "azure-platform");
        String text = InspectCommand.text(r);
        int boot = text.indexOf("\nBOOT ");
        assertTrue(boot > 0, text);
        String section = text.substring(boot, text.indexOf("\n\n", boot + 1) < 0 ? text.length() : text.indexOf("\n\n", boot + 1));
        assertTrue(section.contains("kernel " + kernel + " (gpt:p2/ext4:/boot/vmlinuz-" + kernel + ")"), section);
        assertTrue(section.contains("cmdline 'root=/dev/mapper/rootvg-rootlv ro console=tty0 console=ttyS0,115200n8 "
                + "earlyprintk=ttyS0,115200 rootdelay=300'"), section);
        for (String driver : List.of("hv_vmbus", "hv_storvsc", "hv_netvsc")) {
            assertTrue(section.contains(driver + ": /boot/initrd.img-" + kernel + " usr/lib/modules/" + kernel), section);
        }
        assertTrue(section.contains("gpt:p1/fat32:/EFI/BOOT/BOOTX64.EFI present"), section);
        // Passing checks of other categories keep their evidence to the JSON.
        assertTrue(!text.contains("/var/lib/waagent/provisioned absent") || text.indexOf("/var/lib/waagent/provisioned") > boot, text);
    }
}
