package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.driver.backend.RowSql;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Certifies one recorded row change against the row as it is in this member's database and applies the recorded
 * after-image: the row must still be what the origin read (its before-image), an inserted key must still be free.
 * A mismatch is a {@link Conflict}: a transaction ordered first in the log changed the row.
 *
 * <p>Runs in the applier's open local transaction, on its connection, on the applying thread only. Reads lock the
 * row ({@link RowSql#selectForUpdate}) so that no local rehearsal changes it before the commit. Applies recorded
 * values only; never re-runs the origin's SQL.
 */
final class RowCertifier {

    private final Connection c;
    private final SqlDialect dialect;
    private final RowSql rows;
    private final TableCatalog catalog;
    private final StatementCache statements;

    RowCertifier(Connection c, SqlDialect dialect, RowSql rows, TableCatalog catalog, StatementCache statements) {
        this.c = c;
        this.dialect = dialect;
        this.rows = rows;
        this.catalog = catalog;
        this.statements = statements;
    }

    void certifyAndApply(RowChange rc) throws SQLException {
        TableInfo t = catalog.table(c, Analysis.TableRef.ofLedgerName(rc.table()));
        Row current = read(t, rc.key());
        switch (rc.op()) {
            case INSERT -> {
                if (current != null) {
                    throw new Conflict("row " + rc.key() + " of " + rc.table() + " was inserted by a transaction ordered first");
                }
                insert(t, rc.after());
            }
            case UPDATE -> {
                requireUnchanged(rc, current);
                if (!rc.key().equals(t.keyOf(rc.after())) && read(t, t.keyOf(rc.after())) != null) {
                    throw new Conflict("the new key " + t.keyOf(rc.after()) + " of " + rc.table() + " was taken by a transaction ordered first");
                }
                update(t, rc.key(), rc.after());
            }
            case DELETE -> {
                requireUnchanged(rc, current);
                delete(t, rc.key());
            }
        }
    }

    private static void requireUnchanged(RowChange rc, Row current) throws Conflict {
        if (current == null) {
            throw new Conflict("row " + rc.key() + " of " + rc.table() + " was deleted by a transaction ordered first");
        }
        if (!current.equals(rc.before())) {
            throw new Conflict("row " + rc.key() + " of " + rc.table() + " was changed by a transaction ordered first");
        }
    }

    private Row read(TableInfo t, Row key) throws SQLException {
        PreparedStatement ps = statements.prepared(rows.selectForUpdate(table(t), t.columns().stream().map(TableInfo.Column::name).toList(), key));
        rows.bindKey(ps, 1, key, binder(t));
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Row.Builder row = Row.builder();
            for (int i = 0; i < t.columns().size(); i++) {
                TableInfo.Column col = t.columns().get(i);
                row.put(col.name(), Values.read(rs, i + 1, col, dialect));
            }
            return row.build();
        }
    }

    private void insert(TableInfo t, Row row) throws SQLException {
        PreparedStatement ps = statements.prepared(rows.insert(table(t), row));
        rows.bindAll(ps, 1, row, binder(t));
        ps.executeUpdate();
    }

    private void update(TableInfo t, Row key, Row after) throws SQLException {
        PreparedStatement ps = statements.prepared(rows.update(table(t), after, key));
        int at = rows.bindAll(ps, 1, after, binder(t));
        rows.bindKey(ps, at, key, binder(t));
        ps.executeUpdate();
    }

    private void delete(TableInfo t, Row key) throws SQLException {
        PreparedStatement ps = statements.prepared(rows.delete(table(t), key));
        rows.bindKey(ps, 1, key, binder(t));
        ps.executeUpdate();
    }

    /** Binds recorded values with their column's type (PostgreSQL casts untyped text to it). */
    private RowSql.Binder binder(TableInfo t) {
        return (ps, index, v, column) -> Values.bind(ps, index, v, t.column(column), dialect);
    }

    private String table(TableInfo t) {
        return rows.table(t.schema(), t.name());
    }

    /** Certification failed: a transaction ordered before this one changed a row this one read. */
    static final class Conflict extends SQLException {
        Conflict(String message) {
            super(message, SqlStates.SERIALIZATION_FAILURE);
        }
    }
}
