package io.vhdflow.catalog;

/** A registration the catalog refuses: duplicate version or content, or facts that contradict the definition. */
public class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why it was refused. */
    public enum Reason {
        /** The version name is already registered for this image (by another job). */
        DUPLICATE_VERSION,
        /** The same source content is already registered. */
        DUPLICATE_CONTENT,
        /** The definition's facts or identifier contradict this image. */
        CONFLICTING_DEFINITION,
        /** A name or field breaks Azure's rules. */
        INVALID_METADATA,
        /** The version asked for is not in the catalog. */
        NOT_FOUND
    }

    private final Reason reason;

    public CatalogException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
