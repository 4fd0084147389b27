package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures an upsert ({@code ON CONFLICT}, {@code ON DUPLICATE KEY}, …) by the primary-key values it names: each
 * named row is read (and locked) before and read again after the statement; a row that appeared is an INSERT, one
 * that changed an UPDATE, one that vanished a DELETE. Sound only when the primary key is the table's one unique
 * constraint (so no other row can be hit) and every row gives its whole key as a value or parameter; anything else
 * is refused (0A000) before it runs.
 *
 * <p>Contract: runs inside the caller's transaction on the caller's connection, one thread per connection; the
 * before-reads lock the named rows until that transaction ends. Returns the changes in VALUES order; a later row
 * naming the same key as an earlier one sees the earlier one's result.
 */
final class UpsertCapture {

    private final RowReads reads;

    UpsertCapture(RowReads reads) {
        this.reads = reads;
    }

    <T> Captured<T> capture(Analysis.Upsert upsert, Write<T> w) throws SQLException {
        Analysis.Insert ins = upsert.core();
        String construct = upsert.construct();
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        RealCall<T> call = w.call();
        CaptureChecks.refuseUncapturable(construct, t, null);
        if (!t.hasPrimaryKey() || t.otherUniqueKeys()) {
            throw CaptureRefusal.of(construct + " on " + t.ledgerName(), !t.hasPrimaryKey() ? "the table has no primary key"
                    : "the table has unique constraints besides its primary key, so the row it hits cannot be known in advance");
        }
        List<TableInfo.Column> columns = InsertCapture.insertColumns(ins.columns(), t);
        if (!t.primaryKey().stream().allMatch(columns::contains)) {
            throw CaptureRefusal.of(construct + " without its primary key", "capture finds the rows an upsert touches by the key it names");
        }
        List<List<Analysis.SqlExpr>> keys = new ArrayList<>();
        List<Row> before = new ArrayList<>();
        for (List<Analysis.SqlExpr> values : ins.rows()) {
            List<Analysis.SqlExpr> k = InsertCapture.keyExpressions(values, t, columns);
            keys.add(k);
            before.add(findRowByKeyExpressions(c, t, k, params, reads.forUpdate()));
        }
        T result = call.call();
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Row b = before.get(i);
            Row a = findRowByKeyExpressions(c, t, keys.get(i), params, "");
            if (b == null && a != null) {
                changes.add(RowChange.insert(t.ledgerName(), t.keyOf(a), a));
            } else if (b != null && a == null) {
                changes.add(RowChange.delete(t.ledgerName(), t.keyOf(b), b));
            } else if (b != null && !b.equals(a)) {
                changes.add(RowChange.update(t.ledgerName(), t.keyOf(b), b, a));
            }
            if (b == null && a != null) {
                before.set(i, a); // a later row of the same statement with the same key now finds this one
                for (int j = i + 1; j < keys.size(); j++) {
                    if (keys.get(j).equals(keys.get(i))) before.set(j, a);
                }
            }
        }
        return new Captured<>(result, changes);
    }

    /** The row whose key equals the key expressions (compared by the database), or null. */
    private Row findRowByKeyExpressions(Connection c, TableInfo t, List<Analysis.SqlExpr> keyExprs, Params params, String lock)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(reads.selectList(t)).append(" FROM ").append(reads.from(t)).append(" WHERE ");
        for (int i = 0; i < t.primaryKey().size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(reads.q(t.primaryKey().get(i).name())).append(" = ").append(keyExprs.get(i).text());
        }
        sql.append(lock);
        try (RowReads.Read r = reads.read(c, sql.toString())) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (Analysis.SqlExpr e : keyExprs) at = RowReads.bind(ps, params, e, at);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, 0);
                return rs.next() ? reads.read(rs, t) : null;
            }
        }
    }
}
