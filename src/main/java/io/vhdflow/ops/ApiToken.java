package io.vhdflow.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The token that authorises the API's mutating calls ({@code vhdflow.api.token}, or the
 * {@code VHDFLOW_API_TOKEN} environment variable). Only its SHA-256 is kept, compared in constant
 * time, so neither timing nor a heap dump or log line gives the token away.
 */
public final class ApiToken {

    /** How a request's credentials stand. */
    public enum Check {
        /** The right token was presented. */
        ACCEPTED,
        /** No token is configured: every mutating call is refused. */
        NOT_CONFIGURED,
        /** No {@code Authorization: Bearer} header. */
        MISSING,
        /** A token that is not the configured one. */
        WRONG
    }

    private static final String BEARER = "bearer ";

    private final Optional<byte[]> digest;

    private ApiToken(Optional<byte[]> digest) {
        this.digest = digest;
    }

    /** The token configured, or none when {@code token} is null or blank. */
    public static ApiToken of(String token) {
        return new ApiToken(Optional.ofNullable(token).map(String::strip).filter(t -> !t.isEmpty())
                .map(ApiToken::sha256));
    }

    public boolean configured() {
        return digest.isPresent();
    }

    /** Checks the value of an {@code Authorization} header (null when absent). */
    public Check check(String authorization) {
        if (digest.isEmpty()) {
            return Check.NOT_CONFIGURED;
        }
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Check.MISSING;
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        // Equal-length digests compared with MessageDigest.isEqual: time independent of where they differ.
        return MessageDigest.isEqual(presented, digest.get()) ? Check.ACCEPTED : Check.WRONG;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Never the token. */
    @Override
    public String toString() {
        return configured() ? "ApiToken[configured]" : "ApiToken[none]";
    }
}
