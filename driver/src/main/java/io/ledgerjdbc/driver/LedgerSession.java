package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.backend.AutocommitBatch;
import io.ledgerjdbc.driver.backend.ReturnedRows;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.driver.capture.InsertedRow;
import io.ledgerjdbc.driver.schema.NotATable;
import io.ledgerjdbc.driver.capture.CaptureConflict;
import io.ledgerjdbc.driver.capture.CaptureRefusal;
import io.ledgerjdbc.driver.capture.Captured;
import io.ledgerjdbc.driver.capture.ReferentialActions;
import io.ledgerjdbc.driver.capture.TableChanged;
import io.ledgerjdbc.driver.sql.SequenceReads;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.capture.StatementResults;
import io.ledgerjdbc.driver.capture.Write;
import io.ledgerjdbc.driver.capture.WriteFacts;
import io.ledgerjdbc.driver.jdbc.BatchItem;
import io.ledgerjdbc.driver.jdbc.BatchKeys;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.KeyRequest;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.jdbc.Session;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.sql.rowset.CachedRowSet;

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
    /** The generated key PostgreSQL is asked for when an INSERT into a key-less table runs (see KeylessCapture). */
    private static final String[] ROW_IDS = {"ctid"};

    private final Connection real;
    private final LedgerNode node;
    private final LedgerConfig config;
    /** {@code ledger.readConsistency=linearizable}, read once: the check sits on every query's path. */
    private final boolean linearizableReads;
    private final List<Change> pending = new ArrayList<>();
    /** Rows INSERTs made whose images are read later, in one statement (see InsertReadBack); they follow pending. */
    private final List<InsertedRow> toRead = new ArrayList<>();
    /** The driver's own statements on this connection, prepared once (see CaptureStatements). */
    private final CaptureStatements statements;
    private final Map<Savepoint, Integer> savepointMarks = new IdentityHashMap<>();
    private final GeneratedKeys generatedKeys;
    /** Per write statement (by its cached analysis' identity): see {@link #plan}. */
    private final Map<Analysis, WritePlan> plans = new IdentityHashMap<>();
    private static final int MAX_PLANS = 256;
    /**
     * How often an autocommit write runs when capture cannot tell exactly which rows it changed because another
     * transaction moved rows meanwhile (CaptureConflict): each attempt is rolled back whole, so running it again is
     * what the raw statement would have done a moment later. Bounded, so that a hot spot still fails (40001).
     */
    private static final int CAPTURE_ATTEMPTS = 4;
    private boolean autoCommit;
    private String rollbackOnly;
    /** The ledger insert, prepared once per connection: preparing it per commit was a large share of the cost. */
    private PreparedStatement insertEntry;
    /** SQLite: whether this transaction already holds the write lock (see {@link #takeSqliteWriteLock}). */
    private boolean sqliteWriteLock;

    LedgerSession(Connection real, LedgerNode node, LedgerConfig config) throws SQLException {
        this.real = real;
        this.node = node;
        this.config = config;
        this.linearizableReads = config.linearizableReads();
        this.autoCommit = real.getAutoCommit();
        this.statements = new CaptureStatements(real, node.catalog);
        this.generatedKeys = new GeneratedKeys(real, node.backend);
        node.capture.attach(real, statements);
    }

    // ---- transactions ------------------------------------------------------------------------------

    @Override
    public boolean getAutoCommit() throws SQLException {
        real.isClosed(); // a closed connection must still fail the way the real driver does
        return autoCommit;
    }

    @Override
    public void setAutoCommit(boolean on) throws SQLException {
        if (on && !autoCommit) {
            commit(); // JDBC: switching autocommit on commits the open transaction
        }
        real.setAutoCommit(on);
        autoCommit = on;
    }

    @Override
    public void commit() throws SQLException {
        commit(false);
    }

    /**
     * @param endsImplicit whether this commit ends an autocommit write's own transaction. On H2 that commit is
     *                     made by switching autocommit back on: H2 commits then, and {@code commit()} followed by
     *                     {@code setAutoCommit(true)} would commit twice (the second time empty, but not free).
     */
    private void commit(boolean endsImplicit) throws SQLException {
        boolean byAutoCommit = endsImplicit && node.backend.commitsByAutoCommit();
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
        if (node.clustered()) {
            commitThroughCluster();
            return;
        }
        try {
            if (insertEntry == null) {
                insertEntry = real.prepareStatement(io.ledgerjdbc.ledger.store.LedgerStore.INSERT_ENTRY);
            }
            long start = System.nanoTime();
            node.appendAndCommit(real, statements, insertEntry, config.node(), node.nextTxId(), List.copyOf(pending), byAutoCommit);
            node.metrics.appended(pending, System.nanoTime() - start);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        } finally {
            clearTransaction();
        }
    }

    /** PostgreSQL: whether a failed statement aborted the transaction (it can then only roll back). */
    private boolean aborted() throws SQLException {
        return node.backend.transactionAborted(real);
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
        node.replicate(config.node(), node.nextTxId(), changes);
        node.metrics.appended(changes, System.nanoTime() - start);
    }

    @Override
    public void rollback() throws SQLException {
        try {
            real.rollback();
        } finally {
            clearTransaction();
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        readInsertedOrFail(); // rows inserted before the savepoint are read now, so a rollback to it drops only later ones
        Savepoint sp = name == null ? real.setSavepoint() : real.setSavepoint(name);
        savepointMarks.put(sp, pending.size());
        return sp;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        real.rollback(savepoint);
        toRead.clear(); // all inserted after the latest savepoint (setSavepoint reads the earlier ones)
        Integer mark = savepointMarks.get(savepoint);
        if (mark != null) {
            pending.subList(mark, pending.size()).clear();
            savepointMarks.values().removeIf(m -> m > mark);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        real.releaseSavepoint(savepoint);
        savepointMarks.remove(savepoint);
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!real.isClosed() && !real.getAutoCommit()) {
                real.rollback();
            }
        } finally {
            clearTransaction();
            insertEntry = null; // closed with the connection
            node.capture.detach(real);
            statements.close();
            real.close();
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        // Not cleared: abort may be a no-op (H2) or asynchronous (PostgreSQL), so the connection can still be
        // used, and its open transaction must then never commit without its captured changes.
        rollbackOnly = "the connection was aborted";
        node.capture.detach(real);
        real.abort(executor);
    }

    private void clearTransaction() {
        sqliteWriteLock = false;
        pending.clear();
        toRead.clear();
        savepointMarks.clear();
        rollbackOnly = null;
    }

    private void rollbackQuietly(Throwable cause) {
        try {
            real.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    // ---- statements --------------------------------------------------------------------------------

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
        Analysis a = node.analyzer.analyze(sql);
        if (a instanceof Analysis.Delete) {
            KeyRequest k = node.capture.changedRows().forDelete();
            return k != null ? k : KeyRequest.NONE; // see ChangedRows
        }
        if (!(a instanceof Analysis.Insert || a instanceof Analysis.InsertSelect || a instanceof Analysis.Update)) {
            return KeyRequest.NONE;
        }
        if (node.backend.returnsRowIds() && needsReturnedRows(a)) {
            return KeyRequest.names(ROW_IDS); // see KeylessCapture
        }
        // only where the UPDATE can return its rows: the table's metadata read would otherwise come first (SQLite:
        // a read before the write lock, which a concurrent writer's commit then refuses at once with SQLITE_BUSY)
        if (a instanceof Analysis.Update u && node.backend.updateReturns() != ReturnedRows.NOTHING) {
            try {
                TableInfo t = node.catalog.table(real, u.table());
                KeyRequest k = t.hasPrimaryKey() ? node.capture.changedRows().forUpdate(t) : null;
                return k != null ? k : KeyRequest.NONE; // see ChangedRows
            } catch (SQLException unknownTable) {
                return KeyRequest.NONE; // the statement will fail on its own, with the database's error
            }
        }
        try {
            return a instanceof Analysis.Insert ins && needsGeneratedKeys(ins)
                    || a instanceof Analysis.InsertSelect is && !node.backend.generatedKeyIsRowid() && keyLeftOut(is.table(), is.columns())
                    ? KeyRequest.AUTO : KeyRequest.NONE;
        } catch (SQLException unknownTable) {
            return KeyRequest.NONE; // the statement will fail on its own, with the database's error
        }
    }

    /** PostgreSQL, an INSERT into a table without a primary key: capture reads its rows by the ctids it returns. */
    private boolean needsReturnedRows(Analysis a) {
        return a instanceof Analysis.Insert ins && needsReturnedRows(ins.table())
                || a instanceof Analysis.InsertSelect is && needsReturnedRows(is.table())
                || a instanceof Analysis.Update u && needsReturnedRows(u.table());
    }

    /** PostgreSQL, a table without a primary key: capture reads an INSERT's rows by the ctids it returns. */
    private boolean needsReturnedRows(Analysis.TableRef ref) {
        try {
            return node.capture.needsReturnedRows(node.catalog.table(real, ref));
        } catch (SQLException unknownTable) {
            return false; // the statement will fail on its own, with the database's error
        }
    }

    /** Whether an INSERT into {@code ref} naming {@code columns} leaves a primary-key column to the database. */
    private boolean keyLeftOut(Analysis.TableRef ref, List<String> columns) {
        try {
            TableInfo t = node.catalog.table(real, ref);
            return t.hasPrimaryKey() && !columns.isEmpty()
                    && t.primaryKey().stream().anyMatch(k -> columns.stream().noneMatch(c -> c.equalsIgnoreCase(k.name())));
        } catch (SQLException unknownTable) {
            return false;
        }
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
            if (!pending.isEmpty() || !toRead.isEmpty()) {
                refuseImplicitCommit(sql);
            }
            if (linearizableReads && node.clustered()) {
                node.awaitClusterBarrier();
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
        if (rollbackOnly != null) {
            throw new SQLException("the transaction must be rolled back: " + rollbackOnly, SqlStates.SERIALIZATION_FAILURE);
        }
        if (!(a instanceof Analysis.Insert)) {
            // only a plain INSERT leaves the rows earlier INSERTs made as they were: read those now
            readInsertedOrFail();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return executeWrite(ctx, a, sql, params, call, ifNotRun);
            } catch (CaptureConflict e) {
                if (!autoCommit || attempt == CAPTURE_ATTEMPTS) {
                    throw e;
                }
                // the statement was its own transaction, rolled back whole: run it again (see CaptureConflict)
            }
        }
    }

    /** One run of a write statement, in its own transaction when the application is in autocommit mode. */
    private <T> T executeWrite(ExecutionContext ctx, Analysis a, String sql, Params params, RealCall<T> call, T ifNotRun)
            throws SQLException {
        boolean implicit = autoCommit;
        if (implicit) {
            beginImplicit();
        }
        boolean ran = false;
        try {
            T result;
            if (a instanceof Analysis.Ddl ddl) {
                result = node.clustered() ? orderDdl(ddl, sql, ifNotRun) : executeDdl(ddl, sql, call, implicit);
            } else {
                Tracked<T> tracked = new Tracked<>(call);
                try {
                    try {
                        result = a instanceof Analysis.Upsert up ? captureUpsert(up, ctx, params, tracked)
                                : captureWrite(a, ctx, params, tracked);
                    } catch (NotATable missing) {
                        result = failAsTheDatabaseWould(missing, call);
                    } catch (TableChanged stale) {
                        node.catalog.invalidate(); // another process changed the table: reload its metadata
                        if (tracked.ran) {
                            throw stale;
                        }
                        result = a instanceof Analysis.Upsert up ? captureUpsert(up, ctx, params, tracked)
                                : captureWrite(a, ctx, params, tracked); // nothing ran yet: capture again, once
                    }
                } finally {
                    ran = tracked.ran;
                }
            }
            if (implicit) {
                commit(true);
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            if (implicit) {
                rollbackQuietly(e);
                clearTransaction();
            } else if (ran) {
                rollbackOnly = "a write ran but its capture failed (" + e.getMessage() + ")";
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
     * On MariaDB and H2 some statements that change no rows still commit the open transaction (LOCK TABLES,
     * ANALYZE, most SET commands); the captured changes would then commit without their entry. With changes
     * pending, only plain queries and variable assignments are let through.
     */
    private void refuseImplicitCommit(String sql) throws SQLException {
        if (!node.backend.hasImplicitCommits()) {
            return;
        }
        String head = sql.stripLeading().toUpperCase(java.util.Locale.ROOT);
        boolean query = head.startsWith("SELECT") || head.startsWith("WITH") || head.startsWith("VALUES")
                || head.startsWith("TABLE") || head.startsWith("SHOW") || head.startsWith("EXPLAIN")
                || head.startsWith("DESC") || head.startsWith("(") || head.startsWith("SET @");
        if (!query) {
            throw CaptureRefusal.of("a statement that commits implicitly inside a transaction with captured changes",
                    "on this database it would commit them without their ledger entry; commit() first");
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

    /**
     * Opens the real transaction for one autocommit write. If that fails half-way (sqlite-jdbc flips its flag
     * before its BEGIN runs), the flag is put back, so the write can never run outside a transaction.
     */
    private void beginImplicit() throws SQLException {
        try {
            real.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                real.setAutoCommit(true);
            } catch (SQLException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
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

    /**
     * SQLite: capture reads rows before it writes them. In a deferred transaction that read takes a shared
     * lock, and two connections that both read and then write deadlock (SQLITE_BUSY at once, no waiting). A
     * write to the ledger's own meta row first takes the write lock, waiting politely (busy_timeout) like any
     * SQLite writer, so the read-then-write that follows cannot deadlock.
     */
    private void takeSqliteWriteLock() throws SQLException {
        if (!node.backend.takesWriteLockFirst() || sqliteWriteLock) {
            return;
        }
        statements.statement("UPDATE ledger_meta SET meta_value = meta_value WHERE meta_key = 'schema_version'").executeUpdate();
        sqliteWriteLock = true;
    }

    /** Adoption changes for the table a write is about to touch (see {@link LedgerNode#adopt}). */
    private void adopt(TableInfo t) throws SQLException {
        List<Change> rows = node.adopt(real, t);
        if (!rows.isEmpty()) {
            readInserted();
            pending.addAll(rows);
        }
    }

    private <T> T captureUpsert(Analysis.Upsert up, ExecutionContext ctx, Params params, RealCall<T> call) throws SQLException {
        takeSqliteWriteLock();
        TableInfo t = node.catalog.table(real, up.core().table());
        adopt(t);
        node.actions.refuseUnfollowable(real, t, up.construct());
        Captured<T> captured = node.capture.upsert(up, new Write<>(real, t, params, ctx, call, results(ctx), WriteFacts.NONE, false));
        return record(captured);
    }

    /**
     * A write statement's table and the facts capture works out from it once (see WriteFacts), kept per cached
     * analysis while the catalog's metadata is unchanged ({@code generation}).
     */
    private record WritePlan(long generation, TableInfo table, WriteFacts facts) {
    }

    /** The plan of the write {@code a} on {@code ref}, worked out on its first execution after DDL. */
    private WritePlan plan(Analysis a, Analysis.TableRef ref) throws SQLException {
        long generation = node.catalog.generation(); // read before the table: an invalidation in between shows next time
        WritePlan p = plans.get(a);
        if (p != null && p.generation() == generation) {
            return p;
        }
        TableInfo t = node.catalog.table(real, ref);
        p = new WritePlan(generation, t, node.capture.facts(a, t));
        if (plans.size() >= MAX_PLANS) {
            plans.clear(); // an application with this many distinct writes gains little from the cache
        }
        plans.put(a, p);
        return p;
    }

    private <T> T captureWrite(Analysis a, ExecutionContext ctx, Params params, RealCall<T> call) throws SQLException {
        takeSqliteWriteLock();
        Analysis.TableRef ref = a instanceof Analysis.Insert i ? i.table() : a instanceof Analysis.InsertSelect is ? is.table()
                : a instanceof Analysis.Update u ? u.table() : a instanceof Analysis.Merge m ? m.table() : ((Analysis.Delete) a).table();
        WritePlan plan = plan(a, ref);
        TableInfo table = plan.table();
        adopt(table);
        Captured<T> captured;
        if (a instanceof Analysis.Insert ins && !table.hasPrimaryKey()) {
            TableInfo t = table;
            refuseKeylessInsertWithoutRows(t, ctx, "INSERT");
            captured = node.capture.insert(ins, new Write<>(real, t, params, ctx, call, results(ctx), plan.facts(), false));
        } else if (a instanceof Analysis.InsertSelect is) {
            TableInfo t = table;
            if (!t.hasPrimaryKey()) {
                refuseKeylessInsertWithoutRows(t, ctx, "INSERT ... SELECT");
            } else if (!node.backend.generatedKeyIsRowid() && keyLeftOut(is.table(), is.columns())) {
                refuseUnreadableGeneratedKey(t, ctx.keyRequest());
                if (!returnsGeneratedKeys(ctx)) {
                    throw CaptureRefusal.of("an INSERT ... SELECT that leaves its generated key to the database, run by executeQuery or in a Statement batch",
                            "use executeUpdate or execute, or a PreparedStatement, so the keys can be read back");
                }
            }
            captured = node.capture.insertSelect(is, new Write<>(real, t, params, ctx, call, results(ctx), WriteFacts.NONE, false));
        } else if (a instanceof Analysis.Merge m) {
            node.actions.refuseUnfollowable(real, table, "MERGE");
            captured = node.capture.merge(m, new Write<>(real, table, params, ctx, call, results(ctx), WriteFacts.NONE, false));
        } else if (a instanceof Analysis.Insert ins) {
            TableInfo t = table;
            boolean generatedKey = plan.facts().insertColumns() != null ? plan.facts().generatedKey()
                    : io.ledgerjdbc.driver.capture.RowCapture.generatesKey(ins, t);
            if (generatedKey) {
                refuseUnreadableGeneratedKey(t, ctx.keyRequest());
            }
            if (generatedKey && !returnsGeneratedKeys(ctx)) {
                throw CaptureRefusal.of("an INSERT that leaves its generated key to the database, run by executeQuery or in a Statement batch",
                        "use executeUpdate or execute, or a PreparedStatement, so the key can be read back");
            }
            captured = node.capture.insert(ins, new Write<>(real, t, params, ctx, call, results(ctx), plan.facts(), false));
        } else if (a instanceof Analysis.Update u) {
            if (node.capture.needsReturnedRows(table)) {
                refuseWithoutReturnedRows(table, ctx, "UPDATE");
            }
            ReferentialActions.Pending cascade = node.actions.before(real, u, table, params);
            boolean changed = returnsChangedRows(ctx, node.capture.changedRows().forUpdate(table));
            Write<T> write = new Write<>(real, table, params, ctx, call, results(ctx), plan.facts(), changed);
            if (cascade == null) {
                captured = node.capture.update(u, write);
            } else {
                captured = cascade.complete(node.capture.update(u, cascade.around(write)));
            }
        } else if (a instanceof Analysis.Delete d) {
            ReferentialActions.Pending cascade = node.actions.before(real, d, table, params);
            boolean changed = returnsChangedRows(ctx, node.capture.changedRows().forDelete());
            Write<T> write = new Write<>(real, table, params, ctx, call, results(ctx), WriteFacts.NONE, changed);
            captured = cascade == null ? node.capture.delete(d, write) : cascade.complete(node.capture.delete(d, cascade.around(write)));
        } else {
            throw new IllegalStateException("not a row write: " + a);
        }
        return record(captured);
    }

    /** Adds a statement's changes after everything captured before it (reading back earlier inserted rows first). */
    private <T> T record(Captured<T> captured) throws SQLException {
        if (!captured.changes().isEmpty()) {
            readInserted();
            pending.addAll(captured.changes());
        }
        toRead.addAll(captured.toRead());
        return captured.result();
    }

    /** Reads the rows earlier INSERTs made (see InsertReadBack) into the pending changes, in order. */
    private void readInserted() throws SQLException {
        if (!toRead.isEmpty()) {
            List<Change> changes = new ArrayList<>(node.capture.readInserted(real, toRead));
            toRead.clear();
            pending.addAll(changes);
        }
    }

    /** {@link #readInserted} where a failure leaves a transaction whose writes ran but are not all captured. */
    private void readInsertedOrFail() throws SQLException {
        try {
            readInserted();
        } catch (SQLException | RuntimeException e) {
            rollbackOnly = "the rows earlier INSERTs made could not be read back (" + e.getMessage() + ")";
            throw e;
        }
    }

    /**
     * Before an INSERT into a table without a primary key runs: can its rows be followed? On PostgreSQL they are
     * read back by the ctids the statement returns (see {@link #refuseWithoutReturnedRows}).
     */
    private void refuseKeylessInsertWithoutRows(TableInfo t, ExecutionContext ctx, String what) throws SQLException {
        node.capture.refuseUnfollowableKeylessInsert(what, t);
        if (node.capture.needsReturnedRows(t)) {
            refuseWithoutReturnedRows(t, ctx, what);
        }
    }

    /**
     * PostgreSQL, a table without a primary key: the rows an INSERT or UPDATE wrote are read back by the ctids the
     * statement returns, which the driver asks for in place of generated keys (see {@link #keysForCapture}): when it
     * prepares a PreparedStatement, or when a plain Statement runs executeUpdate/execute, without keys asked for.
     */
    private void refuseWithoutReturnedRows(TableInfo t, ExecutionContext ctx, String what) throws SQLException {
        boolean returnsRowIds = ctx.realStatement() instanceof PreparedStatement ? !ctx.keyRequest().wantsKeys() : ctx.askedKeysForCapture();
        if (!returnsRowIds) {
            throw CaptureRefusal.of(what + " of a table without a primary key asking for generated keys, or through"
                            + " executeQuery or a Statement batch",
                    "on PostgreSQL capture reads the rows it wrote back by the ctids the statement returns, which the driver asks"
                            + " for in place of generated keys (a table without a key has none); use executeUpdate or execute"
                            + " without generated keys, or a PreparedStatement");
        }
    }


    /**
     * Whether the real statement returns the rows it changed as {@code request} asks (see ChangedRows): the driver
     * asked for them in place of generated keys the application did not ask for (see {@link #keysForCapture}).
     */
    private static boolean returnsChangedRows(ExecutionContext ctx, KeyRequest request) {
        return request != null && (ctx.realStatement() instanceof PreparedStatement ? !ctx.keyRequest().wantsKeys() : ctx.askedKeysForCapture());
    }

    /** What the statement run in {@code ctx} gave back, for capture to read (see StatementResults). */
    private StatementResults results(ExecutionContext ctx) {
        return new StatementResults() {
            @Override
            public List<Row> generatedKeys(TableInfo t, int rows) throws SQLException {
                return readGeneratedKeys(ctx, t, rows);
            }

            @Override
            public List<Row> returnedRows(TableInfo t) throws SQLException {
                return readReturnedRows(ctx, t);
            }

            @Override
            public ResultSet changedRows() throws SQLException {
                return LedgerSession.this.changedRows(ctx);
            }
        };
    }

    /** The rows an UPDATE or DELETE returned for capture; the application sees what the raw driver shows unasked. */
    private ResultSet changedRows(ExecutionContext ctx) throws SQLException {
        return generatedKeys.takeChangedRows(ctx);
    }

    /** PostgreSQL: the rows an INSERT into a key-less table made, by the ctids it returned (see KeylessCapture). */
    private List<Row> readReturnedRows(ExecutionContext ctx, TableInfo t) throws SQLException {
        CachedRowSet keys = generatedKeys.read(ctx);
        List<String> ctids = new ArrayList<>();
        while (keys.next()) {
            ctids.add(keys.getString(1));
        }
        keys.beforeFirst();
        return node.capture.rowsByCtid(real, t, ctids);
    }

    /**
     * Whether the real statement returns the generated keys: the application asked, or the driver did (when it
     * prepared the statement, or when a plain Statement executed it, see {@link #keysForCapture}).
     */
    private static boolean returnsGeneratedKeys(ExecutionContext ctx) {
        return ctx.keyRequest().wantsKeys() || ctx.realStatement() instanceof PreparedStatement || ctx.askedKeysForCapture();
    }

    /** Before the INSERT runs: will its generated key be readable? */
    private void refuseUnreadableGeneratedKey(TableInfo t, KeyRequest asked) throws SQLException {
        String key = t.primaryKey().get(0).name();
        if (asked.columnIndexes() != null
                || (asked.columnNames() != null && java.util.Arrays.stream(asked.columnNames()).noneMatch(key::equalsIgnoreCase))) {
            throw CaptureRefusal.of("an INSERT asking for generated key columns without its primary key",
                    "capture reads the new row back by " + key + "; include it in the requested key columns");
        }
        if (node.backend.generatedKeyIsRowid() && !"INTEGER".equalsIgnoreCase(t.primaryKey().get(0).typeName())) {
            throw CaptureRefusal.of("an INSERT that leaves out a primary key SQLite does not generate",
                    "only an INTEGER PRIMARY KEY (the rowid) is generated; give " + key + " a value");
        }
    }

    private boolean needsGeneratedKeys(Analysis.Insert ins) throws SQLException {
        return io.ledgerjdbc.driver.capture.RowCapture.generatesKey(ins, node.catalog.table(real, ins.table()));
    }

    /** The keys of the rows an INSERT made, for capture (see {@link GeneratedKeys#ofInsert}). */
    private List<Row> readGeneratedKeys(ExecutionContext ctx, TableInfo t, int rows) throws SQLException {
        return generatedKeys.ofInsert(ctx, t, rows);
    }

    /**
     * In a cluster DDL is not run here first: it runs in the log's total order on every node, this one included,
     * so no node ever applies a write-set against another schema than the others. It commits the open
     * transaction first, as DDL does on H2 and MariaDB anyway.
     */
    private <T> T orderDdl(Analysis.Ddl ddl, String sql, T ifNotRun) throws SQLException {
        if (!pending.isEmpty()) {
            commit();
        }
        real.rollback(); // end the (empty) local transaction: the DDL's apply may need its locks
        node.replicate(config.node(), node.nextTxId(), List.of(new DdlChange(ddl.object(), sql)));
        return ifNotRun;
    }

    private <T> T executeDdl(Analysis.Ddl ddl, String sql, RealCall<T> call, boolean implicit) throws SQLException {
        boolean commitsImplicitly = node.backend.hasImplicitCommits();
        if (commitsImplicitly && !implicit && !pending.isEmpty()) {
            commit(); // the DDL would commit these changes anyway: record them first
        }
        T result = call.call();
        node.catalog.invalidate();
        node.forgetAdoptions();
        pending.add(new DdlChange(ddl.object(), ddl.recordedSql() != null ? ddl.recordedSql() : sql));
        if (ddl.kind() == Analysis.DdlKind.CREATE_TABLE && ddl.table() != null) {
            markCreatedTable(ddl.table());
        }
        if (commitsImplicitly && !implicit) {
            commit(); // the DDL is already committed: record it at once
        }
        return result;
    }

    /**
     * A batch containing writes runs item by item through the same capture as single statements. Inside a
     * transaction a failing item ends it with the usual BatchUpdateException and the counts of the items before it.
     * In autocommit mode it keeps what the raw driver keeps ({@link AutocommitBatch}): one transaction and entry for
     * the whole batch where the raw driver's batch is atomic (PostgreSQL, MariaDB's prepared batch), otherwise one
     * per item.
     */
    /** A table created through the driver is known from the start: marked now, so no adoption is needed later. */
    private void markCreatedTable(Analysis.TableRef table) throws SQLException {
        TableInfo t;
        try {
            t = node.catalog.table(real, table);
        } catch (SQLException notFound) {
            return; // a temporary table, or one the metadata does not show: adopted on first write if ever
        }
        // CREATE TABLE IF NOT EXISTS on a table that already had rows: those rows are adopted with it
        pending.addAll(node.adopt(real, t));
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
        boolean implicit = autoCommit;
        boolean prepared = statement instanceof PreparedStatement;
        // the raw driver's semantics hold inside a transaction too: items run (and fail) one by one, or as one statement
        AutocommitBatch semantics = node.backend.autocommitBatch(prepared);
        if (semantics != AutocommitBatch.ATOMIC) {
            return executeItemByItem(ctx, statement, items, semantics, prepared, fromCounts);
        }
        if (implicit) {
            setAutoCommit(false);
        }
        // MariaDB undoes a failed bulk batch as one statement and keeps the transaction; PostgreSQL aborts it whole
        Savepoint undo = !implicit && node.backend.undoesFailedBatchAsOneStatement() ? setSavepoint(null) : null;
        String markBefore = rollbackOnly;
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
                releaseSavepoint(undo);
            }
            if (implicit) {
                commit(true);
            }
            return fromCounts.apply(counts);
        } catch (SQLException | RuntimeException e) {
            if (implicit) {
                rollbackQuietly(e);
                clearTransaction(); // also drops a rollback-only mark: the whole batch is undone
            } else if (undo != null) {
                try {
                    rollback(undo); // the batch's items go, with their captured changes; the transaction stays
                    rollbackOnly = markBefore; // a write the batch ran uncaptured is undone with it
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
            }
            SQLException s = e instanceof SQLException q ? q : new SQLException(e.getMessage(), SqlStates.GENERAL_ERROR, e);
            throw semantics.failure(prepared, counts, done + 1, List.of(s));
        } finally {
            if (implicit) {
                real.setAutoCommit(true);
                autoCommit = true;
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
