package io.vhdflow.store;

import java.sql.SQLException;

/** A database statement failed; wraps the driver's checked exception so callers are not cluttered. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(SQLException cause) {
        super("database error: " + cause.getMessage(), cause);
    }

    public StoreException(String message) {
        super(message);
    }

    /** True when the cause is a unique or primary-key constraint violation. */
    public boolean isConstraintViolation() {
        return getCause() instanceof SQLException s && s.getMessage() != null
                && s.getMessage().contains("CONSTRAINT");
    }
}
