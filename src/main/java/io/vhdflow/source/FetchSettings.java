package io.vhdflow.source;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * How blobs named by job files are fetched ({@code vhdflow.fetch.*}).
 *
 * @param parallelism  range downloads in flight at once ({@code vhdflow.fetch.parallelism}, 1-64, default 4)
 * @param allowedHosts host name suffixes a job file may name besides Azure Storage's own
 *                     ({@code vhdflow.fetch.allowed-hosts}, comma-separated, e.g. a custom domain)
 */
public record FetchSettings(int parallelism, List<String> allowedHosts) {

    /** Azure Storage blob endpoints (public cloud, managed disk exports, US Government, China). */
    public static final List<String> AZURE_HOSTS = List.of(".blob.core.windows.net", ".blob.storage.azure.net",
            ".blob.core.usgovcloudapi.net", ".blob.core.chinacloudapi.cn");

    public static final FetchSettings DEFAULTS = new FetchSettings(4, List.of());

    public FetchSettings {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("vhdflow.fetch.parallelism must be between 1 and 64, got " + parallelism);
        }
        allowedHosts = List.copyOf(allowedHosts);
    }

    public static FetchSettings from(Properties p) {
        String n = p.getProperty("vhdflow.fetch.parallelism", "4").trim();
        int parallel;
        try {
            parallel = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vhdflow.fetch.parallelism must be a whole number, got '" + n + "'");
        }
        List<String> hosts = Arrays.stream(p.getProperty("vhdflow.fetch.allowed-hosts", "").split(","))
                .map(String::strip).filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList();
        return new FetchSettings(parallel, hosts);
    }

    /** Whether a job file may name {@code host}: an Azure Storage endpoint, a configured suffix, or loopback (Azurite). */
    public boolean allows(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return isLoopback(h) || AZURE_HOSTS.stream().anyMatch(h::endsWith)
                || allowedHosts.stream().anyMatch(s -> h.equals(s.replaceFirst("^\\.", "")) || h.endsWith(
                s.startsWith(".") ? s : "." + s));
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
    }
}
