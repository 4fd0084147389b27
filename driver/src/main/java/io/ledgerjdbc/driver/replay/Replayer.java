package io.ledgerjdbc.driver.replay;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.Identifiers;
import io.ledgerjdbc.driver.capture.Values;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.SqlDialect;
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
    private final Backend backend;

    public Replayer(SqlDialect dialect) {
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
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
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table(table)).append(" (");
        for (int i = 0; i < row.size(); i++) sql.append(i == 0 ? "" : ", ").append(q(row.name(i)));
        sql.append(") VALUES (").append("?, ".repeat(row.size() - 1)).append("?)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < row.size(); i++) Values.bind(ps, i + 1, row.value(i), null, dialect);
            expectOne(ps.executeUpdate(), "INSERT", table, row);
        }
    }

    private void update(Connection c, String table, Row key, Row after, boolean wholeRow) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE ").append(table(table)).append(" SET ");
        for (int i = 0; i < after.size(); i++) sql.append(i == 0 ? "" : ", ").append(q(after.name(i))).append(" = ?");
        sql.append(wholeRow ? whereOneRow(table, key) : whereKey(key));
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int at = 1;
            for (int i = 0; i < after.size(); i++) Values.bind(ps, at++, after.value(i), null, dialect);
            for (int i = 0; i < key.size(); i++) Values.bind(ps, at++, key.value(i), null, dialect);
            expectOne(ps.executeUpdate(), "UPDATE", table, key);
        }
    }

    private void delete(Connection c, String table, Row key, boolean wholeRow) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(table) + (wholeRow ? whereOneRow(table, key) : whereKey(key)))) {
            for (int i = 0; i < key.size(); i++) Values.bind(ps, i + 1, key.value(i), null, dialect);
            expectOne(ps.executeUpdate(), "DELETE", table, key);
        }
    }

    private String whereKey(Row key) {
        StringBuilder sb = new StringBuilder(" WHERE ");
        for (int i = 0; i < key.size(); i++) sb.append(i == 0 ? "" : " AND ").append(q(key.name(i))).append(" = ?");
        return sb.toString();
    }

    /**
     * Picks one row equal to {@code row} in every column, NULLs included, by the database's row identity (SQLite
     * rowid, H2 _ROWID_, PostgreSQL ctid) or, on MariaDB, with {@code LIMIT 1}. Binds the row's values once.
     */
    private String whereOneRow(String table, Row row) {
        StringBuilder eq = new StringBuilder();
        String op = backend.nullSafeEquals();
        for (int i = 0; i < row.size(); i++) eq.append(i == 0 ? "" : " AND ").append(q(row.name(i))).append(op);
        String id = backend.rowIdentity();
        if (id == null) {
            return " WHERE " + eq + " LIMIT 1";
        }
        return " WHERE " + id + " = (SELECT " + id + " FROM " + table(table) + " WHERE " + eq + " LIMIT 1)";
    }

    private static void expectOne(int count, String op, String table, Row row) throws SQLException {
        if (count != 1) {
            throw new SQLException("replay of " + op + " on " + table + " " + row + " changed " + count + " rows, not 1", "XX001");
        }
    }

    private String table(String ledgerName) {
        int dot = ledgerName.indexOf('.');
        return dot < 0 ? q(ledgerName) : q(ledgerName.substring(0, dot)) + "." + q(ledgerName.substring(dot + 1));
    }

    private String q(String identifier) {
        return Identifiers.quote(dialect, identifier);
    }
}
