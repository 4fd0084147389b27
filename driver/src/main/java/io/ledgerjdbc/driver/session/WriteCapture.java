package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.database.LedgerDatabase;

import io.ledgerjdbc.driver.backend.ReturnedRows;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.capture.CaptureRefusal;
import io.ledgerjdbc.driver.capture.Captured;
import io.ledgerjdbc.driver.capture.ReferentialActions;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.capture.StatementResults;
import io.ledgerjdbc.driver.capture.Write;
import io.ledgerjdbc.driver.capture.WriteFacts;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.KeyRequest;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.rowset.CachedRowSet;

/**
 * Captures one analysed write: picks the capture for its kind (row, key-less, MERGE, INSERT ... SELECT, upsert),
 * refuses beforehand what could not be read back, runs it, and records its changes into the open
 * {@link LedgerTransaction}; and tells which keys or rows the real statement must return for that
 * ({@link #keysForCapture}).
 *
 * <p>Threading: one connection's, used by one thread at a time as JDBC allows; not thread-safe.
 */
final class WriteCapture {

    /** The generated key PostgreSQL is asked for when an INSERT into a key-less table runs (see KeylessCapture). */
    private static final String[] ROW_IDS = {"ctid"};
    private static final int MAX_PLANS = 256;

    private final Connection real;
    private final LedgerDatabase database;
    private final LedgerTransaction transaction;
    private final GeneratedKeys generatedKeys;
    /** Per write statement (by its cached analysis' identity): see {@link #plan}. */
    private final Map<Analysis, WritePlan> plans = new IdentityHashMap<>();

    WriteCapture(Connection real, LedgerDatabase database, LedgerTransaction transaction, GeneratedKeys generatedKeys) {
        this.real = real;
        this.database = database;
        this.transaction = transaction;
        this.generatedKeys = generatedKeys;
    }

    KeyRequest keysForCapture(String sql) throws SQLException {
        Analysis a = database.analyzer().analyze(sql);
        if (a instanceof Analysis.Delete) {
            KeyRequest k = database.capture().changedRows().forDelete();
            return k != null ? k : KeyRequest.NONE; // see ChangedRows
        }
        if (!(a instanceof Analysis.Insert || a instanceof Analysis.InsertSelect || a instanceof Analysis.Update)) {
            return KeyRequest.NONE;
        }
        if (database.backend().returnsRowIds() && needsReturnedRows(a)) {
            return KeyRequest.names(ROW_IDS); // see KeylessCapture
        }
        // only where the UPDATE can return its rows: the table's metadata read would otherwise come first (SQLite:
        // a read before the write lock, which a concurrent writer's commit then refuses at once with SQLITE_BUSY)
        if (a instanceof Analysis.Update u && database.backend().updateReturns() != ReturnedRows.NOTHING) {
            try {
                TableInfo t = database.catalog().table(real, u.table());
                KeyRequest k = t.hasPrimaryKey() ? database.capture().changedRows().forUpdate(t) : null;
                return k != null ? k : KeyRequest.NONE; // see ChangedRows
            } catch (SQLException unknownTable) {
                return KeyRequest.NONE; // the statement will fail on its own, with the database's error
            }
        }
        try {
            return a instanceof Analysis.Insert ins && needsGeneratedKeys(ins)
                    || a instanceof Analysis.InsertSelect is && !database.backend().generatedKeyIsRowid() && keyLeftOut(is.table(), is.columns())
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
            return database.capture().needsReturnedRows(database.catalog().table(real, ref));
        } catch (SQLException unknownTable) {
            return false; // the statement will fail on its own, with the database's error
        }
    }

    /** Whether an INSERT into {@code ref} naming {@code columns} leaves a primary-key column to the database. */
    private boolean keyLeftOut(Analysis.TableRef ref, List<String> columns) {
        try {
            TableInfo t = database.catalog().table(real, ref);
            return t.hasPrimaryKey() && !columns.isEmpty()
                    && t.primaryKey().stream().anyMatch(k -> columns.stream().noneMatch(c -> c.equalsIgnoreCase(k.name())));
        } catch (SQLException unknownTable) {
            return false;
        }
    }

    /**
     * Before a write to {@code t} other than a plain INSERT: reads back the rows earlier INSERTs made (see
     * InsertReadBack) if the write may change them or depend on them ({@link ReferentialActions#mayTouch}), so that
     * their images are taken before it and precede its changes in the entry. A write to an unrelated table leaves them
     * for the one read at commit (TPC-C's new-order: an UPDATE of stock after each INSERT of an order line).
     */
    private void readInsertedBefore(TableInfo t) throws SQLException {
        if (!transaction.toRead.isEmpty() && database.actions().mayTouch(real, t, tablesToRead())) {
            transaction.readInsertedOrFail();
        }
    }

    private java.util.Set<TableInfo> tablesToRead() {
        java.util.Set<TableInfo> tables = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (io.ledgerjdbc.driver.capture.InsertedRow r : transaction.toRead) {
            tables.add(r.table());
        }
        return tables;
    }

    /** Adoption changes for the table a write is about to touch (see {@link LedgerDatabase#adopt}). */
    private void adopt(TableInfo t) throws SQLException {
        List<Change> rows = database.adopt(real, t, transaction.adoptedHere);
        if (!rows.isEmpty()) {
            transaction.readInserted();
            transaction.pending.addAll(rows);
        }
    }

    <T> T captureUpsert(Analysis.Upsert up, ExecutionContext ctx, Params params, RealCall<T> call) throws SQLException {
        transaction.takeSqliteWriteLock();
        TableInfo t = database.catalog().table(real, up.core().table());
        adopt(t);
        readInsertedBefore(t);
        database.actions().refuseUnfollowable(real, t, up.construct());
        Captured<T> captured = database.capture().upsert(up, new Write<>(real, t, params, ctx, call, results(ctx), WriteFacts.NONE, false));
        return record(t, captured, false);
    }

    /**
     * A write statement's table and the facts capture works out from it once (see WriteFacts), kept per cached
     * analysis while the catalog's metadata is unchanged ({@code generation}).
     */
    private record WritePlan(long generation, TableInfo table, WriteFacts facts) {
    }

    /**
     * The rows each execution of {@code sql} inserts where it is an INSERT … VALUES into a keyed table that gives its
     * whole key, in a transaction: capture then needs nothing from the database before or at once after it runs (its
     * rows are read back later by those keys, see InsertCapture and InsertReadBack), so a batch of such executions can
     * go to the database as one JDBC batch. -1 for any other statement.
     */
    int deferredInsertRows(String sql) throws SQLException {
        if (transaction.autoCommit || !(database.analyzer().analyze(sql) instanceof Analysis.Insert ins)) {
            return -1;
        }
        WritePlan plan;
        try {
            plan = plan(ins, ins.table());
        } catch (SQLException unknownTable) {
            return -1; // the items then run one by one and fail as the database fails them
        }
        WriteFacts f = plan.facts();
        return plan.table().hasPrimaryKey() && f.insertColumns() != null && f.keysGiven() && !f.generatedKey() ? ins.rows().size() : -1;
    }

    /** The plan of the write {@code a} on {@code ref}, worked out on its first execution after DDL. */
    private WritePlan plan(Analysis a, Analysis.TableRef ref) throws SQLException {
        long generation = database.catalog().generation(); // read before the table: an invalidation in between shows next time
        WritePlan p = plans.get(a);
        if (p != null && p.generation() == generation) {
            return p;
        }
        TableInfo t = database.catalog().table(real, ref);
        p = new WritePlan(generation, t, database.capture().facts(a, t));
        if (plans.size() >= MAX_PLANS) {
            plans.clear(); // an application with this many distinct writes gains little from the cache
        }
        plans.put(a, p);
        return p;
    }

    /**
     * Captures the write {@code a} (the text {@code sql}) and runs it by {@code call}, or, for an autocommit INSERT
     * whose changes are known before it runs, with its entry and commit in one round trip (see
     * {@link LedgerTransaction#withEntry}; {@code ifNotRun} tells the JDBC method's result type).
     */
    <T> T captureWrite(Analysis a, String sql, ExecutionContext ctx, Params params, RealCall<T> call, T ifNotRun) throws SQLException {
        transaction.takeSqliteWriteLock();
        Analysis.TableRef ref = a instanceof Analysis.Insert i ? i.table() : a instanceof Analysis.InsertSelect is ? is.table()
                : a instanceof Analysis.Update u ? u.table() : a instanceof Analysis.Merge m ? m.table() : ((Analysis.Delete) a).table();
        WritePlan plan = plan(a, ref);
        TableInfo table = plan.table();
        adopt(table);
        if (!(a instanceof Analysis.Insert)) {
            readInsertedBefore(table);
        }
        Captured<T> captured;
        if (a instanceof Analysis.Insert ins && !table.hasPrimaryKey()) {
            TableInfo t = table;
            refuseKeylessInsertWithoutRows(t, ctx, "INSERT");
            captured = database.capture().insert(ins, new Write<>(real, t, params, ctx, call, results(ctx), plan.facts(), false));
        } else if (a instanceof Analysis.InsertSelect is) {
            TableInfo t = table;
            if (!t.hasPrimaryKey()) {
                refuseKeylessInsertWithoutRows(t, ctx, "INSERT ... SELECT");
            } else if (!database.backend().generatedKeyIsRowid() && keyLeftOut(is.table(), is.columns())) {
                refuseUnreadableGeneratedKey(t, ctx.keyRequest());
                if (!returnsGeneratedKeys(ctx)) {
                    throw CaptureRefusal.of("an INSERT ... SELECT that leaves its generated key to the database, run by executeQuery or in a Statement batch",
                            "use executeUpdate or execute, or a PreparedStatement, so the keys can be read back");
                }
            }
            captured = database.capture().insertSelect(is, new Write<>(real, t, params, ctx, call, results(ctx), WriteFacts.NONE, false));
        } else if (a instanceof Analysis.Merge m) {
            database.actions().refuseUnfollowable(real, table, "MERGE");
            captured = database.capture().merge(m, new Write<>(real, table, params, ctx, call, results(ctx), WriteFacts.NONE, false));
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
            Write.WithEntry<T> withEntry = transaction.withEntry(ctx, sql, ins.paramCount(), params, ifNotRun);
            captured = database.capture().insert(ins, new Write<>(real, t, params, ctx, call, results(ctx), plan.facts(), false, withEntry, null));
        } else if (a instanceof Analysis.Update u) {
            if (database.capture().needsReturnedRows(table)) {
                refuseWithoutReturnedRows(table, ctx, "UPDATE");
            }
            ReferentialActions.Pending cascade = database.actions().before(real, u, table, params);
            boolean changed = returnsChangedRows(ctx, database.capture().changedRows().forUpdate(table));
            Write.Instead<T> instead = cascade == null && changed && database.backend().returnsUpdateImages()
                    ? transaction.instead(ctx, sql, params, ifNotRun, () -> generatedKeys.shownNone(ctx)) : null;
            Write<T> write = new Write<>(real, table, params, ctx, call, results(ctx), plan.facts(), changed, null, instead);
            if (cascade == null) {
                captured = database.capture().update(u, write);
            } else {
                captured = cascade.complete(database.capture().update(u, cascade.around(write)));
            }
        } else if (a instanceof Analysis.Delete d) {
            ReferentialActions.Pending cascade = database.actions().before(real, d, table, params);
            boolean changed = returnsChangedRows(ctx, database.capture().changedRows().forDelete());
            Write<T> write = new Write<>(real, table, params, ctx, call, results(ctx), WriteFacts.NONE, changed);
            captured = cascade == null ? database.capture().delete(d, write) : cascade.complete(database.capture().delete(d, cascade.around(write)));
        } else {
            throw new IllegalStateException("not a row write: " + a);
        }
        return record(table, captured, a instanceof Analysis.Insert);
    }

    /**
     * Adds the changes of a statement on {@code t} after everything captured before it, reading back earlier inserted
     * rows first where the statement (an {@code insert}; any other asked before it ran) may touch or depend on them
     * (see {@link #readInsertedBefore}).
     */
    private <T> T record(TableInfo t, Captured<T> captured, boolean insert) throws SQLException {
        if (!captured.changes().isEmpty()) {
            // any other write asked before it ran (readInsertedBefore), with the same answer
            if (insert && !transaction.toRead.isEmpty() && database.actions().mayTouch(real, t, tablesToRead())) {
                transaction.readInserted();
            }
            transaction.pending.addAll(captured.changes());
        }
        transaction.toRead.addAll(captured.toRead());
        return captured.result();
    }
    /**
     * Before an INSERT into a table without a primary key runs: can its rows be followed? On PostgreSQL they are
     * read back by the ctids the statement returns (see {@link #refuseWithoutReturnedRows}).
     */
    private void refuseKeylessInsertWithoutRows(TableInfo t, ExecutionContext ctx, String what) throws SQLException {
        database.capture().refuseUnfollowableKeylessInsert(what, t);
        if (database.capture().needsReturnedRows(t)) {
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
                return WriteCapture.this.changedRows(ctx);
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
        return database.capture().rowsByCtid(real, t, ctids);
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
        if (database.backend().generatedKeyIsRowid() && !"INTEGER".equalsIgnoreCase(t.primaryKey().get(0).typeName())) {
            throw CaptureRefusal.of("an INSERT that leaves out a primary key SQLite does not generate",
                    "only an INTEGER PRIMARY KEY (the rowid) is generated; give " + key + " a value");
        }
    }

    private boolean needsGeneratedKeys(Analysis.Insert ins) throws SQLException {
        return io.ledgerjdbc.driver.capture.RowCapture.generatesKey(ins, database.catalog().table(real, ins.table()));
    }

    /** The keys of the rows an INSERT made, for capture (see {@link GeneratedKeys#ofInsert}). */
    private List<Row> readGeneratedKeys(ExecutionContext ctx, TableInfo t, int rows) throws SQLException {
        return generatedKeys.ofInsert(ctx, t, rows);
    }
}
