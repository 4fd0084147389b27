package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.backend.AutocommitBatch;
import io.ledgerjdbc.driver.capture.Analysis;
import io.ledgerjdbc.driver.capture.NotATable;
import io.ledgerjdbc.driver.capture.CaptureConflict;
import io.ledgerjdbc.driver.capture.CaptureRefusal;
import io.ledgerjdbc.driver.capture.TableChanged;
import io.ledgerjdbc.driver.capture.SequenceReads;
import io.ledgerjdbc.driver.jdbc.BatchItem;
import io.ledgerjdbc.driver.jdbc.BatchKeys;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One wrapped connection's capture and transaction state.
 *
 * <p>The real connection runs with autocommit off whenever a write is in flight, so a change and its ledger
 * entry always commit together. When the application is in autocommit mode, each write statement runs in
 * its own real transaction, committed with its entry (none when it changed no rows); reads run untouched.
 * In an explicit transaction the captured changes accumulate and become one entry at {@link #commit()};
 * savepoints trim them exactly. A failure after a write already ran (capture could not finish) makes the
 * transaction rollback-only: committing it would record less than it changed.
 */
final class LedgerSession implements Session {

    private static final Analysis PASS_THROUGH = new Analysis.Read();

    private final Connection real;
    private final LedgerNode node;
    private final LedgerConfig config;
    /** {@code ledger.readConsistency=linearizable}, read once: the check sits on every query's path. */
    private final boolean linearizableReads;
    private final LedgerTransaction transaction;
    private final GeneratedKeys generatedKeys;
    private final WriteCapture writeCapture;
    private final DdlOrdering ddlOrdering;
    /**
     * How often an autocommit write runs when capture cannot tell exactly which rows it changed because another
     * transaction moved rows meanwhile (CaptureConflict): each attempt is rolled back whole, so running it again is
     * what the raw statement would have done a moment later. Bounded, so that a hot spot still fails (40001).
     */
    private static final int CAPTURE_ATTEMPTS = 4;

    LedgerSession(Connection real, LedgerNode node, LedgerConfig config) throws SQLException {
        this.real = real;
        this.node = node;
        this.config = config;
        this.linearizableReads = config.linearizableReads();
        this.transaction = new LedgerTransaction(real, node, config);
        this.generatedKeys = new GeneratedKeys(real, node.backend);
        node.capture.attach(real, transaction.statements);
        this.writeCapture = new WriteCapture(real, node, transaction, generatedKeys);
        this.ddlOrdering = new DdlOrdering(real, node, config, transaction);
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
        Analysis a = node.analyzer.analyze(sql);
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
            if (linearizableReads && node.clustered()) {
                node.awaitClusterBarrier();
            }
            return call.call();
        }
        Analysis.Insert upsertCore = null;
        if (a instanceof Analysis.Refused r) {
            upsertCore = node.upsertCore(sql, r);
            if (upsertCore == null) {
                throw CaptureRefusal.of(r.construct(), r.reason());
            }
        }
        if (a instanceof Analysis.TransactionControl tc) {
            throw CaptureRefusal.of("a textual " + tc.command(), "use Connection.commit(), rollback() and setSavepoint(), "
                    + "so that the ledger sees the transaction boundaries");
        }
        if (transaction.rollbackOnly != null) {
            throw new SQLException("the transaction must be rolled back: " + transaction.rollbackOnly, SqlStates.SERIALIZATION_FAILURE);
        }
        if (!(a instanceof Analysis.Insert) || upsertCore != null) {
            // only a plain INSERT leaves the rows earlier INSERTs made as they were: read those now
            transaction.readInsertedOrFail();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return executeWrite(ctx, a, sql, params, call, ifNotRun, upsertCore);
            } catch (CaptureConflict e) {
                if (!transaction.autoCommit || attempt == CAPTURE_ATTEMPTS) {
                    throw e;
                }
                // the statement was its own transaction, rolled back whole: run it again (see CaptureConflict)
            }
        }
    }

    /** One run of a write statement, in its own transaction when the application is in autocommit mode. */
    private <T> T executeWrite(ExecutionContext ctx, Analysis a, String sql, Params params, RealCall<T> call, T ifNotRun,
                               Analysis.Insert upsertCore) throws SQLException {
        boolean implicit = transaction.autoCommit;
        if (implicit) {
            transaction.beginImplicit();
        }
        boolean ran = false;
        try {
            T result;
            if (a instanceof Analysis.Ddl ddl) {
                result = node.clustered() ? ddlOrdering.orderDdl(ddl, sql, ifNotRun) : ddlOrdering.executeDdl(ddl, sql, call, implicit);
            } else {
                Tracked<T> tracked = new Tracked<>(call);
                try {
                    try {
                        result = upsertCore != null ? writeCapture.captureUpsert(upsertCore, ((Analysis.Refused) a).construct(), params, tracked)
                                : writeCapture.captureWrite(a, ctx, params, tracked);
                    } catch (NotATable missing) {
                        result = failAsTheDatabaseWould(missing, call);
                    } catch (TableChanged stale) {
                        node.catalog.invalidate(); // another process changed the table: reload its metadata
                        if (tracked.ran) {
                            throw stale;
                        }
                        result = upsertCore != null ? writeCapture.captureUpsert(upsertCore, ((Analysis.Refused) a).construct(), params, tracked)
                                : writeCapture.captureWrite(a, ctx, params, tracked); // nothing ran yet: capture again, once
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
            if (!ran && e instanceof SQLException s && a instanceof Analysis.Insert ins && node.clustered()
                    && GeneratedKeyClash.is(s, ins, node.catalog.table(real, ins.table()))) {
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
        boolean allReads = true;
        for (BatchItem item : items) {
            allReads &= node.analyzer.analyze(item.sql()) instanceof Analysis.Read;
        }
        if (allReads || items.isEmpty()) {
            return call.call();
        }
        Statement statement = ctx.realStatement();
        statement.clearBatch();
        boolean implicit = transaction.autoCommit;
        boolean prepared = statement instanceof PreparedStatement;
        // the raw driver's semantics hold inside a transaction too: items run (and fail) one by one, or as one statement
        AutocommitBatch semantics = node.backend.autocommitBatch(prepared);
        if (semantics != AutocommitBatch.ATOMIC) {
            return executeItemByItem(ctx, statement, items, semantics, prepared, fromCounts);
        }
        if (implicit) {
            transaction.setAutoCommit(false);
        }
        // MariaDB undoes a failed bulk batch as one statement and keeps the transaction; PostgreSQL aborts it whole
        Savepoint undo = !implicit && node.backend.undoesFailedBatchAsOneStatement() ? transaction.setSavepoint(null) : null;
        String markBefore = transaction.rollbackOnly;
        long[] counts = new long[items.size()];
        int done = 0;
        BatchKeys keys = new BatchKeys(ctx, node.backend.batchShowsEveryKey(ctx.realStatement() instanceof PreparedStatement, ctx.keyRequest().wantsKeys()));
        try {
            for (BatchItem item : items) {
                counts[done] = executeBatchItem(ctx, statement, item);
                keys.add(generatedKeys.takeBatchItem(ctx));
                done++;
            }
            generatedKeys.afterBatch(ctx, keys.result());
            if (undo != null) {
                transaction.releaseSavepoint(undo);
            }
            if (implicit) {
                transaction.commit(true);
            }
            return fromCounts.apply(counts);
        } catch (SQLException | RuntimeException e) {
            if (implicit) {
                transaction.rollbackQuietly(e);
                transaction.clearTransaction(); // also drops a rollback-only mark: the whole batch is undone
            } else if (undo != null) {
                try {
                    transaction.rollback(undo); // the batch's items go, with their captured changes; the transaction stays
                    transaction.rollbackOnly = markBefore; // a write the batch ran uncaptured is undone with it
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
            }
            SQLException s = e instanceof SQLException q ? q : new SQLException(e.getMessage(), SqlStates.GENERAL_ERROR, e);
            throw semantics.failure(prepared, counts, done + 1, List.of(s));
        } finally {
            if (implicit) {
                real.setAutoCommit(true);
                transaction.autoCommit = true;
            }
        }
    }

    /**
     * A batch as sqlite-jdbc, H2 and MariaDB's Statement batch run it: item by item (in autocommit mode each its own
     * transaction and ledger entry, committed as it completes); after a failing item the batch ends or goes on as
     * the raw driver's does ({@link AutocommitBatch}).
     */
    private <T> T executeItemByItem(ExecutionContext ctx, Statement statement, List<BatchItem> items, AutocommitBatch semantics,
                                    boolean prepared, Function<long[], T> fromCounts) throws SQLException {
        long[] counts = new long[items.size()];
        List<SQLException> errors = new ArrayList<>();
        BatchKeys keys = new BatchKeys(ctx, node.backend.batchShowsEveryKey(ctx.realStatement() instanceof PreparedStatement, ctx.keyRequest().wantsKeys()));
        int ran = 0;
        for (BatchItem item : items) {
            ran++;
            try {
                counts[ran - 1] = executeBatchItem(ctx, statement, item);
                keys.add(generatedKeys.takeBatchItem(ctx)); // a batch's keys follow their own rules (BatchKeys)
            } catch (SQLException | RuntimeException e) {
                generatedKeys.takeBatchItem(ctx);
                counts[ran - 1] = Statement.EXECUTE_FAILED;
                errors.add(e instanceof SQLException q ? q : new SQLException(e.getMessage(), SqlStates.GENERAL_ERROR, e));
                if (semantics == AutocommitBatch.UNTIL_FAILURE) {
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            throw semantics.failure(prepared, counts, ran, errors);
        }
        generatedKeys.afterBatch(ctx, keys.result());
        return fromCounts.apply(counts);
    }

    private long executeBatchItem(ExecutionContext ctx, Statement statement, BatchItem item) throws SQLException {
        if (statement instanceof PreparedStatement ps) {
            ps.clearParameters();
            item.params().bindRange(ps, 1, item.params().size(), 1);
            return execute(ctx, item.sql(), item.params(), ps::executeUpdate, 0);
        }
        return execute(ctx, item.sql(), Params.NONE, () -> statement.executeUpdate(item.sql()), 0);
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
