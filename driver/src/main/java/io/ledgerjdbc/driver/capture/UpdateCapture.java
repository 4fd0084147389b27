package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Captures an UPDATE on a table with a primary key: the rows its WHERE selects are read and locked first (their
 * before-images and new keys), then it runs. The rows it changed are then known exactly:
 * <ul>
 *   <li>from the statement itself where it returns them ({@link Write#returnsChangedRows}, see {@link ChangedRows}:
 *       PostgreSQL the new images, H2 the keys): each must be one of the rows read and locked before, whose image is
 *       then its exact before-image (nobody else could change it in between); a row it changed that was not
 *       read before (it entered the WHERE's rows in between) fails the statement with 40001. Rows read but
 *       not changed (they left the WHERE's rows) are simply not recorded.</li>
 *   <li>MariaDB: its locking read is a current read at every isolation level, and locks the rows it reads,
 *       the subqueries' rows too (see {@link io.ledgerjdbc.driver.backend.MariaDbSubqueryLocks}); so until the UPDATE
 *       (itself a current read) runs, no row the WHERE depends on can change: the rows read still match it, the
 *       UPDATE changes at least them, and the update count tells whether it changed more (40001).</li>
 *   <li>SQLite: one writer per database file, and the session takes the write lock before the read
 *       (LedgerTransaction#takeSqliteWriteLock): nothing can change between the read and the write.</li>
 * </ul>
 * Otherwise the after-images are read back by their new keys.
 *
 * <p>Contract: runs inside the caller's transaction on the caller's connection, one thread per connection; the
 * locks it takes last until that transaction ends. Returns one {@link RowChange#update} per row whose image
 * changed, in the order of the locked read. A table without a primary key goes to {@link KeylessCapture}.
 */
final class UpdateCapture {

    private final Backend backend;
    private final RowReads reads;
    private final ChangedRows changedRows;
    private final KeylessCapture keyless;

    UpdateCapture(Backend backend, RowReads reads, ChangedRows changedRows, KeylessCapture keyless) {
        this.backend = backend;
        this.reads = reads;
        this.changedRows = changedRows;
        this.keyless = keyless;
    }

    <T> Captured<T> capture(Analysis.Update u, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        WriteFacts facts = w.facts();
        CaptureChecks.refuseUncapturable("UPDATE", t, u.where());
        if (!t.hasPrimaryKey()) {
            return keyless.update(u, w);
        }
        List<Analysis.SqlExpr> keyExprs = facts.updateKeyExprs();
        if (keyExprs == null) {
            keyExprs = new ArrayList<>();
            for (TableInfo.Column k : t.primaryKey()) {
                keyExprs.add(assigned(u, k));
            }
        }
        int keysAssigned = 0;
        for (Analysis.SqlExpr e : keyExprs) {
            if (e != null) keysAssigned++;
        }
        refuseOrderDependentKeyChange(u, t, keysAssigned > 0);
        String sql = facts.updateRead() != null ? facts.updateRead() : readSql(u, t, keyExprs);
        List<Row> before = new ArrayList<>();
        List<Row> newKeys = new ArrayList<>();
        try (RowReads.Read r = reads.read(c, sql)) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (Analysis.SqlExpr e : keyExprs) {
                if (e != null) at = RowReads.bind(ps, params, e, at);
            }
            RowReads.bind(ps, params, u.where(), at);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, keysAssigned);
                while (rs.next()) {
                    Row row = reads.read(rs, t);
                    before.add(row);
                    newKeys.add(newKey(rs, t, keyExprs, row));
                }
            }
        }
        T result = call.call();
        if (w.returnsChangedRows()) {
            return new Captured<>(result, changedExactly(c, t, ctx, result, before, newKeys, w.results(), facts));
        }
        CaptureChecks.requireCount(result, ctx, before.size(), "UPDATE");
        Map<Row, Row> after = reads.readByKeys(c, t, newKeys, facts.oneKeyRead());
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            Row a = after.get(newKeys.get(i));
            if (a == null) {
                throw CaptureChecks.conflict("UPDATE", "a row it updated is gone");
            }
            if (!a.equals(before.get(i))) {
                changes.add(RowChange.update(t.ledgerName(), t.keyOf(before.get(i)), before.get(i), a));
            }
        }
        return new Captured<>(result, changes);
    }

    /**
     * The changes of an UPDATE whose statement returned the rows it changed: each matched to the row read (and
     * locked) before it by its new key, in the order of that read.
     */
    private List<RowChange> changedExactly(Connection c, TableInfo t, ExecutionContext ctx, Object result, List<Row> before,
                                           List<Row> newKeys, StatementResults results, WriteFacts facts) throws SQLException {
        Map<Row, Integer> readAt = new HashMap<>();
        for (int i = 0; i < newKeys.size(); i++) {
            readAt.put(newKeys.get(i), i);
        }
        Row[] after = new Row[before.size()];
        List<Row> changedKeys = new ArrayList<>();
        List<Row> images = null;
        try (ResultSet rs = results.changedRows()) {
            if (changedRows.wholeRows()) {
                images = changedRows.rows(reads, rs, t);
                for (Row a : images) changedKeys.add(t.keyOf(a));
            } else {
                changedKeys.addAll(changedRows.keys(rs, t));
            }
        }
        long count = CaptureChecks.updateCount(result, ctx);
        if (count != changedKeys.size()) {
            throw CaptureChecks.conflict("UPDATE", "it reported " + count + " rows changed but returned " + changedKeys.size());
        }
        Map<Row, Row> read = images != null ? null : reads.readByKeys(c, t, changedKeys, facts.oneKeyRead());
        for (int j = 0; j < changedKeys.size(); j++) {
            Integer i = readAt.get(changedKeys.get(j));
            if (i == null || after[i] != null) {
                throw CaptureChecks.conflict("UPDATE", "it changed a row that was not among the rows its WHERE selected just before "
                        + "(another transaction moved it there meanwhile)");
            }
            after[i] = images != null ? images.get(j) : read.get(changedKeys.get(j));
            if (after[i] == null) {
                throw CaptureChecks.conflict("UPDATE", "a row it updated is gone");
            }
        }
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (after[i] != null && !after[i].equals(before.get(i))) {
                changes.add(RowChange.update(t.ledgerName(), t.keyOf(before.get(i)), before.get(i), after[i]));
            }
        }
        return changes;
    }

    /**
     * The read of an UPDATE's rows before it runs: the whole rows its WHERE selects, each followed by the new value
     * of every key column it assigns ({@code keyExprs}, null where not assigned).
     */
    String readSql(Analysis.Update u, TableInfo t, List<Analysis.SqlExpr> keyExprs) {
        StringBuilder sql = new StringBuilder("SELECT ").append(reads.selectList(t));
        boolean keyAssigned = false;
        for (Analysis.SqlExpr e : keyExprs) {
            if (e != null) {
                sql.append(", (").append(e.text()).append(')');
                keyAssigned = true;
            }
        }
        // The rows read are locked until the transaction ends, so under READ COMMITTED the UPDATE (which
        // re-evaluates its WHERE) can only find more rows than this read, never fewer or other versions: a row
        // committed in between shows in the update count (40001), none slips by unrecorded.
        // PostgreSQL: an UPDATE that keeps the key takes FOR NO KEY UPDATE locks; taking FOR UPDATE here would
        // wait behind foreign-key checks the plain UPDATE does not wait for.
        String lock = !keyAssigned ? backend.forUpdateKeepingKey() : reads.forUpdate();
        sql.append(" FROM ").append(reads.from(t)).append(RowReads.as(u.alias())).append(reads.lockingWhere(u.where())).append(lock);
        return sql.toString();
    }

    /**
     * MariaDB evaluates SET assignments left to right, so {@code SET a = a + 1, id = a} gives id the NEW a;
     * capture computes new keys from the old row. Such an UPDATE is refused rather than recorded wrongly.
     */
    private void refuseOrderDependentKeyChange(Analysis.Update u, TableInfo t, boolean keyAssigned) throws SQLException {
        if (!backend.assignsLeftToRight() || !keyAssigned) {
            return;
        }
        List<String> assignedBefore = new ArrayList<>();
        for (Analysis.Assignment a : u.assignments()) {
            boolean isKey = t.primaryKey().stream().anyMatch(k -> k.name().equalsIgnoreCase(a.column()));
            if (isKey) {
                for (String earlier : assignedBefore) {
                    if (Pattern.compile("(?i)(?<![\\w`])`?" + Pattern.quote(earlier) + "`?(?![\\w`])")
                            .matcher(a.value().text()).find()) {
                        throw CaptureRefusal.of("an UPDATE whose new key reads a column assigned before it",
                                "MariaDB evaluates SET left to right, so " + a.column() + " = " + a.value().text()
                                        + " sees the new " + earlier + "; assign the key first or in its own UPDATE");
                    }
                }
            }
            assignedBefore.add(a.column());
        }
    }

    /** The value the UPDATE assigns to key column {@code k}, or null when it keeps it. */
    static Analysis.SqlExpr assigned(Analysis.Update u, TableInfo.Column k) {
        for (Analysis.Assignment a : u.assignments()) {
            if (a.quoted() ? a.column().equals(k.name()) : a.column().equalsIgnoreCase(k.name())) {
                return a.value();
            }
        }
        return null;
    }

    private Row newKey(ResultSet rs, TableInfo t, List<Analysis.SqlExpr> keyExprs, Row before) throws SQLException {
        Value[] key = new Value[t.primaryKey().size()];
        int extra = t.columns().size() + 1;
        for (int i = 0; i < key.length; i++) {
            TableInfo.Column k = t.primaryKey().get(i);
            key[i] = keyExprs.get(i) == null ? before.get(k.name()) : reads.readKeyValue(rs, extra++, k);
        }
        return t.keyLayout().row(key);
    }
}
