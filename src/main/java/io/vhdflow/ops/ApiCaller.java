package io.vhdflow.ops;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Who asks for a change, as far as the API can tell: the {@code Authorization} header and the raw
 * query string (a token must never travel in a URL), with the method and URI for the log.
 */
public record ApiCaller(String method, String uri, Optional<String> authorization, Optional<String> query) {
    /** Percent-encoding layers undone before the query is judged; more is refused outright. */
    private static final int MAX_DECODINGS = 4;

    /**
     * Whether the query string names the {@code Authorization} credential. Camel turns query
     * parameters into headers after decoding their names, so {@code ?%41uthorization=...} would set
     * the header: names and values are judged decoded (as often as they are encoded, within
     * {@value #MAX_DECODINGS} layers), and a query that does not decode is refused too.
     */
    public boolean credentialsInQuery() {
        if (query.isEmpty()) {
            return false;
        }
        String q = query.get();
        for (int i = 0; i < MAX_DECODINGS; i++) {
            if (q.toLowerCase(Locale.ROOT).contains("authorization")) {
                return true;
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(q, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return true;
            }
            if (decoded.equals(q)) {
                return false;
            }
            q = decoded;
        }
        return true;
    }
}
