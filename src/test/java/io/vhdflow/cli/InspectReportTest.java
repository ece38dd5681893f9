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
        // A time limit no loaded test machine reaches: the results asserted must not depend on load.
        return new VerificationService(io.vhdflow.inspect.CheckCatalog.standard(), io.vhdflow.inspect.ScanBudget.parse("seconds=60"))
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
}
