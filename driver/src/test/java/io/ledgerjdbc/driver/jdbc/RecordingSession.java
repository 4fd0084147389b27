package io.ledgerjdbc.driver.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** A {@link PassThroughSession} that remembers what the wrappers handed it, and can refuse the next execution. */
final class RecordingSession implements Session {

    /** One call the session received. */
    record Call(String method, ExecutionContext context, String sql, Params params, KeyRequest keys,
                List<BatchItem> items, Object argument) {
    }

    private final PassThroughSession pass;
    final List<Call> calls = new ArrayList<>();
    /** When set, the next execute/executeBatch throws it without running the real call. */
    SQLException refuseNext;

    RecordingSession(Connection real) {
        this.pass = new PassThroughSession(real);
    }

    Call last() {
        return calls.get(calls.size() - 1);
    }

    Call last(String method) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).method().equals(method)) {
                return calls.get(i);
            }
        }
        throw new AssertionError("no call to " + method + " in " + calls);
    }

    private void record(String method, Object argument) {
        calls.add(new Call(method, null, null, null, null, null, argument));
    }

    private void refuseIfAsked() throws SQLException {
        SQLException refusal = refuseNext;
        refuseNext = null;
        if (refusal != null) {
            throw refusal;
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        record("getAutoCommit", null);
        return pass.getAutoCommit();
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        record("setAutoCommit", autoCommit);
        pass.setAutoCommit(autoCommit);
    }

    @Override
    public void commit() throws SQLException {
        record("commit", null);
        pass.commit();
    }

    @Override
    public void rollback() throws SQLException {
        record("rollback", null);
        pass.rollback();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        record("setSavepoint", name);
        return pass.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        record("rollbackTo", savepoint);
        pass.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        record("releaseSavepoint", savepoint);
        pass.releaseSavepoint(savepoint);
    }

    @Override
    public void close() throws SQLException {
        record("close", null);
        pass.close();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        record("abort", executor);
        pass.abort(executor);
    }

    @Override
    public PreparedStatement prepare(String sql, KeyRequest asked, RealCall<PreparedStatement> asYouAsked)
            throws SQLException {
        calls.add(new Call("prepare", null, sql, null, asked, null, null));
        return pass.prepare(sql, asked, asYouAsked);
    }

    @Override
    public KeyRequest keysForCapture(String sql) {
        return pass.keysForCapture(sql); // a question, not a call the routing tests count
    }

    @Override
    public <T> T execute(ExecutionContext context, String sql, Params params, RealCall<T> call, T ifNotRun) throws SQLException {
        calls.add(new Call("execute", context, sql, params, context.keyRequest(), null, null));
        refuseIfAsked();
        return pass.execute(context, sql, params, call, ifNotRun);
    }

    @Override
    public <T> T executeBatch(ExecutionContext context, List<BatchItem> items, RealCall<T> call,
                              Function<long[], T> fromCounts) throws SQLException {
        calls.add(new Call("executeBatch", context, null, null, context.keyRequest(), items, null));
        refuseIfAsked();
        T result = pass.executeBatch(context, items, call, fromCounts);
        calls.add(new Call("counts", context, null, null, null, null, asLongs(result)));
        return result;
    }

    private static long[] asLongs(Object counts) {
        if (counts instanceof long[] l) {
            return l;
        }
        int[] ints = (int[]) counts;
        long[] out = new long[ints.length];
        for (int i = 0; i < ints.length; i++) out[i] = ints[i];
        return out;
    }

    @Override
    public ResultSet generatedKeys(ExecutionContext context) throws SQLException {
        calls.add(new Call("generatedKeys", context, null, null, context.keyRequest(), null, null));
        return pass.generatedKeys(context);
    }
}
