package io.vhdflow.catalog.upload;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GalleryVersionRequestTest {
    static final String KEY = "c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5==";

    @Test
    void theRequestBodyNamesTheBlobAndTheStorageAccount(@TempDir Path pkg) throws Exception {
        Properties p = new Properties();
        p.setProperty("vhdflow.upload.storage-account-id",
                "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct");
        p.setProperty("vhdflow.upload.resource-group", "images-rg");
        UploadSettings s = UploadSettings.from(p);
        GalleryVersionRequest r = GalleryVersionRequest.of("prod", "ubuntu-24", "1.2.3",
                "https://acct.blob.core.windows.net/vhds/u.vhd", s, true, Optional.of("2030-01-01"));
        Path file = r.writeInto(pkg, Json.mapper());
        JsonNode doc = Json.mapper().readTree(file.toFile());
        assertEquals("https://acct.blob.core.windows.net/vhds/u.vhd",
                doc.at("/body/properties/storageProfile/osDiskImage/source/uri").asText());
        assertEquals("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
                doc.at("/body/properties/storageProfile/osDiskImage/source/storageAccountId").asText());
        assertTrue(doc.at("/body/properties/publishingProfile/excludeFromLatest").asBoolean());
        assertEquals("2030-01-01T00:00:00Z", doc.at("/body/properties/publishingProfile/endOfLifeDate").asText());
        assertTrue(doc.get("path").asText().endsWith("/resourceGroups/images-rg/providers/Microsoft.Compute/galleries/prod"
                + "/images/ubuntu-24/versions/1.2.3"));
        assertEquals("az sig image-version create --resource-group images-rg --gallery-name prod"
                + " --gallery-image-definition ubuntu-24 --gallery-image-version 1.2.3"
                + " --os-vhd-uri https://acct.blob.core.windows.net/vhds/u.vhd --os-vhd-storage-account"
                + " /subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct"
                + " --exclude-from-latest true --end-of-life-date 2030-01-01", r.azCommand());
    }

    @Test
    void unknownIdsBecomePlaceholdersNamingTheAccount() {
        GalleryVersionRequest r = GalleryVersionRequest.of("g", "i", "1.0.0",
                "http://127.0.0.1:10000/devstoreaccount1/vhds/x.vhd", UploadSettings.DISABLED, false, Optional.empty());
        assertTrue(r.storageAccountId().endsWith("/storageAccounts/devstoreaccount1"), r.storageAccountId());
        assertTrue(r.azCommand().contains("--resource-group '<resource-group>'"), r.azCommand());
        assertThrows(IllegalArgumentException.class, () -> GalleryVersionRequest.of("g", "i", "1.0.0",
                "https://a.blob.core.windows.net/c/x.vhd?sig=abc", UploadSettings.DISABLED, false, Optional.empty()));
    }

    @Test
    void credentialsAreMaskedEverywhere() {
        Properties p = new Properties();
        p.setProperty("vhdflow.upload.enabled", "true");
        p.setProperty("vhdflow.upload.connection-string", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + KEY);
        UploadSettings s = UploadSettings.from(p);
        assertFalse(s.toString().contains(KEY), s.toString());
        assertFalse(Redaction.mask("failed with AccountKey=" + KEY + ";EndpointSuffix=x").contains(KEY));
        String sas = "https://a.blob.core.windows.net/c?sv=2024&sp=rcwl&sig=abcDEF%2Bxyz";
        assertEquals("https://a.blob.core.windows.net/c?***", Redaction.mask(sas));
        assertEquals("SharedAccessSignature=***;BlobEndpoint=x", Redaction.mask("SharedAccessSignature=sv=1&sig=2;BlobEndpoint=x"));
        assertEquals("https://a.blob.core.windows.net/c", Redaction.withoutQuery(sas));
        assertFalse(new UploadException("blob " + sas + " refused").getMessage().contains("abcDEF"));
    }

    @Test
    void enabledWithoutCredentialOrWithBothIsAConfigurationError() {
        Properties p = new Properties();
        p.setProperty("vhdflow.upload.enabled", "true");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UploadSettings.from(p));
        assertTrue(e.getMessage().contains("VHDFLOW_UPLOAD_CONNECTION_STRING"), e.getMessage());
        p.setProperty("vhdflow.upload.connection-string", "x");
        p.setProperty("vhdflow.upload.sas-url", "https://a/c?sig=1");
        assertThrows(IllegalArgumentException.class, () -> UploadSettings.from(p));
        p.remove("vhdflow.upload.sas-url");
        p.setProperty("vhdflow.upload.parallelism", "0");
        assertThrows(IllegalArgumentException.class, () -> UploadSettings.from(p));
    }
}
