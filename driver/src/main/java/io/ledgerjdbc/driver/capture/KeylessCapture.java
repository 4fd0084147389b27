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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Capture for tables without a primary key, whose rows are keyed in the ledger by the whole row. Without a key
 * the rows a write made cannot be found again by value (identical rows are indistinguishable, defaults are
 * unknown), so capture follows the database's own row identity where it has a usable one:
 * <ul>
 * <li>SQLite {@code rowid} and H2 {@code _ROWID_}: stable for a row's life, and new rows get ids above every
 *     existing one. An INSERT's rows are those above the highest id before it; an UPDATE's rows are read back
 *     by the ids read before it.
 * <li>PostgreSQL: an INSERT or UPDATE returns the {@code ctid} of every row it wrote (the driver asks for
 *     {@code ctid} as its generated key, so the PostgreSQL driver adds {@code RETURNING ctid}); the rows are
 *     read back by it. An UPDATE moves a row to a new ctid, so which new row was which old one is not known:
 *     its rows are recorded as the old rows deleted and the new rows inserted, less the rows it left equal
 *     (the same multiset, which is all a table without a key is).
 * <li>MariaDB: InnoDB's row id is hidden; INSERT and UPDATE are refused.
 * </ul>
 * DELETE needs none of this (its before-images are read by its WHERE) and works everywhere.
 */
final class KeylessCapture {

    private static final int IDS_PER_QUERY = 200;

    private final RowReads reads;
    private final SqlDialect dialect;
    private final Backend backend;

    KeylessCapture(RowReads reads, SqlDialect dialect) {
        this.reads = reads;
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
    }

    /** The pseudo-column that identifies a row physically and stably, or null when the database has none usable. */
    static String rowIdColumn(SqlDialect dialect) {
        return Backend.of(dialect).stableRowId();
    }

    /** The rows of one INSERT (… VALUES or … query) into a table without a primary key. */
    <T> Captured<T> insert(String what, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        String rowId = rowIdColumn(dialect);
        if (rowId != null) {
            long max = maxRowId(c, t, rowId);
            T result = call.call();
            List<Row> rows = rowsAbove(c, t, rowId, max);
            CaptureChecks.requireCount(result, ctx, rows.size(), what);
            return new Captured<>(result, inserts(t, rows));
        }
        refuseUnfollowable(what, t);
        T result = call.call();
        List<Row> rows = w.results().returnedRows(t);
        CaptureChecks.requireCount(result, ctx, rows.size(), what);
        return new Captured<>(result, inserts(t, rows));
    }

    /** Before it runs: can an INSERT into this key-less table be followed on this database? */
    void refuseUnfollowable(String what, TableInfo t) throws SQLException {
        if (!backend.followsKeylessInserts()) {
            throw CaptureRefusal.of(what + " into a table without a primary key on MariaDB",
                    "MariaDB hides InnoDB's row id, so the stored rows (with their defaults) cannot be read back exactly;"
                            + " give " + t.name() + " a primary key");
        }
    }

    /**
     * PostgreSQL: the rows an INSERT made, by the {@code ctid}s it returned. A ctid is stable until the row is
     * updated or deleted, which nothing can do between the INSERT and this read in the same transaction.
     */
    List<Row> rowsByCtid(Connection c, TableInfo t, List<String> ctids) throws SQLException {
        List<Row> rows = new ArrayList<>(ctids.size());
        for (int from = 0; from < ctids.size(); from += IDS_PER_QUERY) {
            List<String> part = ctids.subList(from, Math.min(ctids.size(), from + IDS_PER_QUERY));
            String sql = "SELECT " + reads.selectList(t) + " FROM " + reads.from(t) + " WHERE ctid IN ("
                    + "CAST(? AS tid), ".repeat(part.size() - 1) + "CAST(? AS tid))";
            try (PreparedStatement ps = reads.prepareRead(c, sql)) {
                for (int i = 0; i < part.size(); i++) ps.setString(i + 1, part.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    RowReads.requireShape(rs, t, 0, 0);
                    while (rs.next()) {
                        rows.add(reads.read(rs, t));
                    }
                }
            }
        }
        return rows;
    }

    /** An UPDATE of a table without a primary key, followed by row id (SQLite, H2) or by returned ctid (PostgreSQL). */
    <T> Captured<T> update(Analysis.Update u, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        if (backend.returnsRowIds()) {
            return updateByReturnedRows(u, w);
        }
        String rowId = rowIdColumn(dialect);
        if (rowId == null) {
            throw CaptureRefusal.of("UPDATE of a table without a primary key on MariaDB",
                    "MariaDB hides InnoDB's row id, so the rows it wrote cannot be found again exactly; give "
                            + t.name() + " a primary key");
        }
        for (Analysis.Assignment a : u.assignments()) {
            if (t.column(a.column()) == null) {
                throw CaptureRefusal.of("UPDATE of a row id", a.column() + " is not a column of " + t.name()
                        + "; capture follows key-less rows by their row id");
            }
        }
        List<Long> ids = new ArrayList<>();
        List<Row> before = rowsToUpdate(c, u, t, params, rowId, ids);
        T result = call.call();
        CaptureChecks.requireCount(result, ctx, before.size(), "UPDATE");
        Map<Long, Row> after = rowsById(c, t, rowId, ids);
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Row a = after.get(ids.get(i));
            if (a == null) {
                throw CaptureChecks.conflict("UPDATE", "a row it updated is gone");
            }
            if (!a.equals(before.get(i))) {
                changes.add(RowChange.update(t.ledgerName(), before.get(i), before.get(i), a));
            }
        }
        return new Captured<>(result, changes);
    }

    /**
     * PostgreSQL: the rows the WHERE selects are read (and locked) before, the rows written are read back by the
     * ctids the UPDATE returns. Rows it left equal are no change; the others are recorded as the old rows deleted
     * and the new rows inserted. The counts must agree, and every row read must have been updated (its old ctid
     * no longer shows to this transaction; it was locked, so only this UPDATE can have replaced it), or the UPDATE
     * changed other rows than capture read: a row read left the WHERE's rows and another entered (40001, see
     * ChangedRows for how that happens at READ COMMITTED).
     */
    private <T> Captured<T> updateByReturnedRows(Analysis.Update u, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        List<String> ctids = new ArrayList<>();
        List<Row> before = rowsToUpdate(c, u, t, params, "ctid", ctids);
        T result = call.call();
        CaptureChecks.requireCount(result, ctx, before.size(), "UPDATE");
        if (!ctids.isEmpty()) {
            try (PreparedStatement ps = reads.prepareRead(c, "SELECT count(*) FROM " + reads.from(t) + " WHERE ctid = ANY (CAST(? AS text[])::tid[])")) {
                ps.setArray(1, c.createArrayOf("text", ctids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) != 0) {
                        throw CaptureChecks.conflict("UPDATE", "a row its WHERE selected just before is unchanged, so it updated another "
                                + "(another transaction moved it there meanwhile)");
                    }
                }
            }
        }
        List<Row> after = new ArrayList<>(w.results().returnedRows(t));
        if (after.size() != before.size()) {
            throw CaptureChecks.conflict("UPDATE", "it wrote " + after.size() + " rows where " + before.size() + " were read");
        }
        Map<Row, Integer> written = new HashMap<>(); // the rows written, as a multiset
        for (Row a : after) {
            written.merge(a, 1, Integer::sum);
        }
        List<RowChange> changes = new ArrayList<>();
        for (Row b : before) {
            Integer n = written.get(b);
            if (n == null) {
                changes.add(RowChange.delete(t.ledgerName(), t.keyOf(b), b));
            } else if (n == 1) {
                written.remove(b); // an equal row among those written: left as it was
            } else {
                written.put(b, n - 1);
            }
        }
        for (Row a : after) { // in the order the statement returned them
            Integer n = written.get(a);
            if (n != null) {
                changes.add(RowChange.insert(t.ledgerName(), t.keyOf(a), a));
                if (n == 1) written.remove(a); else written.put(a, n - 1);
            }
        }
        return new Captured<>(result, changes);
    }

    /**
     * The rows an UPDATE's WHERE selects, read and locked before it runs; with {@code rowId}, each row's id is put
     * into {@code ids} in the same order.
     */
    @SuppressWarnings("unchecked")
    private List<Row> rowsToUpdate(Connection c, Analysis.Update u, TableInfo t, Params params, String rowId, List<?> ids)
            throws SQLException {
        String sql = "SELECT " + (rowId == null ? "" : rowId + ", ") + reads.selectList(t) + " FROM " + reads.from(t)
                + RowReads.as(u.alias()) + (u.where() == null ? "" : " WHERE " + u.where().text()) + reads.forUpdate();
        int shift = rowId == null ? 0 : 1;
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = reads.prepareRead(c, sql)) {
            RowReads.bind(ps, params, u.where(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, shift, 0);
                while (rs.next()) {
                    if (rowId != null) ((List<Object>) ids).add(backend.readRowId(rs, 1));
                    rows.add(rowId == null ? reads.read(rs, t) : readShifted(rs, t));
                }
            }
        }
        return rows;
    }

    private List<RowChange> inserts(TableInfo t, List<Row> rows) {
        List<RowChange> changes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            changes.add(RowChange.insert(t.ledgerName(), t.keyOf(row), row));
        }
        return changes;
    }

    /**
     * The highest row id, under the write lock the transaction holds (SQLite) or in this process's one database
     * (H2). SQLite picks random ids once the largest possible one is used: then new rows cannot be told apart.
     */
    private long maxRowId(Connection c, TableInfo t, String rowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + rowId + ") FROM " + reads.from(t));
             ResultSet rs = ps.executeQuery()) {
            long max = rs.next() ? rs.getLong(1) : 0;
            if (max == Long.MAX_VALUE) {
                throw CaptureRefusal.of("INSERT into " + t.name() + " whose row ids are exhausted",
                        "the database now picks row ids at random, so the new rows cannot be told from the old");
            }
            return max;
        }
    }

    private List<Row> rowsAbove(Connection c, TableInfo t, String rowId, long max) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + rowId + ", " + reads.selectList(t) + " FROM "
                + reads.from(t) + " WHERE " + rowId + " > ? ORDER BY " + rowId)) {
            ps.setLong(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 1, 0);
                while (rs.next()) {
                    rows.add(readShifted(rs, t));
                }
            }
        }
        return rows;
    }

    private Map<Long, Row> rowsById(Connection c, TableInfo t, String rowId, List<Long> ids) throws SQLException {
        Map<Long, Row> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<Long> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            String sql = "SELECT " + rowId + ", " + reads.selectList(t) + " FROM " + reads.from(t) + " WHERE " + rowId
                    + " IN (" + "?, ".repeat(part.size() - 1) + "?)";
            try (PreparedStatement ps = reads.prepareRead(c, sql)) {
                for (int i = 0; i < part.size(); i++) ps.setLong(i + 1, part.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    RowReads.requireShape(rs, t, 1, 0);
                    while (rs.next()) {
                        out.put(rs.getLong(1), readShifted(rs, t));
                    }
                }
            }
        }
        return out;
    }

    /** A row whose columns start at index 2 (the row id is column 1). */
    private Row readShifted(ResultSet rs, TableInfo t) throws SQLException {
        Row.Builder row = Row.builder();
        for (int i = 0; i < t.columns().size(); i++) {
            TableInfo.Column col = t.columns().get(i);
            row.put(col.name(), Values.read(rs, i + 2, col, dialect));
        }
        return row.build();
    }
}
