package io.vhdflow.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A shared access signature read from the file or environment variable a job file names. The
 * token itself is never in the job file, never logged and never written: {@link #toString()}
 * masks it, and it leaves this class only to authenticate requests.
 *
 * <p>What is read must look like a SAS (a query string with {@code sv=} and {@code sig=}, or a
 * URL carrying one) of URL-safe characters; anything else is refused without being echoed, so a
 * job file cannot make vhdflow send an arbitrary local file or variable to a remote host.
 */
public final class SasToken {
    /** Environment variables a job file may name: only vhdflow's own. */
    static final Pattern ENV_NAME = Pattern.compile("VHDFLOW_[A-Z0-9_]{1,64}");
    static final int MAX_BYTES = 8192;
    private static final Pattern SAS = Pattern.compile("[A-Za-z0-9%&=._~+/:-]+");

    private final String value;

    private SasToken(String value) {
        this.value = value;
    }

    /** The token for {@code job}: from its file or variable, or empty for an anonymous (public) blob. */
    static Optional<SasToken> of(BlobJob job, Map<String, String> environment) throws BlobJobException {
        if (job.sasTokenFile().isPresent()) {
            Path f = job.sasTokenFile().get();
            String text;
            try {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_BYTES) {
                    throw invalid("the SAS token file " + f + " is missing, not a regular file or larger than "
                            + MAX_BYTES + " bytes");
                }
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                if (e instanceof BlobJobException b) {
                    throw b;
                }
                throw invalid("the SAS token file " + f + " cannot be read: " + e.getClass().getSimpleName());
            }
            return Optional.of(parse(text, "the file " + f));
        }
        if (job.sasTokenEnv().isPresent()) {
            String name = job.sasTokenEnv().get();
            String v = environment.get(name);
            if (v == null || v.isBlank()) {
                throw invalid("the environment variable " + name + " named for the SAS token is not set in the service's"
                        + " environment");
            }
            return Optional.of(parse(v, "the variable " + name));
        }
        return Optional.empty();
    }

    private static SasToken parse(String text, String where) throws BlobJobException {
        String t = text.strip();
        int q = t.indexOf('?');
        if (t.startsWith("http") && q > 0) {
            t = t.substring(q + 1);
        } else if (t.startsWith("?")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || t.length() > MAX_BYTES || !SAS.matcher(t).matches() || !t.contains("sig=")
                || !t.contains("sv=")) {
            throw invalid(where + " does not hold a SAS token (a query string with sv= and sig=, or a SAS URL); its"
                    + " content is not shown");
        }
        return new SasToken(t);
    }

    static BlobJobException invalid(String message) {
        return new BlobJobException("blob.invalid", message, List.of());
    }

    /** The token, for the storage client only. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return "SAS token (masked)";
    }
}
