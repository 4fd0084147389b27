package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.backend.ReturnedRows;
import io.ledgerjdbc.driver.jdbc.KeyRequest;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows an UPDATE or DELETE changed, as the statement itself reports them: the exact row set, taken in the
 * statement, not read before or after it. Capture asks for them through the generated-keys mechanism when the
 * application asks for no keys (the application then sees what the raw driver shows for that case):
 * <ul>
 *   <li>PostgreSQL: {@code RETURNING *} (pgjdbc appends it for the column name {@code *}) on UPDATE and DELETE:
 *       the new images of exactly the rows updated, the old images of exactly the rows deleted. An INSERT is not asked: with
 *       {@code RETURNING *} pgjdbc sends BEGIN alone and a Sync before each INSERT (measured: 204 round trips per
 *       100-row transaction against 106 with the batched read-back, InsertReadBack).</li>
 *   <li>H2: an UPDATE asked for its primary-key columns returns them for exactly the rows it updated (H2 builds
 *       them as it builds its {@code FINAL TABLE} delta); its DELETE returns none, so none is asked.</li>
 *   <li>MariaDB and SQLite: nothing (MariaDB's generated keys are only AUTO_INCREMENT ids; sqlite-jdbc the last
 *       rowid). Their exactness comes from locking, see {@link UpdateCapture}.</li>
 * </ul>
 * Why a read before the write cannot give the set (measured, PostgreSQL and H2 at READ COMMITTED): a locking read
 * whose WHERE has a subquery evaluates the subquery on its snapshot, waits for a row another transaction holds,
 * and returns that row's new version even though it left the group; the UPDATE that follows runs on a newer
 * snapshot and changes a row that entered the group instead. The count matches; the rows differ.
 *
 * <p>Threading: stateless, one per node.
 */
public final class ChangedRows {

    private static final String[] ALL = {"*"};

    private final Backend backend;

    public ChangedRows(Backend backend) {
        this.backend = backend;
    }

    /** What to ask an UPDATE of the keyed table {@code t} to return, or null when this database returns nothing. */
    public KeyRequest forUpdate(TableInfo t) {
        return switch (backend.updateReturns()) {
            case WHOLE_ROWS -> KeyRequest.names(ALL);
            case KEY_COLUMNS -> KeyRequest.names(t.primaryKey().stream().map(TableInfo.Column::name).toArray(String[]::new));
            case NOTHING -> null;
        };
    }

    /** What to ask a DELETE to return (any table: whole rows), or null when this database returns nothing. */
    public KeyRequest forDelete() {
        return backend.deleteReturnsRows() ? KeyRequest.names(ALL) : null;
    }

    /** Whether the statement's result holds whole rows (else only the primary key, in key order). */
    boolean wholeRows() {
        return backend.updateReturns() == ReturnedRows.WHOLE_ROWS;
    }

    /** The whole rows in a {@link #wholeRows} result. */
    List<Row> rows(RowReads reads, ResultSet rs, TableInfo t) throws SQLException {
        RowReads.requireShape(rs, t, 0, 0);
        List<Row> out = new ArrayList<>();
        while (rs.next()) {
            out.add(reads.read(rs, t));
        }
        return out;
    }

    /** The primary keys in a result of key columns (H2). */
    List<Row> keys(ResultSet rs, TableInfo t) throws SQLException {
        List<TableInfo.Column> key = t.primaryKey();
        if (rs.getMetaData().getColumnCount() != key.size()) {
            throw new TableChanged(t, "the UPDATE returned " + rs.getMetaData().getColumnCount() + " key columns, " + key.size() + " were known");
        }
        List<Row> out = new ArrayList<>();
        while (rs.next()) {
            Value[] values = new Value[key.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = Values.read(rs, i + 1, key.get(i), backend.dialect());
            }
            out.add(t.keyLayout().row(values));
        }
        return out;
    }
}
