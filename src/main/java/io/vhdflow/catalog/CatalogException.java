package io.vhdflow.catalog;

/** A registration the catalog refuses: duplicate version or content, or facts that contradict the definition. */
public class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why it was refused. */
    public enum Reason { DUPLICATE_VERSION, DUPLICATE_CONTENT, CONFLICTING_DEFINITION }

    private final Reason reason;

    public CatalogException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
