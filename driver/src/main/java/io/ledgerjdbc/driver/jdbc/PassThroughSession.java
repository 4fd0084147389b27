package io.ledgerjdbc.driver.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The trivial {@link Session}: no capture, every call goes straight to the real connection or statement. It is
 * the model of the call shape (a real session does its work around the very same calls) and lets the wrappers be
 * tested against the raw driver: through it, the wrappers must behave exactly like the driver they wrap.
 */
public final class PassThroughSession implements Session {

    private final Connection real;

    public PassThroughSession(Connection real) {
        this.real = real;
    }

    // Transactions

    @Override
    public boolean getAutoCommit() throws SQLException {
        return real.getAutoCommit();
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        real.setAutoCommit(autoCommit);
    }

    @Override
    public void commit() throws SQLException {
        real.commit();
    }

    @Override
    public void rollback() throws SQLException {
        real.rollback();
    }

    /** A null name is {@link Connection#setSavepoint()}: an unnamed savepoint. */
    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return name == null ? real.setSavepoint() : real.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        real.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        real.releaseSavepoint(savepoint);
    }

    // Closing (as the real driver closes: unlike a capturing session, this one adds no rollback of its own)

    @Override
    public void close() throws SQLException {
        real.close();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        real.abort(executor);
    }

    // Statements

    @Override
    public PreparedStatement prepare(String sql, KeyRequest asked, RealCall<PreparedStatement> asYouAsked)
            throws SQLException {
        return asYouAsked.call();
    }

    @Override
    public KeyRequest keysForCapture(String sql) {
        return KeyRequest.NONE;
    }

    @Override
    public <T> T execute(ExecutionContext context, String sql, Params params, RealCall<T> call, T ifNotRun) throws SQLException {
        return call.call();
    }

    @Override
    public <T> T executeBatch(ExecutionContext context, List<BatchItem> items, RealCall<T> call,
                              Function<long[], T> fromCounts) throws SQLException {
        return call.call();
    }

    @Override
    public ResultSet generatedKeys(ExecutionContext context) throws SQLException {
        return context.realStatement().getGeneratedKeys();
    }
}
