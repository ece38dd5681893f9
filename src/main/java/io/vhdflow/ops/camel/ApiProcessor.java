package io.vhdflow.ops.camel;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.ops.ApiCaller;
import io.vhdflow.ops.ApiReply;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.util.Optional;

/**
 * One REST endpoint: hands the call's path and query parameters (Camel headers) to a plain ops
 * service and writes the {@link ApiReply} it returns as the HTTP status, headers and body.
 */
public final class ApiProcessor implements Processor {

    /** The service call behind an endpoint. */
    @FunctionalInterface
    public interface Endpoint {
        ApiReply answer(Request request) throws Exception;
    }

    /** What the call carries, read from the Camel message. */
    public static final class Request {
        private final Message message;

        Request(Message message) {
            this.message = message;
        }

        /** A path or query parameter; empty when absent or blank. */
        public Optional<String> param(String name) {
            return Optional.ofNullable(message.getHeader(name, String.class)).filter(s -> !s.isBlank());
        }

        /** A path parameter (always present in a matched path). */
        public String path(String name) {
            return param(name).orElse("");
        }

        public ApiCaller caller() {
            return new ApiCaller(String.valueOf(message.getHeader(Exchange.HTTP_METHOD)),
                    String.valueOf(message.getHeader(Exchange.HTTP_URI)), param("Authorization"),
                    param(Exchange.HTTP_QUERY));
        }
    }

    private final String name;
    private final Endpoint endpoint;
    private final ObjectMapper json;

    public ApiProcessor(String name, Endpoint endpoint, ObjectMapper json) {
        this.name = name;
        this.endpoint = endpoint;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        ApiReply reply = endpoint.answer(new Request(m));
        // Request headers travel back as response headers; credentials must not.
        m.removeHeader("Authorization");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        m.setHeader(Exchange.CONTENT_TYPE, reply.contentType());
        reply.headers().forEach(m::setHeader);
        m.setBody(reply.isJson() ? json.writerWithDefaultPrettyPrinter().writeValueAsString(reply.body())
                : String.valueOf(reply.body()));
    }

    @Override
    public String toString() {
        return name;
    }
}
