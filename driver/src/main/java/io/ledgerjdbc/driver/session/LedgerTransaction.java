package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.driver.LedgerConfig;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.driver.capture.InsertedRow;
import io.ledgerjdbc.driver.capture.Write;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One connection's open transaction: the changes captured in it, the inserted rows still to be read back, its
 * savepoints; it begins (an autocommit write's own transaction), commits (locally with its ledger entry, or through
 * the cluster), rolls back, and ends with the connection.
 *
 * <p>The real connection runs with autocommit off whenever a write is in flight, so a change and its ledger
 * entry always commit together. When the application is in autocommit mode, each write statement runs in
 * its own real transaction, committed with its entry (none when it changed no rows); reads run untouched.
 * In an explicit transaction the captured changes accumulate and become one entry at {@link #commit()};
 * savepoints trim them exactly. A failure after a write already ran (capture could not finish) makes the
 * transaction rollback-only: committing it would record less than it changed.
 *
 * <p>Threading: one connection's, used by one thread at a time as JDBC allows; not thread-safe.
 */
final class LedgerTransaction {

    private final Connection real;
    private final LedgerDatabase database;
    private final LedgerConfig config;
    /** The changes captured so far, in order; capture and DDL add to them, savepoints cut them back. */
    final List<Change> pending = new ArrayList<>();
    /** Rows INSERTs made whose images are read later, in one statement (see InsertReadBack); they follow pending. */
    final List<InsertedRow> toRead = new ArrayList<>();
    /** The tables this transaction adopted: their ledger_meta rows are not committed (see Adoptions). */
    final java.util.Set<String> adoptedHere = new java.util.HashSet<>();
    /** Set when the autocommit write committed itself with its entry ({@link #withEntry}): commit then only clears. */
    private boolean committedWithWrite;
    /** The driver's own statements on this connection, prepared once (see CaptureStatements). */
    final CaptureStatements statements;
    private final Map<Savepoint, Integer> savepointMarks = new IdentityHashMap<>();
    /** The application's autocommit mode (the real connection's is off while a write is in flight). */
    boolean autoCommit;
    /** Why the open transaction can only roll back, or null. */
    String rollbackOnly;
    /** The ledger insert, prepared once per connection: preparing it per commit was a large share of the cost. */
    private PreparedStatement insertEntry;
    /** SQLite: whether this transaction already holds the write lock (see {@link #takeSqliteWriteLock}). */
    private boolean sqliteWriteLock;

    LedgerTransaction(Connection real, LedgerDatabase database, LedgerConfig config) throws SQLException {
        this.real = real;
        this.database = database;
        this.config = config;
        this.autoCommit = real.getAutoCommit();
        this.statements = new CaptureStatements(real, database.catalog());
    }

    boolean getAutoCommit() throws SQLException {
        real.isClosed(); // a closed connection must still fail the way the real driver does
        return autoCommit;
    }

    void setAutoCommit(boolean on) throws SQLException {
        if (on && !autoCommit) {
            commit(); // JDBC: switching autocommit on commits the open transaction
        }
        real.setAutoCommit(on);
        autoCommit = on;
    }

    void commit() throws SQLException {
        commit(false);
    }

    /**
     * @param endsImplicit whether this commit ends an autocommit write's own transaction. On H2 that commit is
     *                     made by switching autocommit back on: H2 commits then, and {@code commit()} followed by
     *                     {@code setAutoCommit(true)} would commit twice (the second time empty, but not free).
     */
    void commit(boolean endsImplicit) throws SQLException {
        if (committedWithWrite) {
            clearTransaction(); // the write committed itself, with its entry (see withEntry)
            return;
        }
        boolean byAutoCommit = endsImplicit && database.backend().commitsByAutoCommit();
        if (rollbackOnly != null) {
            String why = rollbackOnly;
            rollback();
            throw new SQLException("transaction rolled back: " + why, SqlStates.SERIALIZATION_FAILURE);
        }
        if (aborted()) {
            // nothing can commit: the raw connection's commit() ends it as the raw driver does (pgjdbc: a silent
            // rollback) and nothing is recorded
            try {
                real.commit();
            } finally {
                clearTransaction();
            }
            return;
        }
        try {
            readInserted();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            clearTransaction();
            throw e;
        }
        if (pending.isEmpty()) {
            if (byAutoCommit) {
                real.setAutoCommit(true);
            } else {
                real.commit();
            }
            return;
        }
        if (database.clustered()) {
            commitThroughCluster();
            return;
        }
        try {
            if (insertEntry == null) {
                insertEntry = real.prepareStatement(io.ledgerjdbc.ledger.store.LedgerStore.INSERT_ENTRY);
            }
            long start = System.nanoTime();
            database.appendAndCommit(real, statements, insertEntry, config.node(), database.nextTxId(), List.copyOf(pending), byAutoCommit);
            database.metrics().appended(pending, System.nanoTime() - start);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        } finally {
            clearTransaction();
        }
    }

    /** PostgreSQL: whether a failed statement aborted the transaction (it can then only roll back). */
    private boolean aborted() throws SQLException {
        return database.backend().transactionAborted(real);
    }

    /**
     * In a cluster the local transaction was a rehearsal: its captured changes are the write-set. It is rolled
     * back before the write-set is ordered, so it holds no lock while the applier (which applies the write-set
     * here too, in log order) needs them; SQLite's single writer could otherwise deadlock against it.
     */
    private void commitThroughCluster() throws SQLException {
        List<Change> changes = List.copyOf(pending);
        try {
            real.rollback();
        } finally {
            clearTransaction();
        }
        long start = System.nanoTime();
        database.replicate(config.node(), database.nextTxId(), changes);
        database.metrics().appended(changes, System.nanoTime() - start);
    }

    void rollback() throws SQLException {
        try {
            real.rollback();
        } finally {
            clearTransaction();
        }
    }

    Savepoint setSavepoint(String name) throws SQLException {
        readInsertedOrFail(); // rows inserted before the savepoint are read now, so a rollback to it drops only later ones
        Savepoint sp = name == null ? real.setSavepoint() : real.setSavepoint(name);
        savepointMarks.put(sp, pending.size());
        return sp;
    }

    void rollback(Savepoint savepoint) throws SQLException {
        real.rollback(savepoint);
        toRead.clear(); // all inserted after the latest savepoint (setSavepoint reads the earlier ones)
        Integer mark = savepointMarks.get(savepoint);
        if (mark != null) {
            pending.subList(mark, pending.size()).clear();
            savepointMarks.values().removeIf(m -> m > mark);
        }
    }

    void releaseSavepoint(Savepoint savepoint) throws SQLException {
        real.releaseSavepoint(savepoint);
        savepointMarks.remove(savepoint);
    }

    void close() throws SQLException {
        try {
            if (!real.isClosed() && !real.getAutoCommit()) {
                real.rollback();
            }
        } finally {
            clearTransaction();
            insertEntry = null; // closed with the connection
            database.capture().detach(real);
            statements.close();
            real.close();
        }
    }

    void abort(Executor executor) throws SQLException {
        // Not cleared: abort may be a no-op (H2) or asynchronous (PostgreSQL), so the connection can still be
        // used, and its open transaction must then never commit without its captured changes.
        rollbackOnly = "the connection was aborted";
        database.capture().detach(real);
        real.abort(executor);
    }

    void clearTransaction() {
        committedWithWrite = false;
        sqliteWriteLock = false;
        pending.clear();
        toRead.clear();
        adoptedHere.clear();
        savepointMarks.clear();
        rollbackOnly = null;
    }

    void rollbackQuietly(Throwable cause) {
        try {
            real.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Rolls back an autocommit write's own transaction part-way, after which capture may run the write another way:
     * the transaction is opened again, so that still runs as one (a backend that opens it with a statement, MariaDB's
     * {@code START TRANSACTION}, would otherwise run it statement by statement in autocommit).
     */
    private void rollbackOwnTransaction(Throwable cause) {
        rollbackQuietly(cause);
        try {
            database.backend().beginAutocommitWrite(real);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * For the autocommit write {@code sql} of a PreparedStatement that asked for no generated keys: runs it with its
     * pending ledger entry and the commit in one round trip, once capture knows its changes before it runs (see
     * {@link Write.WithEntry}); null where the write cannot travel so (another database, a cluster, a transaction
     * with earlier changes, a statement that cannot be followed by another).
     */
    <T> Write.WithEntry<T> withEntry(ExecutionContext ctx, String sql, int paramCount, Params params, T ifNotRun) {
        if (!runsAlone(ctx, ifNotRun)) {
            return null;
        }
        if (!database.combinesWithEntry(sql)) {
            return null;
        }
        return (table, changes) -> {
            List<Change> entry = List.copyOf(changes);
            Backend backend = database.backend();
            String quoted = (table.schema() == null ? "" : backend.quote(table.schema()) + ".") + backend.quote(table.name());
            ctx.resultIsUpdateCount(-1); // until it succeeds: a failed execution has no update count
            long start = System.nanoTime();
            long count;
            try {
                count = database.runWithEntryAndCommit(real, statements, sql, paramCount, params, quoted, table.columns().size(),
                        ctx.realStatement().getQueryTimeout(), config.node(), database.nextTxId(), entry);
            } catch (SQLException e) {
                rollbackOwnTransaction(e); // the transaction failed whole; a retry (TableChanged) starts a new one
                throw e;
            }
            database.metrics().appended(entry, System.nanoTime() - start);
            committedWithWrite = true;
            if (count != entry.size()) {
                throw new SQLException("LedgerJDBC committed a write whose update count " + count + " is not the " + entry.size()
                        + " rows its ledger entry records: a rule or trigger created outside the driver changes this table",
                        SqlStates.GENERAL_ERROR);
            }
            ctx.resultIsUpdateCount(count);
            return asResult(ifNotRun, count);
        };
    }

    /**
     * For the write {@code sql} of a PreparedStatement that asked for no generated keys: runs a statement of capture's
     * own in its place, in the write's transaction (see {@link Write.Instead}); {@code shown} is told once it ran (the
     * application's statement then shows no generated keys, as raw). Null where it cannot run so: a write in a
     * transaction that must roll back, run by executeQuery.
     */
    <T> Write.Instead<T> instead(ExecutionContext ctx, String sql, Params params, T ifNotRun, Runnable shown) {
        if (!countResult(ifNotRun) || rollbackOnly != null || !ctx.runsPreparedSql() || ctx.keyRequest().wantsKeys()) {
            return null;
        }
        boolean ownTransaction = autoCommit && pending.isEmpty() && toRead.isEmpty();
        return new Write.Instead<>() {
            @Override
            public String sql() {
                return sql;
            }

            @Override
            public boolean ownTransaction() {
                return ownTransaction;
            }

            @Override
            public T run(String own, int[][] paramRanges, Write.Rows rows) throws SQLException {
                ctx.resultIsUpdateCount(-1); // until it succeeds: a failed execution has no update count
                java.sql.ResultSet rs;
                try {
                    PreparedStatement ps = statements.statement(own);
                    ps.setQueryTimeout(ctx.realStatement().getQueryTimeout());
                    int at = 1;
                    for (int[] range : paramRanges) {
                        params.bindRange(ps, range[0], range[1], at);
                        at += range[1];
                    }
                    rs = ps.executeQuery();
                } catch (SQLException | RuntimeException e) {
                    if (ownTransaction) {
                        rollbackOwnTransaction(e); // the write's own transaction, failed whole: capture may start another
                    } else if (e instanceof SQLException s && database.backend().outdatedByTableChange(s)) {
                        // the driver's statement, not the application's, outlived the table's shape: retry (the
                        // database prepares it anew next time)
                        database.catalog().invalidate(); // (nothing ran: a savepoint before it still recovers)
                        throw new SQLException("LedgerJDBC: a table changed behind the driver; its metadata was reloaded, roll back"
                                + " and retry (" + s.getMessage() + ")", SqlStates.SERIALIZATION_FAILURE, s);
                    }
                    throw e;
                }
                long count;
                try (rs) {
                    count = rows.read(rs);
                } catch (SQLException | RuntimeException e) {
                    if (ownTransaction) {
                        rollbackOwnTransaction(e); // nothing stays of it: capture may run the write again
                        throw e;
                    }
                    rollbackOnly = "a write ran but its capture failed (" + e.getMessage() + ")";
                    // not TableChanged, which the session would answer by capturing the write again
                    if (e instanceof io.ledgerjdbc.driver.capture.TableChanged) {
                        database.catalog().invalidate(); // another process changed the table: reload its metadata
                        throw new SQLException(e.getMessage(), SqlStates.SERIALIZATION_FAILURE, e);
                    }
                    throw e;
                }
                shown.run();
                ctx.resultIsUpdateCount(count);
                return asResult(ifNotRun, count);
            }
        };
    }

    /** Whether a write runs in a transaction of its own, on a PreparedStatement, asked for an update count and no keys. */
    private boolean runsAlone(ExecutionContext ctx, Object ifNotRun) {
        // adoptedHere: the write's transaction already holds the adoption's mark, which a rollback and rerun would lose
        return autoCommit && countResult(ifNotRun) && pending.isEmpty() && toRead.isEmpty() && adoptedHere.isEmpty() && rollbackOnly == null
                && ctx.runsPreparedSql() && !ctx.keyRequest().wantsKeys();
    }

    /** Whether the JDBC method whose not-run result is {@code ifNotRun} returns an update count (not executeQuery). */
    private static boolean countResult(Object ifNotRun) {
        return ifNotRun instanceof Boolean || ifNotRun instanceof Integer || ifNotRun instanceof Long;
    }

    /** {@code count} as the JDBC method whose not-run result is {@code ifNotRun} returns it. */
    @SuppressWarnings("unchecked")
    private static <T> T asResult(T ifNotRun, long count) {
        if (ifNotRun instanceof Boolean) {
            return (T) Boolean.FALSE; // execute(): the first result is an update count
        }
        return ifNotRun instanceof Long ? (T) Long.valueOf(count) : (T) Integer.valueOf((int) count);
    }

    /**
     * Opens the real transaction for one autocommit write ({@link io.ledgerjdbc.driver.backend.Backend#beginAutocommitWrite}
     * for a row write). If that fails half-way (sqlite-jdbc flips its flag before its BEGIN runs), the flag is put
     * back, so the write can never run outside a transaction.
     */
    void beginImplicit(boolean ddl) throws SQLException {
        try {
            if (ddl) {
                real.setAutoCommit(false);
            } else {
                database.backend().beginAutocommitWrite(real);
            }
        } catch (SQLException e) {
            try {
                real.setAutoCommit(true);
            } catch (SQLException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
    }

    /**
     * SQLite: capture reads rows before it writes them. In a deferred transaction that read takes a shared
     * lock, and two connections that both read and then write deadlock (SQLITE_BUSY at once, no waiting). A
     * write to the ledger's own meta row first takes the write lock, waiting politely (busy_timeout) like any
     * SQLite writer, so the read-then-write that follows cannot deadlock.
     */
    void takeSqliteWriteLock() throws SQLException {
        if (!database.backend().takesWriteLockFirst() || sqliteWriteLock) {
            return;
        }
        statements.statement("UPDATE ledger_meta SET meta_value = meta_value WHERE meta_key = 'schema_version'").executeUpdate();
        sqliteWriteLock = true;
    }

    /** Reads the rows earlier INSERTs made (see InsertReadBack) into the pending changes, in order. */
    void readInserted() throws SQLException {
        if (!toRead.isEmpty()) {
            List<Change> changes = new ArrayList<>(database.capture().readInserted(real, toRead));
            toRead.clear();
            pending.addAll(changes);
        }
    }

    /** {@link #readInserted} where a failure leaves a transaction whose writes ran but are not all captured. */
    void readInsertedOrFail() throws SQLException {
        try {
            readInserted();
        } catch (SQLException | RuntimeException e) {
            rollbackOnly = "the rows earlier INSERTs made could not be read back (" + e.getMessage() + ")";
            throw e;
        }
    }
}
