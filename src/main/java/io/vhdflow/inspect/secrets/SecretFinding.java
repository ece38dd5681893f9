package io.vhdflow.inspect.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One piece of credential material found, described without its value: the rule that found it,
 * where, what it is, how long the value is and the first {@value #PREFIX_HEX} hex digits of its
 * SHA-256 (enough to tell two findings apart or match a known secret, not to recover it).
 *
 * @param rule    the rule id, e.g. {@code aws-credentials} (listed in {@code docs/checks.md})
 * @param family  the family the rule belongs to
 * @param path    the file, or the registry value
 * @param line    the line number (1-based), 0 when the finding is the whole file or a value
 * @param what    what was found, e.g. {@code "aws_secret_access_key"}
 * @param length  the value's length in characters, or in bytes when {@code binary}
 * @param sha256  the first {@value #PREFIX_HEX} hex digits of the SHA-256 of the value's UTF-8 bytes
 * @param binary  whether the value is binary content (a token cache, a database), measured in bytes
 * @param warning whether the finding warns rather than blocks (e.g. a snakeoil certificate key)
 */
public record SecretFinding(String rule, SecretFamily family, String path, int line, String what, int length,
                            String sha256, boolean binary, boolean warning) {

    /** Hex digits of the SHA-256 shown: 48 bits. */
    static final int PREFIX_HEX = 12;

    /** A finding of a text value. */
    public static SecretFinding of(String rule, SecretFamily family, String path, int line, String what, String value) {
        return new SecretFinding(rule, family, path, line, what, value.length(),
                prefix(value.getBytes(StandardCharsets.UTF_8)), false, false);
    }

    /** A finding of binary content (a token cache, a database), measured in bytes. */
    public static SecretFinding ofBytes(String rule, SecretFamily family, String path, String what, byte[] value,
                                        int length) {
        return new SecretFinding(rule, family, path, 0, what, Math.min(value.length, length),
                prefix(java.util.Arrays.copyOf(value, Math.min(value.length, length))), true, false);
    }

    /** The same finding, warning rather than blocking, with why. */
    public SecretFinding asWarning(String why) {
        return new SecretFinding(rule, family, path, line, what + " (" + why + ")", length, sha256, binary, true);
    }

    /** The evidence line: {@code "<rule>: <location>:<path> line <n>: <what> (<n> characters, sha256 <prefix>)"}. */
    public String evidence(String location) {
        String unit = binary ? (length == 1 ? " byte" : " bytes") : (length == 1 ? " character" : " characters");
        return rule + ": " + location + ":" + path + (line > 0 ? " line " + line : "") + ": " + what + " ("
                + length + unit + ", sha256 " + sha256 + ")";
    }

    static String prefix(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)).substring(0, PREFIX_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
