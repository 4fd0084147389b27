package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.backend.RowSql;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
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
 * Capture's reads of whole rows: it prepares them (from the connection's statement cache when its session keeps
 * one), builds their SQL pieces (the table, the select list, the lock), reads rows by key a few hundred keys per
 * query, and turns result rows into {@link Row}s after checking the result still has the table's cached columns.
 *
 * <p>Contract: every read runs on the caller's connection, inside the caller's transaction, so a locking read
 * ({@link #forUpdate}) holds its locks until that transaction ends. One connection is used by one thread at a time;
 * the statement cache is per connection ({@link #attach}). Reads return the rows as stored; a result whose columns
 * differ from the cached metadata fails with {@link TableChanged}.
 */
final class RowReads {

    private static final int KEYS_PER_QUERY = 200;

    private final SqlDialect dialect;
    private final Backend backend;
    private final RowSql rowSql;

    /** The statements cached per connection, for connections whose session registered them. */
    private final Map<Connection, CaptureStatements> cached = new java.util.concurrent.ConcurrentHashMap<>();

    RowReads(SqlDialect dialect, Backend backend) {
        this.dialect = dialect;
        this.backend = backend;
        this.rowSql = new RowSql(backend);
    }

    /** Capture reads on {@code c} use {@code statements} until {@link #detach}. */
    void attach(Connection c, CaptureStatements statements) {
        cached.put(c, statements);
    }

    void detach(Connection c) {
        cached.remove(c);
    }

    /** Every row of the table (to adopt a table the ledger has not seen yet). */
    List<Row> readAll(Connection c, TableInfo t) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = prepareRead(c, "SELECT " + selectList(t) + " FROM " + from(t));
             ResultSet rs = ps.executeQuery()) {
            requireShape(rs, t, 0, 0);
            while (rs.next()) {
                rows.add(read(rs, t));
            }
        }
        return rows;
    }

    /** Reads full rows by key, a few hundred keys per query. */
    Map<Row, Row> readByKeys(Connection c, TableInfo t, List<Row> keys) throws SQLException {
        return readByKeys(c, t, keys, null);
    }

    /** {@code oneKeyRead}: {@link #readByKeysSql readByKeysSql(t, 1)} worked out earlier, or null. */
    Map<Row, Row> readByKeys(Connection c, TableInfo t, List<Row> keys, String oneKeyRead) throws SQLException {
        Map<Row, Row> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<Row> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            String sql = part.size() == 1 && oneKeyRead != null ? oneKeyRead : readByKeysSql(t, part.size());
            try (Read r = read(c, sql)) {
                PreparedStatement ps = r.ps();
                int at = 1;
                for (Row key : part) {
                    for (TableInfo.Column k : t.primaryKey()) {
                        Values.bind(ps, at++, key.get(k.name()), k, dialect);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    requireShape(rs, t, 0, 0);
                    while (rs.next()) {
                        Row row = read(rs, t);
                        out.put(t.keyOf(row), row);
                    }
                }
            }
        }
        return out;
    }

    /** The read of {@code rows} whole rows by their keys. */
    String readByKeysSql(TableInfo t, int rows) {
        return rowSql.selectByKeys(from(t), selectList(t), t.primaryKey().stream().map(TableInfo.Column::name).toList(),
                t.primaryKey().stream().map(TableInfo.Column::typeName).toList(), rows);
    }

    Row read(ResultSet rs, TableInfo t) throws SQLException {
        return read(rs, t, 0);
    }

    /** The row in the table's columns after the first {@code offset} columns of the result. */
    Row read(ResultSet rs, TableInfo t, int offset) throws SQLException {
        List<TableInfo.Column> columns = t.columns();
        Value[] values = new Value[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Values.read(rs, offset + i + 1, columns.get(i), dialect);
        }
        return t.rowLayout().row(values);
    }

    /** The value of key column {@code k} at result column {@code column}. */
    Value readKeyValue(ResultSet rs, int column, TableInfo.Column k) throws SQLException {
        return Values.read(rs, column, k, dialect);
    }

    static int bind(PreparedStatement ps, Params params, Analysis.SqlExpr e, int at) throws SQLException {
        if (e == null || e.paramCount() == 0) {
            return at;
        }
        params.bindRange(ps, e.firstParam(), e.paramCount(), at);
        return at + e.paramCount();
    }

    /**
     * Every column, as {@code *} rather than by name: a column another process added since the metadata was
     * cached then shows up, and {@link #requireShape} notices it instead of leaving it out of the image.
     */
    String selectList(TableInfo t) {
        return selectList(t, null);
    }

    String selectList(TableInfo t, String qualifier) {
        return qualifier == null ? "*" : qualifier + ".*";
    }

    /**
     * Prepares a capture read. PostgreSQL: never as a named server-side statement, because pgjdbc prepares a
     * repeated statement on the server, and after an ALTER TABLE the cached {@code SELECT *} would fail with
     * "cached plan must not change result type", aborting the whole transaction.
     */
    PreparedStatement prepareRead(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        backend.prepareRead(ps);
        return ps;
    }

    /** A capture read: the connection's cached statement, or (no cache registered) a fresh one closed after use. */
    record Read(PreparedStatement ps, boolean owned) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (owned) {
                ps.close();
            }
        }
    }

    /** Like {@link #prepareRead}, but from the connection's statement cache when its session keeps one. */
    Read read(Connection c, String sql) throws SQLException {
        CaptureStatements statements = cached.get(c);
        return statements == null ? new Read(prepareRead(c, sql), true) : new Read(statements.get(sql, this::prepareRead), false);
    }

    /**
     * Checks that a result's columns from {@code offset + 1} are exactly the table's cached columns, followed by
     * {@code extra} computed ones.
     */
    static void requireShape(ResultSet rs, TableInfo t, int offset, int extra) throws SQLException {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        int expected = offset + t.columns().size() + extra;
        if (md.getColumnCount() != expected) {
            throw new TableChanged(t, "it has " + (md.getColumnCount() - offset - extra) + " columns, " + t.columns().size() + " were known");
        }
        for (int i = 0; i < t.columns().size(); i++) {
            String name = md.getColumnName(offset + i + 1);
            if (!t.columns().get(i).name().equalsIgnoreCase(name)) {
                throw new TableChanged(t, "column " + (i + 1) + " is " + name + ", not " + t.columns().get(i).name());
            }
        }
    }

    String from(TableInfo t) {
        return t.ledgerName().equals(t.name()) ? q(t.name()) : q(t.schema()) + "." + q(t.name());
    }

    /** The write's own alias, so that its WHERE and SET expressions mean the same in capture's SELECT. */
    static String as(String alias) {
        return alias == null ? "" : " " + alias;
    }

    /** The WHERE of a locking read of a write's rows: on MariaDB its subqueries lock too (see Backend#lockingWhere). */
    String lockingWhere(Analysis.SqlExpr where) {
        return where == null ? "" : " WHERE " + backend.lockingWhere(where.text());
    }

    String forUpdate() {
        return backend.forUpdate();
    }

    String q(String identifier) {
        return backend.quote(identifier);
    }
}
