package io.vhdflow.source;

import java.io.IOException;
import java.util.List;

/** A job file, or the credential it names, is unusable; retrying cannot help until the operator fixes it. */
public final class BlobJobException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;
    private final String code;

    /**
     * @param code     stable code for the job error ({@code blob.invalid}, {@code blob.access-denied}, ...)
     * @param message  what is wrong, for an operator (never holding the token)
     * @param problems details, one per line
     */
    public BlobJobException(String code, String message, List<String> problems) {
        super(message);
        this.code = code;
        this.problems = List.copyOf(problems);
    }

    public String code() {
        return code;
    }

    public List<String> problems() {
        return problems;
    }
}
