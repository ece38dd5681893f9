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

    /**
     * True when the cause is a unique, primary-key or foreign-key constraint violation: SQLite says
     * so in its message, PostgreSQL with SQLSTATE class 23 (integrity constraint violation).
     */
    public boolean isConstraintViolation() {
        return getCause() instanceof SQLException s && ((s.getSQLState() != null && s.getSQLState().startsWith("23"))
                || (s.getMessage() != null && s.getMessage().contains("CONSTRAINT")));
    }
}
