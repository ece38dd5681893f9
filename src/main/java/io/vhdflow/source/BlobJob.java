package io.vhdflow.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.ImageMetadata;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A job file, {@code NAME.blob.json} in the drop folder: the job's disk is a blob in Azure
 * Storage (a page blob: an uploaded VHD, or a managed disk or snapshot exported as a SAS URL),
 * fetched by the pipeline before its backup. The file names where the SAS token is, never the
 * token:
 *
 * <pre>
 * { "url": "https://account.blob.core.windows.net/vhds/web-01.vhd",
 *   "sasTokenFile": "/etc/vhdflow/sas/web-01.sas",      (or "sasTokenEnv": "VHDFLOW_SOURCE_SAS")
 *   "name": "web-01.vhd",                               (optional: the disk's file name)
 *   "image": { "imageDefinition": "web", "version": "1.4.0" } }   (optional: as a sidecar)
 * </pre>
 *
 * @param url          the blob's URL, without a query string
 * @param sasTokenFile file holding the SAS token (absolute, or relative to the vhdflow home)
 * @param sasTokenEnv  environment variable holding it ({@code VHDFLOW_...})
 * @param name         the file name the fetched disk gets
 * @param image        the image metadata, as a sidecar gives it
 */
public record BlobJob(URI url, Optional<Path> sasTokenFile, Optional<String> sasTokenEnv, String name,
                      ImageMetadata image) {

    /** How job files are named. */
    public static final String SUFFIX = ".blob.json";
    static final long MAX_BYTES = 64 * 1024;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");
    private static final List<String> DISK_EXTENSIONS = List.of(".vhd", ".vhdx", ".qcow2", ".vmdk", ".ova", ".img",
            ".raw");

    /** The JSON as written; strict: unknown fields are an error. */
    private record Spec(String url, String sasTokenFile, String sasTokenEnv, String name, ImageMetadata image) {
    }

    /** Whether {@code file} is named as a job file. */
    public static boolean isJobFile(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(SUFFIX);
    }

    /** The blob's URL for logs and reports (it never holds a token). */
    public String where() {
        return url.toString();
    }

    /**
     * Reads and checks a job file.
     *
     * @param home the vhdflow home, against which a relative token file path is resolved
     * @throws BlobJobException listing every problem, for the job's error
     */
    public static BlobJob read(Path file, Path home, FetchSettings settings, ObjectMapper json) throws IOException {
        String jobName = file.getFileName().toString();
        if (Files.size(file) > MAX_BYTES) {
            throw new BlobJobException("blob.invalid", "the job file " + jobName + " is larger than " + MAX_BYTES
                    + " bytes", List.of());
        }
        ObjectMapper strict = json.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        Spec s;
        try {
            s = strict.readValue(file.toFile(), Spec.class);
        } catch (JsonProcessingException e) {
            throw new BlobJobException("blob.invalid", "the job file " + jobName + " is not valid JSON for a blob job",
                    List.of(io.vhdflow.catalog.upload.Redaction.mask(e.getOriginalMessage()) + (e.getLocation() != null
                            ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"
                            : "")));
        }
        if (s == null) {
            throw new BlobJobException("blob.invalid", "the job file " + jobName + " is empty (null)", List.of());
        }
        List<String> problems = new ArrayList<>();
        URI url = null;
        if (s.url() == null || s.url().isBlank()) {
            problems.add("\"url\" is missing: the blob's URL, e.g. https://account.blob.core.windows.net/vhds/disk.vhd");
        } else {
            url = checkUrl(s.url().strip(), settings, problems);
        }
        Optional<Path> tokenFile = Optional.empty();
        Optional<String> tokenEnv = Optional.empty();
        if (s.sasTokenFile() != null && s.sasTokenEnv() != null) {
            problems.add("name either \"sasTokenFile\" or \"sasTokenEnv\", not both");
        } else if (s.sasTokenFile() != null) {
            Path p = Path.of(s.sasTokenFile());
            tokenFile = Optional.of(p.isAbsolute() ? p : home.resolve(p).normalize());
        } else if (s.sasTokenEnv() != null) {
            if (!SasToken.ENV_NAME.matcher(s.sasTokenEnv()).matches()) {
                problems.add("\"sasTokenEnv\" must name a VHDFLOW_ variable (upper case, digits, _), not \""
                        + s.sasTokenEnv() + "\"");
            } else {
                tokenEnv = Optional.of(s.sasTokenEnv());
            }
        }
        String name = s.name() != null ? s.name() : defaultName(jobName, url);
        if (!SAFE_NAME.matcher(name).matches() || name.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
            problems.add("\"name\" must be a plain file name (letters, digits, . _ -), not \"" + name + "\"");
        }
        ImageMetadata image = s.image() != null ? s.image() : ImageMetadata.EMPTY;
        if (!problems.isEmpty()) {
            throw new BlobJobException("blob.invalid", "the job file " + jobName + " cannot be used", problems);
        }
        return new BlobJob(url, tokenFile, tokenEnv, name, image);
    }

    private static URI checkUrl(String text, FetchSettings settings, List<String> problems) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            problems.add("\"url\" is not a URL: " + io.vhdflow.catalog.upload.Redaction.mask(e.getMessage()));
            return null;
        }
        if (u.getRawQuery() != null) {
            problems.add("\"url\" carries a query string: put the SAS token in a file (\"sasTokenFile\") or a VHDFLOW_"
                    + " variable (\"sasTokenEnv\"), never in the job file, which is kept with the job");
            return null;
        }
        String host = u.getHost();
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (host == null || u.getPath() == null || u.getPath().split("/").length < 3) {
            problems.add("\"url\" must name a blob: https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB");
            return null;
        }
        if (!settings.allows(host)) {
            problems.add("the host " + host + " is not an Azure Storage endpoint (" + String.join(", ",
                    FetchSettings.AZURE_HOSTS) + "); add it to vhdflow.fetch.allowed-hosts if it is yours");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && FetchSettings.isLoopback(host.toLowerCase(Locale.ROOT)))) {
            problems.add("\"url\" must use https (plain http only for a local emulator on 127.0.0.1)");
        }
        if (u.getUserInfo() != null || u.getFragment() != null) {
            problems.add("\"url\" must not hold a user or a fragment");
        }
        return u;
    }

    /** The job file's own name with the blob's disk extension (".vhd" when the URL has none): web.blob.json → web.vhd. */
    private static String defaultName(String jobName, URI url) {
        String base = jobName.substring(0, jobName.length() - SUFFIX.length());
        String ext = ".vhd";
        if (url != null && url.getPath() != null) {
            String last = url.getPath().substring(url.getPath().lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            for (String e : DISK_EXTENSIONS) {
                if (last.endsWith(e)) {
                    ext = e;
                }
            }
        }
        return base + ext;
    }
}
