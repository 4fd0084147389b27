package io.ledgerjdbc.driver.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the JDBC wrappers hand every decision to: one per wrapped connection. The wrappers are thin and
 * uniform (before → real call → after); the session owns capture, transactions and the ledger.
 *
 * <p><b>Threading:</b> the same as the connection it belongs to (JDBC connections are not required to be
 * thread-safe; the session does not add locking that the real driver lacks).
 * <p><b>Failure:</b> an error of the real database is rethrown unchanged (same SQLState, vendor code and
 * message); errors of the driver itself carry their own SQLState (0A000 refusal, 40001 conflict, …).
 */
public interface Session {

    boolean getAutoCommit() throws SQLException;

    void setAutoCommit(boolean autoCommit) throws SQLException;

    void commit() throws SQLException;

    void rollback() throws SQLException;

    /** {@code name} is null for {@link java.sql.Connection#setSavepoint()}: an unnamed savepoint. */
    Savepoint setSavepoint(String name) throws SQLException;

    void rollback(Savepoint savepoint) throws SQLException;

    void releaseSavepoint(Savepoint savepoint) throws SQLException;

    /** Rolls back anything uncommitted and closes the real connection. */
    void close() throws SQLException;

    void abort(Executor executor) throws SQLException;

    /**
     * The real PreparedStatement for {@code sql}. {@code asked} is what the application asked for; the
     * session may prepare differently (e.g. ask for generated keys to capture an insert) and then shapes
     * {@link #generatedKeys} so the application still sees what it asked for.
     *
     * @param asYouAsked prepares the statement exactly as the application asked
     */
    PreparedStatement prepare(String sql, KeyRequest asked, RealCall<PreparedStatement> asYouAsked) throws SQLException;

    /**
     * For a statement the application runs without generated keys: the keys the real statement must be asked for
     * so that capture can find the rows it inserts (a primary key the database generates; PostgreSQL, a table
     * without a primary key: {@code ctid}), or {@link KeyRequest#NONE} to run it as the application asked.
     * {@link #prepare} asks for them when it prepares; a plain Statement asks when it executes.
     */
    KeyRequest keysForCapture(String sql) throws SQLException;

    /** The statement behind {@code context} is closed (or runs again): what the session kept for it goes. */
    default void closed(ExecutionContext context) {
    }

    /**
     * Runs one statement execution. Reads run {@code call} at once; writes are captured around it; a write
     * that cannot be captured is refused before {@code call} runs.
     *
     * @param params   the bound parameters of a PreparedStatement ({@link Params#NONE} for a plain Statement)
     * @param ifNotRun what the call returns when the session orders the statement elsewhere instead of running it
     *                 here (DDL in a cluster runs in the log's order on every node): 0, false, or null
     */
    <T> T execute(ExecutionContext context, String sql, Params params, RealCall<T> call, T ifNotRun) throws SQLException;

    /**
     * Runs a batch: a Statement's {@code addBatch(sql)} list, or one PreparedStatement's parameter sets. The
     * session either runs {@code call} (the real batch) or executes the items itself.
     *
     * @param fromCounts turns update counts into the result the application's method returns (int[] or long[])
     */
    <T> T executeBatch(ExecutionContext context, List<BatchItem> items, RealCall<T> call, Function<long[], T> fromCounts)
            throws SQLException;

    /** The generated keys to show the application for the last execution of {@code context}'s statement. */
    ResultSet generatedKeys(ExecutionContext context) throws SQLException;
}
