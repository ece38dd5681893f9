package io.vhdflow.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The database holding the job journal and the image catalog: the embedded SQLite file of one
 * node (the default), or a PostgreSQL server shared by several workers (scale-out). Schema changes
 * are Flyway migrations under {@code db/migration}, written in SQL that runs on both, and both are
 * migrated by the same files.
 *
 * <p>SQLite serialises writers anyway, so one connection guarded by a lock is both simplest and
 * safe; journal and catalog writes are a handful per stage, never on a data path. PostgreSQL is
 * reached through a HikariCP pool: each call borrows a connection and returns it.
 */
public final class Database implements AutoCloseable {

    /** Which engine holds the data. */
    public enum Kind { SQLITE, POSTGRESQL }

    /** Work done with a connection (inside the lock for SQLite, borrowed from the pool for PostgreSQL). */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /** How calls reach a connection. */
    private interface Access extends AutoCloseable {
        <T> T use(Work<T> work) throws SQLException;

        /** A connection of its own for a long-held transaction (a claim); closing it ends the transaction. */
        Connection dedicated() throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /** SQLite: one connection, one caller at a time. */
    private static final class SingleConnection implements Access {
        private final Connection connection;
        private final ReentrantLock lock = new ReentrantLock();

        SingleConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public <T> T use(Work<T> work) throws SQLException {
            lock.lock();
            try {
                return work.apply(connection);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Connection dedicated() {
            throw new UnsupportedOperationException("SQLite has no row locks; claims are kept in the process");
        }

        @Override
        public void close() throws SQLException {
            lock.lock();
            try {
                connection.close();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * PostgreSQL: a pool; each call borrows a connection in auto-commit mode and gives it back. A
     * long-held transaction (a claim) gets a connection of its own outside the pool, so claims
     * never starve the journal's short calls of connections.
     */
    private record Pool(HikariDataSource pool, String url, java.util.Properties login) implements Access {
        @Override
        public <T> T use(Work<T> work) throws SQLException {
            try (Connection c = pool.getConnection()) {
                return work.apply(c);
            }
        }

        @Override
        public Connection dedicated() throws SQLException {
            return java.sql.DriverManager.getConnection(url, login);
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    private final Kind kind;
    private final String location;
    private final Access access;

    private Database(Kind kind, String location, Access access) {
        this.kind = kind;
        this.location = location;
        this.access = access;
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    public static Database open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            migrate(ds);
            Connection c = ds.getConnection();
            return new Database(Kind.SQLITE, file.toAbsolutePath().toString(), new SingleConnection(c));
        } catch (SQLException | RuntimeException e) {
            throw new IOException("cannot open the vhdflow database " + file.toAbsolutePath()
                    + ": " + e.getMessage() + " (is the home folder writable, and is the file a vhdflow database?)", e);
        }
    }

    /**
     * Connects to the shared PostgreSQL database at {@code jdbcUrl} and brings its schema up to
     * date (Flyway takes a database lock, so workers starting together migrate once).
     *
     * @param poolSize connections kept for the journal's and catalog's short calls
     */
    public static Database connect(String jdbcUrl, String user, String password, int poolSize) throws IOException {
        return connect(jdbcUrl, user, password, poolSize, true);
    }

    /**
     * Connects to the shared PostgreSQL database at {@code jdbcUrl} to read it as it is (the CLI's
     * {@code jobs} and {@code catalog}): its schema is the workers' to bring up to date, not a
     * reader's.
     */
    public static Database connectForReading(String jdbcUrl, String user, String password) throws IOException {
        return connect(jdbcUrl, user, password, 2, false);
    }

    private static Database connect(String jdbcUrl, String user, String password, int poolSize, boolean migrate)
            throws IOException {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IOException("the shared database URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db),"
                    + " got " + redact(jdbcUrl));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (!user.isBlank()) {
            config.setUsername(user);
        }
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        config.setPoolName("vhdflow-db");
        config.setMaximumPoolSize(Math.max(2, poolSize));
        config.setMinimumIdle(1);
        // A worker waits out a database restart; a command someone typed answers within seconds.
        long timeoutMs = migrate ? 10_000 : 3_000;
        config.setConnectionTimeout(timeoutMs);
        // A node that cannot reach the database at start says so at once, not after a pool timeout per call.
        config.setInitializationFailTimeout(timeoutMs);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to the shared database " + redact(jdbcUrl) + ": " + rootMessage(e)
                    + " (is PostgreSQL running there, and are VHDFLOW_DATABASE_USER and _PASSWORD right?)", e);
        }
        try {
            if (migrate) {
                migrate(pool);
            }
            java.util.Properties login = new java.util.Properties();
            if (!user.isBlank()) {
                login.setProperty("user", user);
            }
            if (!password.isEmpty()) {
                login.setProperty("password", password);
            }
            return new Database(Kind.POSTGRESQL, redact(jdbcUrl), new Pool(pool, jdbcUrl, login));
        } catch (RuntimeException e) {
            pool.close();
            throw new IOException("cannot bring the shared database " + redact(jdbcUrl) + " up to date: "
                    + rootMessage(e), e);
        }
    }

    private static void migrate(DataSource ds) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .mixed(true)
                .load()
                .migrate();
    }

    /** A JDBC URL without any password given in it. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }

    /**
     * Opens an existing database for reading only: no migration, no write, no home lock, so it
     * works beside a running {@code vhdflow run} (SQLite's WAL lets readers and one writer work at
     * once).
     *
     * @throws IOException when the file does not exist or is not a SQLite database
     */
    public static Database openReadOnly(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toAbsolutePath().toString(), null,
                    "no vhdflow database here: nothing has been registered in this home yet (check --home or "
                            + "VHDFLOW_HOME)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            Connection c = ds.getConnection();
            try (var st = c.createStatement()) {
                st.executeQuery("SELECT COUNT(*) FROM sqlite_master").close();
            }
            return new Database(Kind.SQLITE, file.toAbsolutePath().toString(), new SingleConnection(c));
        } catch (SQLException e) {
            throw new IOException("cannot read the vhdflow database " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} with a connection in auto-commit mode. */
    public <T> T read(Work<T> work) {
        try {
            return access.use(work);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    public <T> T transaction(Work<T> work) {
        try {
            return access.use(c -> inTransaction(c, work));
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.apply(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * A transaction held open on a connection of its own, keeping the row locks it took until it
     * is closed. When the process dies, the server ends the session and the locks with it: that
     * is what lets another worker take over a dead worker's job.
     */
    public static final class RowLock implements AutoCloseable {
        private final Connection connection;

        private RowLock(Connection connection) {
            this.connection = connection;
        }

        /** Whether the session holding the lock is still alive (a lost connection has lost the lock). */
        public boolean held() {
            try {
                return connection.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try (connection) {
                connection.commit();
            } catch (SQLException e) {
                // The session is gone: its transaction and locks are gone with it, which is all closing wants.
            }
        }
    }

    /**
     * Locks the rows {@code selectForUpdate} returns ({@code ... FOR UPDATE SKIP LOCKED}) in a
     * transaction held open until the returned lock is closed; PostgreSQL only.
     *
     * @return the lock, or empty when the query returned no row (another session holds them)
     */
    public Optional<RowLock> lockRows(String selectForUpdate, Object... args) {
        if (kind != Kind.POSTGRESQL) {
            throw new UnsupportedOperationException("row locks need the shared PostgreSQL database");
        }
        try {
            Connection c = access.dedicated();
            try {
                c.setAutoCommit(false);
                boolean got;
                try (PreparedStatement ps = c.prepareStatement(selectForUpdate)) {
                    bind(ps, args);
                    try (var rs = ps.executeQuery()) {
                        got = rs.next();
                    }
                }
                if (got) {
                    return Optional.of(new RowLock(c));
                }
                c.rollback();
                c.close();
                return Optional.empty();
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The SQLite file; only the embedded database has one. */
    public Path file() {
        if (kind != Kind.SQLITE) {
            throw new IllegalStateException("the shared database is not a file: " + location);
        }
        return Path.of(location);
    }

    /** The database file, or the shared database's URL (without a password): for messages. */
    public String location() {
        return location;
    }

    /** Whether the database answers a trivial query now: for health. */
    public boolean reachable() {
        try {
            return access.use(c -> c.isValid(5));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            access.close();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Binds {@code args} to the statement's parameters in order. */
    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                // An untyped null: PostgreSQL's driver then infers the column's type.
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    /** Runs one INSERT/UPDATE/DELETE with {@code args} bound; returns the rows changed. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }
}
