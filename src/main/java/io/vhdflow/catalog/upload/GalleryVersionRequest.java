package io.vhdflow.catalog.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What creates an Azure Compute Gallery image version from an uploaded VHD: the REST request body
 * ({@code properties.storageProfile.osDiskImage.source.uri} and {@code storageAccountId}, which
 * needs api-version 2022-03-03 or later) and the equivalent {@code az sig image-version create}
 * line. Neither holds a credential: the blob URI has no SAS token, and Azure reads the blob with
 * the caller's rights on the storage account.
 *
 * @param gallery          gallery name
 * @param image            image definition name
 * @param version          version name (Major.Minor.Patch)
 * @param blobUri          the page blob, without query
 * @param storageAccountId ARM id of the storage account; a placeholder naming the account when unknown
 * @param resourceGroup    resource group of the gallery, or a placeholder
 * @param excludeFromLatest publishingProfile.excludeFromLatest
 * @param endOfLife        publishingProfile.endOfLifeDate, ISO-8601, if any
 * @param dataDisks        a VM image's data disks ({@code storageProfile.dataDiskImages}), by LUN; none for an OS image
 */
public record GalleryVersionRequest(String gallery, String image, String version, String blobUri,
                                    String storageAccountId, String resourceGroup, boolean excludeFromLatest,
                                    Optional<String> endOfLife, List<DataDiskSource> dataDisks) {

    /** A data disk image's source: its LUN, host caching and page blob (same storage account as the OS disk). */
    public record DataDiskSource(int lun, String hostCaching, String blobUri) {
        public DataDiskSource {
            if (blobUri.contains("?")) {
                throw new IllegalArgumentException("the blob URI must not carry a query (SAS token)");
            }
        }
    }

    /** An OS image's request: no data disks. */
    public GalleryVersionRequest(String gallery, String image, String version, String blobUri, String storageAccountId,
                                 String resourceGroup, boolean excludeFromLatest, Optional<String> endOfLife) {
        this(gallery, image, version, blobUri, storageAccountId, resourceGroup, excludeFromLatest, endOfLife, List.of());
    }

    /** The same request for a VM image with these data disks. */
    public GalleryVersionRequest withDataDisks(List<DataDiskSource> disks) {
        return new GalleryVersionRequest(gallery, image, version, blobUri, storageAccountId, resourceGroup,
                excludeFromLatest, endOfLife, disks);
    }

    /** The file written into the package folder. */
    public static final String FILE_NAME = "gallery-image-version.json";
    /** Oldest API version that accepts {@code storageAccountId} for a VHD source. */
    public static final String API_VERSION = "2023-07-03";

    public GalleryVersionRequest {
        dataDisks = List.copyOf(dataDisks);
        if (blobUri.contains("?")) {
            throw new IllegalArgumentException("the blob URI must not carry a query (SAS token)");
        }
    }

    /** Builds the request, filling unknown ARM ids with readable placeholders. */
    public static GalleryVersionRequest of(String gallery, String image, String version, String blobUri,
                                           UploadSettings settings, boolean excludeFromLatest,
                                           Optional<String> endOfLife) {
        String account = accountName(blobUri);
        String id = settings.storageAccountId().orElse("/subscriptions/<subscription-id>/resourceGroups/"
                + "<storage-resource-group>/providers/Microsoft.Storage/storageAccounts/" + account);
        return new GalleryVersionRequest(gallery, image, version, blobUri, id,
                settings.resourceGroup().orElse("<resource-group>"), excludeFromLatest, endOfLife);
    }

    /**
     * The storage account of a blob URL: the first label of {@code <account>.blob.core.windows.net},
     * or the first path segment for path-style endpoints (Azurite, {@code http://host:port/account/...}).
     */
    static String accountName(String blobUri) {
        URI u = URI.create(blobUri);
        String host = u.getHost() == null ? "" : u.getHost();
        if (host.contains(".blob.")) {
            return host.substring(0, host.indexOf('.'));
        }
        String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
        int slash = path.indexOf('/');
        return slash > 0 ? path.substring(0, slash) : "<storage-account>";
    }

    /** The PUT body for {@code .../galleries/{g}/images/{i}/versions/{v}?api-version=API_VERSION}. */
    public ObjectNode body(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode props = root.putObject("properties");
        ObjectNode publishing = props.putObject("publishingProfile");
        publishing.put("excludeFromLatest", excludeFromLatest);
        endOfLife.ifPresent(e -> publishing.put("endOfLifeDate", e.length() == 10 ? e + "T00:00:00Z" : e));
        ObjectNode storage = props.putObject("storageProfile");
        ObjectNode source = storage.putObject("osDiskImage").put("hostCaching", "ReadOnly").putObject("source");
        source.put("uri", blobUri);
        source.put("storageAccountId", storageAccountId);
        if (!dataDisks.isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode data = storage.putArray("dataDiskImages");
            for (DataDiskSource d : dataDisks) {
                ObjectNode disk = data.addObject().put("lun", d.lun()).put("hostCaching", d.hostCaching());
                disk.putObject("source").put("uri", d.blobUri()).put("storageAccountId", storageAccountId);
            }
        }
        return root;
    }

    /** The request as written into the package: api-version, resource path and body. */
    public ObjectNode document(ObjectMapper json) {
        ObjectNode doc = json.createObjectNode();
        doc.put("apiVersion", API_VERSION);
        doc.put("method", "PUT");
        doc.put("path", "/subscriptions/<subscription-id>/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/galleries/" + gallery + "/images/" + image + "/versions/" + version);
        doc.set("body", body(json));
        return doc;
    }

    /** Writes {@link #document} into {@code packageDir} (aside, then renamed). */
    public Path writeInto(Path packageDir, ObjectMapper json) throws IOException {
        Path target = packageDir.resolve(FILE_NAME);
        Path tmp = packageDir.resolve("." + FILE_NAME + ".tmp");
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document(json)));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The equivalent Azure CLI command, arguments quoted for a POSIX shell. */
    public String azCommand() {
        List<String> a = new ArrayList<>(List.of("az", "sig", "image-version", "create",
                "--resource-group", resourceGroup, "--gallery-name", gallery,
                "--gallery-image-definition", image, "--gallery-image-version", version,
                "--os-vhd-uri", blobUri, "--os-vhd-storage-account", storageAccountId));
        if (!dataDisks.isEmpty()) {
            // az takes the data disks as parallel lists, in the same order.
            a.add("--data-vhds-uris");
            dataDisks.forEach(d -> a.add(d.blobUri()));
            a.add("--data-vhds-luns");
            dataDisks.forEach(d -> a.add(String.valueOf(d.lun())));
            a.add("--data-vhds-storage-accounts");
            dataDisks.forEach(d -> a.add(storageAccountId));
        }
        if (excludeFromLatest) {
            a.add("--exclude-from-latest");
            a.add("true");
        }
        endOfLife.ifPresent(e -> {
            a.add("--end-of-life-date");
            a.add(e);
        });
        StringBuilder b = new StringBuilder();
        for (String s : a) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
