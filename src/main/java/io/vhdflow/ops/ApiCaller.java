package io.vhdflow.ops;

import java.util.Optional;

/**
 * Who asks for a change, as far as the API can tell: the {@code Authorization} header and the raw
 * query string (a token must never travel in a URL), with the method and URI for the log.
 */
public record ApiCaller(String method, String uri, Optional<String> authorization, Optional<String> query) {
}
