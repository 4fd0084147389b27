package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.database.LedgerDatabase;

import io.ledgerjdbc.driver.backend.AutocommitBatch;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.jdbc.BatchItem;
import io.ledgerjdbc.driver.jdbc.BatchKeys;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.jdbc.Session;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a JDBC batch: a batch of reads as the raw driver does; a batch with writes item by item through the
 * session, each item captured as the same statement alone would be, with the transactions, counts and failures the
 * raw driver's batch has ({@link AutocommitBatch}).
 *
 * <p>Threading: one connection's, used by one thread at a time as JDBC allows; not thread-safe.
 */
final class BatchExecution {

    private final Connection real;
    private final LedgerDatabase database;
    private final LedgerTransaction transaction;
    private final GeneratedKeys generatedKeys;
    /** Where each item runs, as a single statement would (the connection's session). */
    private final Session session;
    private final WriteCapture writes;

    BatchExecution(Connection real, LedgerDatabase database, LedgerTransaction transaction, GeneratedKeys generatedKeys, Session session,
                   WriteCapture writes) {
        this.writes = writes;
        this.real = real;
        this.database = database;
        this.transaction = transaction;
        this.generatedKeys = generatedKeys;
        this.session = session;
    }

    /**
     * A batch containing writes runs item by item through the same capture as single statements. Inside a
     * transaction a failing item ends it with the usual BatchUpdateException and the counts of the items before it.
     * In autocommit mode it keeps what the raw driver keeps ({@link AutocommitBatch}): one transaction and entry for
     * the whole batch where the raw driver's batch is atomic (PostgreSQL, MariaDB's prepared batch), otherwise one
     * per item. An atomic prepared batch of INSERTs whose rows are read back later by their keys
     * ({@link WriteCapture#deferredInsertRows}) is captured item by item but sent as the raw driver's own batch, in
     * one round trip as raw: its counts and its failure are the raw driver's.
     */
    <T> T executeBatch(ExecutionContext ctx, List<BatchItem> items, RealCall<T> call, Function<long[], T> fromCounts)
            throws SQLException {
        boolean allReads = true;
        for (BatchItem item : items) {
            allReads &= database.analyzer().analyze(item.sql()) instanceof Analysis.Read;
        }
        if (allReads || items.isEmpty()) {
            return call.call();
        }
        Statement statement = ctx.realStatement();
        statement.clearBatch();
        boolean implicit = transaction.autoCommit;
        boolean prepared = statement instanceof PreparedStatement;
        // the raw driver's semantics hold inside a transaction too: items run (and fail) one by one, or as one statement
        AutocommitBatch semantics = database.backend().autocommitBatch(prepared);
        if (semantics != AutocommitBatch.ATOMIC) {
            return executeItemByItem(ctx, statement, items, semantics, prepared, fromCounts);
        }
        if (implicit) {
            transaction.setAutoCommit(false);
        }
        // MariaDB undoes a failed bulk batch as one statement and keeps the transaction; PostgreSQL aborts it whole
        Savepoint undo = !implicit && database.backend().undoesFailedBatchAsOneStatement() ? transaction.setSavepoint(null) : null;
        String markBefore = transaction.rollbackOnly;
        long[] counts = new long[items.size()];
        int done = 0;
        BatchKeys keys = new BatchKeys(ctx, database.backend().batchShowsEveryKey(ctx.realStatement() instanceof PreparedStatement, ctx.keyRequest().wantsKeys()));
        int queuedRows = -1;
        int toReadMark = transaction.toRead.size();
        SQLException realBatchFailure = null;
        try {
            if (statement instanceof PreparedStatement && !ctx.keyRequest().wantsKeys()) {
                queuedRows = writes.deferredInsertRows(items.get(0).sql());
            }
            for (BatchItem item : items) {
                counts[done] = queuedRows > 0 ? queueBatchItem(ctx, (PreparedStatement) statement, item, queuedRows)
                        : executeBatchItem(ctx, statement, item);
                keys.add(generatedKeys.takeBatchItem(ctx));
                done++;
            }
            if (queuedRows > 0) {
                int[] real;
                try {
                    real = ((PreparedStatement) statement).executeBatch();
                } catch (SQLException e) {
                    realBatchFailure = e;
                    throw e;
                }
                counts = queuedCounts(real, queuedRows);
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
            if (queuedRows > 0) {
                try {
                    statement.clearBatch(); // an item failed in capture: the items queued before it must not run later
                } catch (SQLException c) {
                    e.addSuppressed(c);
                }
                if (!implicit && undo == null) {
                    // none of the batch's rows is in the transaction now (nothing ran, or the failed batch was undone,
                    // e.g. by pgjdbc's autosave, or aborted the transaction): they must not be read back at commit
                    transaction.toRead.subList(Math.min(toReadMark, transaction.toRead.size()), transaction.toRead.size()).clear();
                }
            }
            if (e == realBatchFailure) {
                throw realBatchFailure; // the raw driver's own batch failed: its exception is what raw gives
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
        BatchKeys keys = new BatchKeys(ctx, database.backend().batchShowsEveryKey(ctx.realStatement() instanceof PreparedStatement, ctx.keyRequest().wantsKeys()));
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

    /**
     * Captures {@code item} as its execution alone would be (see {@link WriteCapture#deferredInsertRows}: nothing is read
     * before it, its rows are read back later), but adds it to {@code ps}'s batch instead of running it.
     */
    private long queueBatchItem(ExecutionContext ctx, PreparedStatement ps, BatchItem item, int rows) throws SQLException {
        ps.clearParameters();
        item.params().bindRange(ps, 1, item.params().size(), 1);
        int before = transaction.toRead.size();
        long count = session.execute(ctx, item.sql(), item.params(), () -> {
            ps.addBatch();
            return rows;
        }, 0);
        if (transaction.toRead.size() != before + rows) {
            // captured another way than by reading its rows back later (its table changed since the batch was
            // planned), though the statement has not run: nothing of it may commit
            throw inconsistent("an item was captured as a statement that had run, but it was only queued");
        }
        return count;
    }

    /**
     * The counts of the batch {@link #queueBatchItem} built, as the raw driver gave them. Each item must have inserted
     * the {@code rows} capture recorded for it (or the driver says only that it succeeded: an INSERT … VALUES without
     * a conflict clause inserts all its rows or fails); anything else leaves changes capture did not see.
     */
    private long[] queuedCounts(int[] real, int rows) throws SQLException {
        long[] counts = new long[real.length];
        for (int i = 0; i < real.length; i++) {
            if (real[i] != rows && real[i] != Statement.SUCCESS_NO_INFO) {
                throw inconsistent("item " + (i + 1) + " inserted " + real[i] + " rows where " + rows + " were captured");
            }
            counts[i] = real[i];
        }
        return counts;
    }

    /** The transaction may only roll back: it holds (or would hold) changes capture did not record as they are. */
    private SQLException inconsistent(String detail) {
        transaction.rollbackOnly = "a batch could not be captured consistently: " + detail;
        return new SQLException("LedgerJDBC could not capture this batch consistently: " + detail + "; the transaction must be rolled back",
                SqlStates.SERIALIZATION_FAILURE);
    }

    private long executeBatchItem(ExecutionContext ctx, Statement statement, BatchItem item) throws SQLException {
        if (statement instanceof PreparedStatement ps) {
            ps.clearParameters();
            item.params().bindRange(ps, 1, item.params().size(), 1);
            return session.execute(ctx, item.sql(), item.params(), ps::executeUpdate, 0);
        }
        return session.execute(ctx, item.sql(), Params.NONE, () -> statement.executeUpdate(item.sql()), 0);
    }
}
