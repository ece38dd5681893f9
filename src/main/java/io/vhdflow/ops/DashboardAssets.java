package io.vhdflow.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dashboard's files, and nothing else the jar holds: a name of letters, digits and dashes with a
 * web extension, read only from {@value #ROOT} on the class path. Camel's own static handler is off
 * because it answers any path from the working directory and the whole class path (classes,
 * {@code META-INF/maven}, the default settings).
 */
public final class DashboardAssets {
    static final String ROOT = "META-INF/resources/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(html|js|css)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");
    /** The largest asset served; the dashboard's files are a few KiB. */
    private static final int MAX_BYTES = 1 << 20;

    private final ClassLoader loader;

    public DashboardAssets(ClassLoader loader) {
        this.loader = loader;
    }

    /** The answer to {@code GET /<name>} ({@code index.html} for an empty name); 404 for anything else. */
    public ApiReply get(Optional<String> name) throws IOException {
        String n = name.orElse("index.html");
        Optional<byte[]> body = NAME.matcher(n).matches() ? read(n) : Optional.empty();
        if (body.isEmpty()) {
            return ApiReply.error(404, "no such page: /" + n + " (the dashboard is at /, the API under /api)");
        }
        String type = TYPES.get(n.substring(n.lastIndexOf('.') + 1));
        return ApiReply.text(type, new String(body.get(), StandardCharsets.UTF_8))
                .withHeader("X-Content-Type-Options", "nosniff");
    }

    private Optional<byte[]> read(String name) throws IOException {
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] b = in.readNBytes(MAX_BYTES + 1);
            if (b.length > MAX_BYTES) {
                throw new IOException("dashboard asset " + name + " is larger than " + MAX_BYTES + " bytes");
            }
            return Optional.of(b);
        }
    }
}
