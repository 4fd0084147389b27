package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
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
 * Captures a DELETE. Where the statement returns the rows it deleted ({@link Write#returnsChangedRows}: PostgreSQL
 * {@code RETURNING *}) those are the images, exactly, and nothing is read. Elsewhere the rows its WHERE selects are
 * read and locked first; on H2 (whose locking read can return a row that has just left the WHERE's rows, see
 * ChangedRows) the rows read are then looked up again: all gone and as many as the count means the DELETE removed
 * exactly them (each stays locked by this transaction, so no one else removed it), otherwise 40001. MariaDB and
 * SQLite are exact for the reasons given at {@link UpdateCapture}.
 *
 * <p>Contract: runs inside the caller's transaction on the caller's connection, one thread per connection; the
 * locks it takes last until that transaction ends. Returns one {@link RowChange#delete} per row deleted, in the
 * order read (or returned).
 */
final class DeleteCapture {

    private final Backend backend;
    private final RowReads reads;
    private final ChangedRows changedRows;

    DeleteCapture(Backend backend, RowReads reads, ChangedRows changedRows) {
        this.backend = backend;
        this.reads = reads;
        this.changedRows = changedRows;
    }

    <T> Captured<T> capture(Analysis.Delete d, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        CaptureChecks.refuseUncapturable("DELETE", t, d.where());
        if (w.returnsChangedRows()) {
            T result = call.call();
            List<Row> deleted;
            try (ResultSet rs = w.results().changedRows()) {
                deleted = changedRows.rows(reads, rs, t);
            }
            CaptureChecks.requireCount(result, ctx, deleted.size(), "DELETE");
            return new Captured<>(result, deletes(t, deleted));
        }
        String sql = "SELECT " + reads.selectList(t) + " FROM " + reads.from(t) + RowReads.as(d.alias())
                + reads.lockingWhere(d.where()) + reads.forUpdate();
        List<Row> before = new ArrayList<>();
        try (RowReads.Read r = reads.read(c, sql)) {
            PreparedStatement ps = r.ps();
            RowReads.bind(ps, params, d.where(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, 0);
                while (rs.next()) {
                    before.add(reads.read(rs, t));
                }
            }
        }
        T result = call.call();
        CaptureChecks.requireCount(result, ctx, before.size(), "DELETE");
        if (!backend.lockedReadIsTheWritesRows() && t.hasPrimaryKey() && !before.isEmpty()) {
            List<Row> keys = new ArrayList<>(before.size());
            for (Row row : before) keys.add(t.keyOf(row));
            if (!reads.readByKeys(c, t, keys).isEmpty()) {
                throw CaptureChecks.conflict("DELETE", "a row its WHERE selected just before is still there, so it deleted another "
                        + "(another transaction moved it there meanwhile)");
            }
        }
        return new Captured<>(result, deletes(t, before));
    }

    private static List<RowChange> deletes(TableInfo t, List<Row> rows) {
        List<RowChange> changes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            changes.add(RowChange.delete(t.ledgerName(), t.keyOf(row), row));
        }
        return changes;
    }
}
