package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.driver.LedgerConfig;

import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.schema.NotATable;
import io.ledgerjdbc.driver.capture.CaptureConflict;
import io.ledgerjdbc.driver.capture.CaptureRefusal;
import io.ledgerjdbc.driver.capture.TableChanged;
import io.ledgerjdbc.driver.sql.SequenceReads;
import io.ledgerjdbc.driver.jdbc.BatchItem;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.KeyRequest;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.jdbc.Session;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One wrapped connection's {@link Session}: routes each JDBC call to the piece that does its job. A read passes
 * through; a write is refused before it runs if it cannot be captured faithfully, otherwise captured by
 * {@link WriteCapture} (an autocommit write in its own transaction, run again on a capture conflict); DDL goes to
 * {@link DdlOrdering}; batches to {@link BatchExecution}; the transaction and its savepoints are
 * {@link LedgerTransaction}'s.
 *
 * <p>Threading: one connection's, used by one thread at a time as JDBC allows; not thread-safe.
 */
public final class LedgerSession implements Session {

    private static final Analysis PASS_THROUGH = new Analysis.Read();

    private final Connection real;
    private final LedgerDatabase database;
    private final LedgerConfig config;
    /** {@code ledger.readConsistency=linearizable}, read once: the check sits on every query's path. */
    private final boolean linearizableReads;
    private final LedgerTransaction transaction;
    private final GeneratedKeys generatedKeys;
    private final WriteCapture writeCapture;
    private final DdlOrdering ddlOrdering;
    private final BatchExecution batches;
    /**
     * How often an autocommit write runs when capture cannot tell exactly which rows it changed because another
     * transaction moved rows meanwhile (CaptureConflict): each attempt is rolled back whole, so running it again is
     * what the raw statement would have done a moment later. Bounded, so that a hot spot still fails (40001).
     */
    private static final int CAPTURE_ATTEMPTS = 4;

    public LedgerSession(Connection real, LedgerDatabase database, LedgerConfig config) throws SQLException {
        this.real = real;
        this.database = database;
        this.config = config;
        this.linearizableReads = config.linearizableReads();
        this.transaction = new LedgerTransaction(real, database, config);
        this.generatedKeys = new GeneratedKeys(real, database.backend());
        database.capture().attach(real, transaction.statements);
        this.writeCapture = new WriteCapture(real, database, transaction, generatedKeys);
        this.ddlOrdering = new DdlOrdering(real, database, config, transaction);
        this.batches = new BatchExecution(real, database, transaction, generatedKeys, this, writeCapture);
    }

    // ---- transactions: see LedgerTransaction -------------------------------------------------------

    @Override
    public boolean getAutoCommit() throws SQLException {
        return transaction.getAutoCommit();
    }

    @Override
    public void setAutoCommit(boolean on) throws SQLException {
        transaction.setAutoCommit(on);
    }

    @Override
    public void commit() throws SQLException {
        transaction.commit();
    }

    @Override
    public void rollback() throws SQLException {
        transaction.rollback();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return transaction.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        transaction.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        transaction.releaseSavepoint(savepoint);
    }

    @Override
    public void close() throws SQLException {
        transaction.close();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        transaction.abort(executor);
    }

    // ---- statements -----------------------------------------------------------------------------------------

    @Override
    public PreparedStatement prepare(String sql, KeyRequest asked, RealCall<PreparedStatement> asYouAsked) throws SQLException {
        if (!asked.wantsKeys()) {
            KeyRequest k = keysForCapture(sql);
            if (k.columnNames() != null) {
                return real.prepareStatement(sql, k.columnNames());
            }
            if (k.wantsKeys()) {
                return real.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
            }
        }
        return asYouAsked.call();
    }

    @Override
    public KeyRequest keysForCapture(String sql) throws SQLException {
        return writeCapture.keysForCapture(sql);
    }

    @Override
    public <T> T execute(ExecutionContext ctx, String sql, Params params, RealCall<T> call, T ifNotRun) throws SQLException {
        ctx.resultsFromRealStatement();
        Analysis a = database.analyzer().analyze(sql);
        if (config.allowSequenceReads() && SequenceReads.isSequenceRead(a)) {
            a = PASS_THROUGH; // sequence state is not table data: see SequenceReads
        }
        if (generatedKeys.any()) {
            closed(ctx); // keys belong to the statement's last execution only
        }
        if (a instanceof Analysis.Read) {
            if (!transaction.pending.isEmpty() || !transaction.toRead.isEmpty()) {
                ddlOrdering.refuseImplicitCommit(sql);
            }
            if (linearizableReads && database.clustered()) {
                database.awaitClusterBarrier();
            }
            return call.call();
        }
        if (a instanceof Analysis.Refused r) {
            throw CaptureRefusal.of(r.construct(), r.reason());
        }
        if (a instanceof Analysis.TransactionControl tc) {
            throw CaptureRefusal.of("a textual " + tc.command(), "use Connection.commit(), rollback() and setSavepoint(), "
                    + "so that the ledger sees the transaction boundaries");
        }
        if (transaction.rollbackOnly != null) {
            throw new SQLException("the transaction must be rolled back: " + transaction.rollbackOnly, SqlStates.SERIALIZATION_FAILURE);
        }
        if (a instanceof Analysis.Ddl) {
            // DDL may change the rows earlier INSERTs made, or their shape: read those now (a row write reads them
            // when it may touch them, see WriteCapture#readInsertedBefore)
            transaction.readInsertedOrFail();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return executeWrite(ctx, a, sql, params, call, ifNotRun);
            } catch (CaptureConflict e) {
                if (!transaction.autoCommit || attempt == CAPTURE_ATTEMPTS) {
                    throw e;
                }
                // the statement was its own transaction, rolled back whole: run it again (see CaptureConflict)
            }
        }
    }

    /** One run of a write statement, in its own transaction when the application is in autocommit mode. */
    private <T> T executeWrite(ExecutionContext ctx, Analysis a, String sql, Params params, RealCall<T> call, T ifNotRun)
            throws SQLException {
        boolean implicit = transaction.autoCommit;
        if (implicit) {
            transaction.beginImplicit(a instanceof Analysis.Ddl);
        }
        boolean ran = false;
        try {
            T result;
            if (a instanceof Analysis.Ddl ddl) {
                result = database.clustered() ? ddlOrdering.orderDdl(ddl, sql, ifNotRun) : ddlOrdering.executeDdl(ddl, sql, call, implicit);
            } else {
                Tracked<T> tracked = new Tracked<>(call);
                try {
                    try {
                        result = a instanceof Analysis.Upsert up ? writeCapture.captureUpsert(up, ctx, params, tracked)
                                : writeCapture.captureWrite(a, sql, ctx, params, tracked, ifNotRun);
                    } catch (NotATable missing) {
                        result = failAsTheDatabaseWould(missing, call);
                    } catch (TableChanged stale) {
                        database.catalog().invalidate(); // another process changed the table: reload its metadata
                        if (tracked.ran) {
                            throw stale;
                        }
                        // nothing ran yet: capture again, once
                        result = a instanceof Analysis.Upsert up ? writeCapture.captureUpsert(up, ctx, params, tracked)
                                : writeCapture.captureWrite(a, sql, ctx, params, tracked, ifNotRun);
                    }
                } finally {
                    ran = tracked.ran;
                }
            }
            if (implicit) {
                transaction.commit(true);
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            if (implicit) {
                transaction.rollbackQuietly(e);
                transaction.clearTransaction();
            } else if (ran) {
                transaction.rollbackOnly = "a write ran but its capture failed (" + e.getMessage() + ")";
            }
            if (!ran && e instanceof SQLException s && a instanceof Analysis.Insert ins && database.clustered()
                    && GeneratedKeyClash.is(s, ins, database.catalog().table(real, ins.table()))) {
                throw GeneratedKeyClash.asConflict(s);
            }
            if (e instanceof RuntimeException) {
                throw new SQLException("LedgerJDBC could not capture this statement: " + e.getMessage()
                        + (implicit ? " (rolled back)" : " (the transaction must be rolled back)"), SqlStates.GENERAL_ERROR, e);
            }
            throw e;
        } finally {
            if (implicit) {
                real.setAutoCommit(true);
            }
        }
    }

    /**
     * A write to a table the metadata does not list, or through a view, gets the database's own error for that
     * statement, as without the driver: it runs under a savepoint, and whatever it did is undone. If it succeeds
     * after all (a table the metadata does not show, an updatable view), the refusal stands and nothing it did stays.
     */
    private <T> T failAsTheDatabaseWould(NotATable missing, RealCall<T> call) throws SQLException {
        Savepoint beforeIt = real.setSavepoint();
        T result;
        try {
            result = call.call();
        } catch (SQLException databaseError) {
            try {
                real.releaseSavepoint(beforeIt);
            } catch (SQLException abortedTransaction) {
                // PostgreSQL: the failed statement aborted the transaction, as it does without the driver
            }
            throw databaseError;
        }
        if (result instanceof AutoCloseable rows) {
            try {
                rows.close();
            } catch (Exception ignored) {
                // the rows are discarded with the statement's effects
            }
        }
        real.rollback(beforeIt);
        throw missing;
    }

    /** Remembers whether the real call completed, to tell a failed statement from a failed capture. */
    private static final class Tracked<T> implements RealCall<T> {
        private final RealCall<T> call;
        boolean ran;

        Tracked(RealCall<T> call) {
            this.call = call;
        }

        @Override
        public T call() throws SQLException {
            T r = call.call();
            ran = true;
            return r;
        }
    }

    @Override
    public <T> T executeBatch(ExecutionContext ctx, List<BatchItem> items, RealCall<T> call, Function<long[], T> fromCounts)
            throws SQLException {
        ctx.resultsFromRealStatement();
        try {
            return batches.executeBatch(ctx, items, call, fromCounts);
        } finally {
            ctx.resultsFromRealStatement(); // an item run in place of the real statement left its count there
        }
    }

    @Override
    public ResultSet generatedKeys(ExecutionContext ctx) throws SQLException {
        return generatedKeys.forApplication(ctx);
    }

    @Override
    public void closed(ExecutionContext ctx) {
        generatedKeys.forget(ctx);
    }
}
