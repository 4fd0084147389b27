package io.ledgerjdbc.driver.replay;

import io.ledgerjdbc.driver.backend.RowSql;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Applies ledger entries to a database by their recorded row images and DDL text, never by re-running the
 * application's SQL: the deterministic replay that proves a ledger reproduces its tables (and that
 * followers will use to apply the leader's entries). Runs in the caller's transaction.
 */
public final class Replayer {

    private final SqlDialect dialect;
    private final RowSql rows;

    public Replayer(SqlDialect dialect) {
        this.dialect = dialect;
        this.rows = RowSql.of(dialect);
    }

    public void apply(Connection c, LedgerEntry entry) throws SQLException {
        for (Change change : entry.changes()) {
            if (change instanceof DdlChange ddl) {
                try (Statement s = c.createStatement()) {
                    s.execute(ddl.sql());
                }
            } else if (change instanceof RowChange rc) {
                apply(c, rc);
            }
        }
    }

    private void apply(Connection c, RowChange rc) throws SQLException {
        switch (rc.op()) {
            case INSERT -> insert(c, rc.table(), rc.after());
            case UPDATE -> update(c, rc.table(), rc.key(), rc.after(), isWholeRow(rc.key(), rc.before()));
            case DELETE -> delete(c, rc.table(), rc.key(), isWholeRow(rc.key(), rc.before()));
        }
    }

    /**
     * A key that names every column of the row: the table has no primary key (or its key is every column).
     * Such rows may repeat and hold NULLs, so replay compares NULL-safely and changes exactly one of the equal
     * rows (which one does not matter: they are equal).
     */
    private static boolean isWholeRow(Row key, Row before) {
        return before != null && key.names().equals(before.names());
    }

    private void insert(Connection c, String table, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(rows.insert(rows.ledgerTable(table), row))) {
            rows.bindAll(ps, 1, row, this::bind);
            expectOne(ps.executeUpdate(), "INSERT", table, row);
        }
    }

    /** {@code wholeRow}: the key names every column, so one of possibly several equal rows is changed. */
    private void update(Connection c, String table, Row key, Row after, boolean wholeRow) throws SQLException {
        String t = rows.ledgerTable(table);
        try (PreparedStatement ps = c.prepareStatement(wholeRow ? rows.updateOneRow(t, after, key) : rows.update(t, after, key))) {
            int at = rows.bindAll(ps, 1, after, this::bind);
            rows.bindKey(ps, at, key, this::bind);
            expectOne(ps.executeUpdate(), "UPDATE", table, key);
        }
    }

    private void delete(Connection c, String table, Row key, boolean wholeRow) throws SQLException {
        String t = rows.ledgerTable(table);
        try (PreparedStatement ps = c.prepareStatement(wholeRow ? rows.deleteOneRow(t, key) : rows.delete(t, key))) {
            rows.bindKey(ps, 1, key, this::bind);
            expectOne(ps.executeUpdate(), "DELETE", table, key);
        }
    }

    /** Recorded values are bound without a column type (replay reads no metadata). */
    private void bind(PreparedStatement ps, int index, Value v, String column) throws SQLException {
        Values.bind(ps, index, v, null, dialect);
    }

    private static void expectOne(int count, String op, String table, Row row) throws SQLException {
        if (count != 1) {
            throw new SQLException("replay of " + op + " on " + table + " " + row + " changed " + count + " rows, not 1", SqlStates.DATA_CORRUPTED);
        }
    }
}
