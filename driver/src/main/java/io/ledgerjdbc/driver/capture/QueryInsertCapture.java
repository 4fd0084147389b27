package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Capture of {@code INSERT INTO t [(columns)] query}. The rows come from a query, so which keys they get is
 * learnt the way the table makes keys:
 * <ul>
 * <li>the query gives the primary key: capture runs the query first in the same transaction (locking the rows
 *     it reads where the database allows it), so it knows the keys; none may exist yet. After the INSERT the
 *     count must equal the keys learnt and every key must be there: rows the query read are locked, so a
 *     concurrent change can only add rows, which the count shows (40001);
 * <li>the key is generated: the generated keys of every row (PostgreSQL and H2 report all of them), the ids
 *     one statement allocates consecutively (MariaDB, unless {@code innodb_autoinc_lock_mode} is 2), or the
 *     rowids above the largest before it (SQLite, which holds its write lock);
 * <li>the table has no primary key: see {@link KeylessCapture}.
 * </ul>
 * Every row is then read back as stored, so defaults and generated values are recorded as stored.
 */
final class QueryInsertCapture {

    private final RowReads reads;
    private final KeylessCapture keyless;
    private final SqlDialect dialect;
    private final Backend backend;

    QueryInsertCapture(RowReads reads, KeylessCapture keyless, SqlDialect dialect) {
        this.reads = reads;
        this.keyless = keyless;
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
    }

    <T> Captured<T> capture(Analysis.InsertSelect ins, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        String what = "INSERT ... SELECT";
        CaptureChecks.refuseUncapturable(what, t, null);
        if (!t.hasPrimaryKey()) {
            return keyless.insert(what, w);
        }
        List<TableInfo.Column> columns = InsertCapture.insertColumns(ins.columns(), t);
        if (t.primaryKey().stream().allMatch(columns::contains)) {
            return keysFromQuery(c, ins, t, columns, params, ctx, call);
        }
        if (t.primaryKey().size() != 1) {
            throw CaptureRefusal.of(what + " without its composite primary key", "only a single generated key column can be followed");
        }
        if (backend.generatedKeyIsRowid()) {
            // an INTEGER PRIMARY KEY is the rowid: the new rows are exactly those above the largest before
            return keyless.insert(what, w);
        }
        if (backend.checksConsecutiveIds()) {
            requireConsecutiveIds(c);
        }
        T result = call.call();
        int count = (int) CaptureChecks.updateCount(result, ctx);
        List<Row> keys = count == 0 ? List.of() : w.results().generatedKeys(t, count);
        if (keys.size() != count) {
            throw CaptureChecks.conflict(what, "the database returned " + keys.size() + " generated keys for " + count + " rows");
        }
        return new Captured<>(result, readInserted(c, t, keys, what));
    }

    private <T> Captured<T> keysFromQuery(Connection c, Analysis.InsertSelect ins, TableInfo t, List<TableInfo.Column> columns,
                                          Params params, ExecutionContext ctx, RealCall<T> call) throws SQLException {
        List<Row> keys = queryKeys(c, ins, t, columns, params);
        boolean existed = !reads.readByKeys(c, t, keys).isEmpty();
        T result = call.call();
        CaptureChecks.requireCount(result, ctx, keys.size(), "INSERT ... SELECT");
        if (existed || new LinkedHashSet<>(keys).size() != keys.size()) {
            // the INSERT succeeded although capture's run of the query named keys that existed or repeated: the
            // query's rows changed in between
            throw CaptureChecks.conflict("INSERT ... SELECT", "its query returned other rows than when capture ran it");
        }
        return new Captured<>(result, readInserted(c, t, keys, "INSERT ... SELECT"));
    }

    private List<RowChange> readInserted(Connection c, TableInfo t, List<Row> keys, String what) throws SQLException {
        Map<Row, Row> stored = reads.readByKeys(c, t, keys);
        List<RowChange> changes = new ArrayList<>(keys.size());
        for (Row key : keys) {
            Row row = stored.get(key);
            if (row == null) {
                throw CaptureChecks.conflict(what, "an inserted row cannot be found by its key " + key);
            }
            changes.add(RowChange.insert(t.ledgerName(), t.keyOf(row), row));
        }
        return changes;
    }

    /**
     * Runs the INSERT's query and reads the key columns of its rows, locking what it reads where the database
     * allows it for this query (not with GROUP BY, DISTINCT, set operations, …: then it reads without locks).
     */
    private List<Row> queryKeys(Connection c, Analysis.InsertSelect ins, TableInfo t, List<TableInfo.Column> columns,
                                Params params) throws SQLException {
        String query = ins.query().text();
        String lock = backend.forShare();
        if (lock != null) {
            // a failed statement aborts a PostgreSQL transaction: try the locking form inside a savepoint
            Savepoint sp = backend.abortsTransactionOnError() ? c.setSavepoint() : null;
            try {
                List<Row> keys = readKeys(c, query + lock, ins, t, columns, params);
                if (sp != null) c.releaseSavepoint(sp);
                return keys;
            } catch (SQLException notLockable) {
                if (lostTheTransaction(notLockable)) {
                    // a deadlock or lock wait, not a query that cannot lock: InnoDB may have rolled the whole
                    // transaction back, and what ran next would no longer be one transaction with the entry
                    throw notLockable;
                }
                if (sp != null) c.rollback(sp);
            }
        }
        return readKeys(c, query, ins, t, columns, params);
    }

    /** A concurrency failure (deadlock, serialization, lock wait, cancel), which the raw INSERT could meet as well. */
    private static boolean lostTheTransaction(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return SqlStates.isLockConflict(e) || state.startsWith("40") || state.equals(SqlStates.QUERY_CANCELED);
    }

    private List<Row> readKeys(Connection c, String sql, Analysis.InsertSelect ins, TableInfo t, List<TableInfo.Column> columns,
                               Params params) throws SQLException {
        List<Row> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            RowReads.bind(ps, params, ins.query(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.getMetaData().getColumnCount() != columns.size()) {
                    throw CaptureRefusal.of("INSERT ... SELECT", "its query returns " + rs.getMetaData().getColumnCount()
                            + " columns for " + columns.size() + " target columns");
                }
                while (rs.next()) {
                    Row.Builder key = Row.builder();
                    for (TableInfo.Column k : t.primaryKey()) {
                        key.put(k.name(), Values.read(rs, columns.indexOf(k) + 1, k, dialect));
                    }
                    keys.add(key.build());
                }
            }
        }
        return keys;
    }

    /** MariaDB allocates one statement's ids consecutively unless the interleaved lock mode (2) is set. */
    private static void requireConsecutiveIds(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@innodb_autoinc_lock_mode")) {
            if (rs.next() && rs.getInt(1) == 2) {
                throw CaptureRefusal.of("INSERT ... SELECT with a generated key under innodb_autoinc_lock_mode = 2",
                        "interleaved AUTO_INCREMENT allocation gives one statement's rows ids that need not be consecutive,"
                                + " and MariaDB reports only the first; give the key in the SELECT");
            }
        }
    }
}
