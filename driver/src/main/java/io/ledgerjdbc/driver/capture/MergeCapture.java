package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.sql.Analysis.MergeAction;
import io.ledgerjdbc.driver.sql.Analysis.MergeClause;
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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Capture of a standard {@code MERGE INTO target USING source ON … WHEN …} (H2, PostgreSQL 15+).
 *
 * <p>Before it runs, capture evaluates the MERGE itself with two queries in the same transaction: the target
 * rows the ON condition matches, each with the action its first applicable WHEN MATCHED clause takes (their
 * before-images, locked); and the source rows that match nothing, with the primary key the applicable
 * WHEN NOT MATCHED … INSERT gives them. So it knows which keys the MERGE will update, delete and insert, and
 * how many rows it will report. After it runs, those keys are read back: a matched row that is gone was
 * deleted, one that differs was updated, an inserted key must be there. The update count must equal the
 * predicted count, or the MERGE saw other rows than capture did (40001). On PostgreSQL the target table is
 * locked against other writers first ({@code SHARE ROW EXCLUSIVE}, until the transaction ends), so a row
 * inserted concurrently cannot turn a predicted INSERT into an UPDATE unnoticed.
 *
 * <p>Refused: a target without a primary key, an UPDATE that assigns a key column (the row would move), an
 * INSERT that does not give the whole primary key (generated keys of a MERGE are not reported).
 *
 * <p>H2 cannot lock an absent key: a key committed by another transaction between the prediction and the MERGE
 * turns a predicted INSERT into an UPDATE there. A connection of its own checks, after the MERGE, that no other
 * transaction committed a key it predicted to insert (40001 otherwise).
 */
final class MergeCapture {

    private final RowCapture capture;
    private final RowReads reads;
    private final SqlDialect dialect;
    private final Backend backend;

    MergeCapture(RowCapture capture, RowReads reads, SqlDialect dialect) {
        this.capture = capture;
        this.reads = reads;
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
    }

    <T> Captured<T> capture(Analysis.Merge m, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        CaptureChecks.refuseUncapturable("MERGE", t, m.on());
        refuseUnfollowable(m, t);
        String tableLock = backend.mergeTableLock(m.targetText());
        if (tableLock != null) {
            try (Statement s = c.createStatement()) {
                s.execute(tableLock);
            }
        }
        Map<Row, Row> matched = new LinkedHashMap<>();
        int predicted = matchedRows(c, m, t, params, matched);
        List<Row> insertKeys = insertedKeys(c, m, t, params);
        predicted += insertKeys.size();
        Set<Row> committedBefore = committedKeys(c, t, insertKeys);
        boolean existed = !reads.readByKeys(c, t, insertKeys).isEmpty();

        T result = call.call();
        CaptureChecks.requireCount(result, ctx, predicted, "MERGE");
        if (existed || !committedBefore.containsAll(committedKeys(c, t, insertKeys))) {
            throw CaptureChecks.conflict("MERGE", "a row it was to insert already existed");
        }
        List<RowChange> changes = new ArrayList<>();
        Map<Row, Row> after = reads.readByKeys(c, t, new ArrayList<>(matched.keySet()));
        for (Map.Entry<Row, Row> b : matched.entrySet()) {
            Row a = after.get(b.getKey());
            if (a == null) {
                changes.add(RowChange.delete(t.ledgerName(), b.getKey(), b.getValue()));
            } else if (!a.equals(b.getValue())) {
                changes.add(RowChange.update(t.ledgerName(), b.getKey(), b.getValue(), a));
            }
        }
        Map<Row, Row> inserted = reads.readByKeys(c, t, insertKeys);
        for (Row key : insertKeys) {
            Row row = inserted.get(key);
            if (row == null) {
                throw CaptureChecks.conflict("MERGE", "a row it inserted cannot be found by its key " + key);
            }
            changes.add(RowChange.insert(t.ledgerName(), key, row));
        }
        return new Captured<>(result, changes);
    }

    /**
     * H2 cannot lock a key that is not there, and a READ COMMITTED MERGE sees what another transaction committed
     * after capture looked: a predicted INSERT then runs as the WHEN MATCHED action on that row. Its own
     * transaction cannot tell the two apart afterwards; a connection of its own can: the predicted keys committed
     * there after the MERGE must be those committed there before (read before the transaction's own re-check, so
     * a key committed in between shows in that re-check). A key committed before but invisible to this transaction
     * is one it deleted itself; an insert of this MERGE is not committed yet, and a later one waits for it.
     */
    private Set<Row> committedKeys(Connection c, TableInfo t, List<Row> insertKeys) throws SQLException {
        RowCapture.CommittedReads committed = capture.committedReads();
        if (!backend.readsCommittedOnSideConnection() || insertKeys.isEmpty() || committed == null) {
            return Set.of();
        }
        try (Connection side = committed.open()) {
            side.setSchema(c.getSchema()); // the application's current schema, not the URL's or the default
            return new HashSet<>(reads.readByKeys(side, t, insertKeys).keySet());
        }
    }

    private void refuseUnfollowable(Analysis.Merge m, TableInfo t) throws SQLException {
        if (!t.hasPrimaryKey()) {
            throw CaptureRefusal.of("MERGE into a table without a primary key", "capture follows a MERGE's rows by their key");
        }
        boolean random = CaptureChecks.callsRandom(m.source()) || m.clauses().stream().anyMatch(c -> CaptureChecks.callsRandom(c.condition())
                || c.action() == MergeAction.INSERT && t.primaryKey().stream().anyMatch(k -> CaptureChecks.callsRandom(insertValue(c, t, k))));
        if (random) {
            throw CaptureRefusal.of("MERGE with a random function in its source, conditions or inserted keys",
                    "the rows it matches and the keys it inserts when it runs can differ from those capture evaluates just before");
        }
        for (MergeClause c : m.clauses()) {
            for (Analysis.Assignment a : c.assignments()) {
                if (t.primaryKey().stream().anyMatch(k -> a.quoted() ? k.name().equals(a.column()) : k.name().equalsIgnoreCase(a.column()))) {
                    throw CaptureRefusal.of("MERGE ... UPDATE SET of a primary-key column",
                            "the row would move to a key capture cannot predict; change the key with its own UPDATE");
                }
            }
            if (c.action() == MergeAction.INSERT && !t.primaryKey().stream().allMatch(k -> insertValue(c, t, k) != null)) {
                throw CaptureRefusal.of("MERGE ... INSERT without its primary key",
                        "the keys a MERGE generates are not reported; give every key column a value from the source");
            }
        }
    }

    /**
     * Reads the matched target rows (before-images, locked on H2) into {@code out} by key, and returns how many
     * of them a clause acts on (UPDATE or DELETE; DO NOTHING and no applicable clause do not count).
     */
    private int matchedRows(Connection c, Analysis.Merge m, TableInfo t, Params params, Map<Row, Row> out) throws SQLException {
        List<MergeClause> clauses = m.clauses().stream().filter(MergeClause::matched).toList();
        if (clauses.isEmpty()) {
            return 0;
        }
        String target = m.targetAlias() != null ? m.targetAlias() : m.targetText();
        StringBuilder sql = new StringBuilder("SELECT ").append(reads.selectList(t, target));
        List<Analysis.SqlExpr> binds = new ArrayList<>();
        sql.append(", ").append(actionCase(clauses, binds)).append(" FROM ");
        from(sql, m, binds);
        sql.append(backend.mergeReadLock());
        int acted = 0;
        try (PreparedStatement ps = reads.prepareRead(c, sql.toString())) {
            bindAll(ps, params, binds);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, 1);
                while (rs.next()) {
                    Row row = reads.read(rs, t);
                    Row key = t.keyOf(row);
                    if (out.put(key, row) == null && rs.getInt(t.columns().size() + 1) > 0) {
                        acted++;
                    }
                }
            }
        }
        return acted;
    }

    /**
     * The primary keys the MERGE will insert: for each source row that matches no target row, the key values
     * of the first applicable WHEN NOT MATCHED clause, if it is an INSERT.
     */
    private List<Row> insertedKeys(Connection c, Analysis.Merge m, TableInfo t, Params params) throws SQLException {
        List<MergeClause> clauses = m.clauses().stream().filter(cl -> !cl.matched()).toList();
        if (clauses.stream().noneMatch(cl -> cl.action() == MergeAction.INSERT)) {
            return List.of();
        }
        List<Analysis.SqlExpr> binds = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(clauseIndexCase(clauses, binds));
        for (MergeClause cl : clauses) {
            if (cl.action() != MergeAction.INSERT) continue;
            for (TableInfo.Column k : t.primaryKey()) {
                Analysis.SqlExpr v = insertValue(cl, t, k);
                sql.append(", (").append(v.text()).append(')');
                binds.add(v);
            }
        }
        sql.append(" FROM ").append(m.source().text());
        List<Analysis.SqlExpr> ordered = new ArrayList<>(binds); // parameters in the order the text reads
        ordered.add(m.source());
        if (m.sourceAlias() != null) sql.append(" AS ").append(m.sourceAlias());
        sql.append(" WHERE NOT EXISTS (SELECT 1 FROM ").append(m.targetText());
        if (m.targetAlias() != null) sql.append(" AS ").append(m.targetAlias());
        sql.append(" WHERE ").append(m.on().text()).append(')');
        ordered.add(m.on());
        List<Row> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bindAll(ps, params, ordered);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int clause = rs.getInt(1);
                    if (clause == 0 || clauses.get(clause - 1).action() != MergeAction.INSERT) continue;
                    int at = 2;
                    for (int i = 0; i < clause - 1; i++) {
                        if (clauses.get(i).action() == MergeAction.INSERT) at += t.primaryKey().size();
                    }
                    Row.Builder key = Row.builder();
                    for (TableInfo.Column k : t.primaryKey()) {
                        key.put(k.name(), Values.read(rs, at++, k, dialect));
                    }
                    keys.add(key.build());
                }
            }
        }
        return keys;
    }

    /** {@code CASE WHEN cond THEN 1|0 … ELSE 0 END}: 1 where the first applicable clause updates or deletes. */
    private static String actionCase(List<MergeClause> clauses, List<Analysis.SqlExpr> binds) {
        StringBuilder b = new StringBuilder("CASE");
        for (MergeClause cl : clauses) {
            b.append(" WHEN ").append(cl.condition() == null ? "1 = 1" : "(" + cl.condition().text() + ")")
                    .append(" THEN ").append(cl.action() == MergeAction.NOTHING ? 0 : 1);
            if (cl.condition() != null) binds.add(cl.condition());
        }
        return b.append(" ELSE 0 END").toString();
    }

    /** {@code CASE WHEN cond THEN i … ELSE 0 END}: the 1-based index of the first applicable clause, 0 for none. */
    private static String clauseIndexCase(List<MergeClause> clauses, List<Analysis.SqlExpr> binds) {
        StringBuilder b = new StringBuilder("CASE");
        for (int i = 0; i < clauses.size(); i++) {
            MergeClause cl = clauses.get(i);
            b.append(" WHEN ").append(cl.condition() == null ? "1 = 1" : "(" + cl.condition().text() + ")").append(" THEN ").append(i + 1);
            if (cl.condition() != null) binds.add(cl.condition());
        }
        return b.append(" ELSE 0 END").toString();
    }

    /** {@code target [AS a] JOIN source [AS b] ON cond}, noting the parameters in text order. */
    private static void from(StringBuilder sql, Analysis.Merge m, List<Analysis.SqlExpr> binds) {
        sql.append(m.targetText());
        if (m.targetAlias() != null) sql.append(" AS ").append(m.targetAlias());
        sql.append(" JOIN ").append(m.source().text());
        binds.add(m.source());
        if (m.sourceAlias() != null) sql.append(" AS ").append(m.sourceAlias());
        sql.append(" ON ").append(m.on().text());
        binds.add(m.on());
    }

    /** The value an INSERT clause gives key column {@code k}, or null. */
    private static Analysis.SqlExpr insertValue(MergeClause c, TableInfo t, TableInfo.Column k) {
        if (c.insertColumns().isEmpty()) {
            int i = t.columns().indexOf(k);
            return i < c.insertValues().size() ? c.insertValues().get(i) : null;
        }
        for (int i = 0; i < c.insertColumns().size(); i++) {
            TableInfo.Column col = t.column(c.insertColumns().get(i));
            if (k.equals(col)) return c.insertValues().get(i);
        }
        return null;
    }

    private static void bindAll(PreparedStatement ps, Params params, List<Analysis.SqlExpr> exprs) throws SQLException {
        int at = 1;
        for (Analysis.SqlExpr e : exprs) {
            at = RowReads.bind(ps, params, e, at);
        }
    }
}
