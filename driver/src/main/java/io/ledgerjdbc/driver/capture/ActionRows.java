package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.ForeignKeys.ForeignKey;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows referential actions touch, read from the database: before the statement the parent rows it will delete or
 * re-key and the child rows referencing them (both locked), after it the child rows again, turned into the changes
 * the actions made. Which actions to follow, and which to refuse, is {@link ReferentialActions}' decision.
 *
 * <p>Contract: every read runs on the caller's connection inside the caller's transaction (the locks last until it
 * ends); one connection is used by one thread at a time. The changes are observed, never computed: a row gone is a
 * DELETE, a row changed an UPDATE, a row unchanged no change.
 */
final class ActionRows {

    private static final int ROWS_PER_QUERY = 200;

    /** The rows of one child table one foreign key's action changes, and how to find them again. */
    static final class Group {
        final TableInfo table;
        final ForeignKey fk;
        final List<Row> parentValues;
        final boolean delete;
        final List<Row> rows = new ArrayList<>();

        Group(TableInfo table, ForeignKey fk, List<Row> parentValues, boolean delete) {
            this.table = table;
            this.fk = fk;
            this.parentValues = parentValues;
            this.delete = delete;
        }
    }

    private final Backend backend;
    private final RowReads reads;

    ActionRows(Backend backend, RowReads reads) {
        this.backend = backend;
        this.reads = reads;
    }

    /**
     * The rows of {@code t} the statement's WHERE selects, locked, whose delete (or re-key, by {@code keyAssignments})
     * fires an action. An UPDATE fires only for rows whose referenced values change: the new values are read with the
     * rows, except where they cannot be evaluated apart from the UPDATE (MariaDB evaluates SET left to right, and a
     * random function differs between evaluations): all rows then.
     */
    List<Row> lockParents(Connection c, TableInfo t, boolean delete, String alias, Analysis.SqlExpr where,
                          List<Analysis.Assignment> keyAssignments, Params params) throws SQLException {
        boolean compare = !backend.assignsLeftToRight() && keyAssignments.stream().noneMatch(as -> CaptureChecks.callsRandom(as.value()));
        StringBuilder sql = new StringBuilder("SELECT *");
        if (compare) {
            for (Analysis.Assignment as : keyAssignments) sql.append(", (").append(as.value().text()).append(')');
        }
        sql.append(" FROM ").append(reads.from(t)).append(RowReads.as(alias)).append(where == null ? "" : " WHERE " + where.text())
                .append(reads.forUpdate());
        List<Row> parents = new ArrayList<>();
        try (PreparedStatement ps = reads.prepareRead(c, sql.toString())) {
            int at = 1;
            if (compare) {
                for (Analysis.Assignment as : keyAssignments) at = RowReads.bind(ps, params, as.value(), at);
            }
            RowReads.bind(ps, params, where, at);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, compare ? keyAssignments.size() : 0);
                while (rs.next()) {
                    Row row = reads.read(rs, t);
                    boolean changes = delete || !compare;
                    for (int i = 0; !changes && i < keyAssignments.size(); i++) {
                        TableInfo.Column col = t.column(keyAssignments.get(i).column());
                        changes = !Values.read(rs, t.columns().size() + 1 + i, col, backend.dialect()).equals(row.get(col.name()));
                    }
                    if (changes) parents.add(row);
                }
            }
        }
        return parents;
    }

    /** The rows of child {@code t} whose foreign key {@code fk} references one of the parent {@code values}, locked when asked. */
    List<Row> lookup(Connection c, TableInfo t, ForeignKey fk, List<Row> values, boolean lock) throws SQLException {
        List<Row> out = new ArrayList<>();
        List<TableInfo.Column> cols = new ArrayList<>();
        for (String name : fk.childColumns()) cols.add(t.column(name));
        for (int from = 0; from < values.size(); from += ROWS_PER_QUERY) {
            List<Row> part = values.subList(from, Math.min(values.size(), from + ROWS_PER_QUERY));
            StringBuilder sql = new StringBuilder("SELECT * FROM ").append(reads.from(t)).append(" WHERE ");
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "(" : " OR (");
                for (int k = 0; k < cols.size(); k++) {
                    sql.append(k == 0 ? "" : " AND ").append(reads.q(cols.get(k).name())).append(" = ?");
                }
                sql.append(')');
            }
            if (lock) sql.append(reads.forUpdate());
            try (PreparedStatement ps = reads.prepareRead(c, sql.toString())) {
                int at = 1;
                for (Row v : part) {
                    for (int k = 0; k < cols.size(); k++) {
                        Values.bind(ps, at++, v.get(fk.parentColumns().get(k)), cols.get(k), backend.dialect());
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    RowReads.requireShape(rs, t, 0, 0);
                    while (rs.next()) out.add(reads.read(rs, t));
                }
            }
        }
        return out;
    }

    /** The rows found before the statement, read again as they now stand: the changes the actions made, in group order. */
    List<RowChange> observe(Connection c, List<Group> groups) throws SQLException {
        List<RowChange> changes = new ArrayList<>();
        for (Group g : groups) {
            if (g.table.hasPrimaryKey()) {
                List<Row> keys = new ArrayList<>(g.rows.size());
                for (Row r : g.rows) keys.add(g.table.keyOf(r));
                Map<Row, Row> now = reads.readByKeys(c, g.table, keys);
                for (int i = 0; i < g.rows.size(); i++) {
                    Row before = g.rows.get(i);
                    Row after = now.get(keys.get(i));
                    if (after == null && !g.delete) {
                        throw new SQLException("LedgerJDBC could not follow a referential action: row " + keys.get(i)
                                + " of " + g.table.name() + " was to be updated through foreign key " + g.fk.name()
                                + " but is gone; the transaction must be rolled back", "XX000");
                    }
                    if (after == null) {
                        changes.add(RowChange.delete(g.table.ledgerName(), keys.get(i), before));
                    } else if (!after.equals(before)) {
                        changes.add(RowChange.update(g.table.ledgerName(), keys.get(i), before, after));
                    }
                }
            } else {
                // a key-less child (deleted rows only): what is left of the rows found is what the action kept
                Map<Row, Integer> left = new HashMap<>();
                for (Row r : lookup(c, g.table, g.fk, g.parentValues, false)) left.merge(r, 1, Integer::sum);
                for (Row before : g.rows) {
                    Integer n = left.get(before);
                    if (n != null && n > 0) {
                        left.put(before, n - 1);
                    } else {
                        changes.add(RowChange.delete(g.table.ledgerName(), before, before));
                    }
                }
            }
        }
        return changes;
    }
}
