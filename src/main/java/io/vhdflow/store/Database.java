package io.vhdflow.store;

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
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded SQLite database holding the job journal and the image catalog. Schema changes are
 * Flyway migrations under {@code db/migration}, written in SQL that also runs on PostgreSQL.
 *
 * <p>SQLite serialises writers anyway, so one connection guarded by a lock is both simplest and
 * safe; journal and catalog writes are a handful per stage, never on a data path.
 */
public final class Database implements AutoCloseable {

    /** Work done with the connection, inside the lock. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
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
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .mixed(true)
                    .load()
                    .migrate();
            Connection c = ds.getConnection();
            return new Database(file, c);
        } catch (SQLException | RuntimeException e) {
            throw new IOException("cannot open the vhdflow database " + file.toAbsolutePath()
                    + ": " + e.getMessage() + " (is the home folder writable, and is the file a vhdflow database?)", e);
        }
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
            return new Database(file, c);
        } catch (SQLException e) {
            throw new IOException("cannot read the vhdflow database " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} with the shared connection in auto-commit mode. */
    public <T> T read(Work<T> work) {
        lock.lock();
        try {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new StoreException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    public <T> T transaction(Work<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        } finally {
            lock.unlock();
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException(e);
        } finally {
            lock.unlock();
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
