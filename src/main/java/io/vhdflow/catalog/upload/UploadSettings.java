package io.vhdflow.catalog.upload;

import java.util.Optional;
import java.util.Properties;

/**
 * Where and how packages are uploaded, from the {@code vhdflow.upload.*} properties (and so from
 * {@code VHDFLOW_UPLOAD_*} environment variables). Exactly one credential: a storage connection
 * string, or a container SAS URL. Both are secrets: {@link #toString()} masks them and nothing
 * here ever logs them.
 *
 * @param enabled          upload after registration ({@code vhdflow.upload.enabled}, default false)
 * @param connectionString {@code vhdflow.upload.connection-string}
 * @param sasUrl           {@code vhdflow.upload.sas-url}: a container URL with a SAS token allowing
 *                         create, write, read and list
 * @param container        {@code vhdflow.upload.container} (default {@code vhds}); ignored with a SAS URL
 * @param parallelism      puts in flight at once ({@code vhdflow.upload.parallelism}, 1–64, default 4)
 * @param overwrite        replace a blob that holds other content ({@code vhdflow.upload.overwrite})
 * @param storageAccountId ARM id of the storage account, for the gallery request
 *                         ({@code vhdflow.upload.storage-account-id}); a placeholder when unset
 * @param resourceGroup    resource group of the gallery, for the {@code az} line
 *                         ({@code vhdflow.upload.resource-group})
 */
public record UploadSettings(boolean enabled, Optional<String> connectionString, Optional<String> sasUrl,
                             String container, int parallelism, boolean overwrite, Optional<String> storageAccountId,
                             Optional<String> resourceGroup) {

    public static final UploadSettings DISABLED = new UploadSettings(false, Optional.empty(), Optional.empty(), "vhds",
            4, false, Optional.empty(), Optional.empty());

    public UploadSettings {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("vhdflow.upload.parallelism must be between 1 and 64, got " + parallelism);
        }
        if (enabled && connectionString.isEmpty() && sasUrl.isEmpty()) {
            throw new IllegalArgumentException("vhdflow.upload.enabled=true needs a credential: set "
                    + "VHDFLOW_UPLOAD_CONNECTION_STRING (or vhdflow.upload.connection-string) or "
                    + "VHDFLOW_UPLOAD_SAS_URL (a container SAS URL)");
        }
        if (connectionString.isPresent() && sasUrl.isPresent()) {
            throw new IllegalArgumentException("set either vhdflow.upload.connection-string or vhdflow.upload.sas-url,"
                    + " not both");
        }
    }

    public static UploadSettings from(Properties p) {
        String parallel = p.getProperty("vhdflow.upload.parallelism", "4").trim();
        int n;
        try {
            n = Integer.parseInt(parallel);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vhdflow.upload.parallelism must be a whole number, got '" + parallel + "'");
        }
        return new UploadSettings(
                Boolean.parseBoolean(p.getProperty("vhdflow.upload.enabled", "false").trim()),
                nonBlank(p.getProperty("vhdflow.upload.connection-string")),
                nonBlank(p.getProperty("vhdflow.upload.sas-url")),
                nonBlank(p.getProperty("vhdflow.upload.container")).orElse("vhds"),
                n,
                Boolean.parseBoolean(p.getProperty("vhdflow.upload.overwrite", "false").trim()),
                nonBlank(p.getProperty("vhdflow.upload.storage-account-id")),
                nonBlank(p.getProperty("vhdflow.upload.resource-group")));
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    /** Masks the credentials: a record's generated toString would print them. */
    @Override
    public String toString() {
        return "UploadSettings[enabled=" + enabled + ", credential="
                + (connectionString.isPresent() ? "connection string (masked)" : sasUrl.isPresent() ? "SAS URL (masked)"
                : "none") + ", container=" + container + ", parallelism=" + parallelism + ", overwrite=" + overwrite
                + ", storageAccountId=" + storageAccountId.orElse("-") + "]";
    }
}
