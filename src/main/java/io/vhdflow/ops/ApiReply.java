package io.vhdflow.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an API call answers, in plain Java: the HTTP status, the content type, a body (a record,
 * list or map that Jackson writes as JSON, or text as it is for other content types) and any
 * extra response headers. The Camel adapter writes it to the HTTP response.
 */
public record ApiReply(int status, String contentType, Object body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public ApiReply {
        headers = Map.copyOf(headers);
    }

    public static ApiReply ok(Object body) {
        return of(200, body);
    }

    public static ApiReply of(int status, Object body) {
        return new ApiReply(status, JSON, body, Map.of());
    }

    /** A 4xx/5xx answer whose body explains itself ({@code {"error": ..., "at": ...}}). */
    public static ApiReply error(int status, String message) {
        return of(status, ApiError.of(message));
    }

    /** A text body, written as it is. */
    public static ApiReply text(String contentType, String body) {
        return new ApiReply(200, contentType, body, Map.of());
    }

    public boolean isJson() {
        return JSON.equals(contentType);
    }

    public ApiReply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiReply(status, contentType, body, h);
    }
}
