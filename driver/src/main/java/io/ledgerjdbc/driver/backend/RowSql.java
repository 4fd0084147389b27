package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The SQL that reads, inserts, updates or deletes rows by their key: the one place capture's reads, replay and
 * the cluster applier get it from.
 *
 * <p>The NULL rule, the same everywhere: a key value that is NULL is matched with {@code IS NULL} and binds
 * nothing; every other value with {@code = ?}. (A primary key holds no NULLs, so its SQL is plain {@code = ?},
 * which every database answers from the key's index; a key-less table's "key" is the whole row and may.)
 * {@link #bindKey} binds exactly the values {@link #whereKey} left a {@code ?} for.
 *
 * <p>Threading: immutable; the SQL depends only on the backend, the names and which key values are NULL.
 */
public final class RowSql {

    /** Binds one value the SQL left a {@code ?} for. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps, int index, Value value, String column) throws SQLException;
    }

    private final Backend backend;

    public RowSql(Backend backend) {
        this.backend = backend;
    }

    public static RowSql of(SqlDialect dialect) {
        return new RowSql(Backend.of(dialect));
    }

    /** {@code name}, qualified by {@code schema} when there is one, both quoted. */
    public String table(String schema, String name) {
        return schema == null ? backend.quote(name) : backend.quote(schema) + "." + backend.quote(name);
    }

    /** A table by its ledger name ({@code table} or {@code schema.table}), quoted. */
    public String ledgerTable(String ledgerName) {
        int dot = ledgerName.indexOf('.');
        return dot < 0 ? backend.quote(ledgerName) : table(ledgerName.substring(0, dot), ledgerName.substring(dot + 1));
    }

    /** {@code SELECT columns FROM table WHERE key} (locking where the database locks rows). */
    public String selectForUpdate(String table, List<String> columns, Row key) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(backend.quote(columns.get(i)));
        }
        return sql.append(" FROM ").append(table).append(whereKey(key)).append(backend.forUpdate()).toString();
    }

    /**
     * {@code SELECT selectList FROM table WHERE …} for {@code rows} primary keys, bound key after key in
     * {@code keyColumns} order (their types {@code keyTypes}): {@code k IN (?, …)} for a one-column key, else as the
     * database uses the key's index ({@link Backend#compositeKeyList}).
     */
    public String selectByKeys(String table, String selectList, List<String> keyColumns, List<String> keyTypes, int rows) {
        StringBuilder sql = new StringBuilder("SELECT ").append(selectList).append(" FROM ").append(table).append(" WHERE ");
        if (keyColumns.size() == 1) {
            return sql.append(backend.quote(keyColumns.get(0))).append(" IN (?").append(", ?".repeat(rows - 1)).append(')').toString();
        }
        CompositeKeyList form = rows > 1 ? backend.compositeKeyList(keyTypes) : CompositeKeyList.OR_OF_ANDS;
        if (form != CompositeKeyList.OR_OF_ANDS) {
            sql.append('(');
            for (int k = 0; k < keyColumns.size(); k++) sql.append(k == 0 ? "" : ", ").append(backend.quote(keyColumns.get(k)));
            String row = "(" + "?, ".repeat(keyColumns.size() - 1) + "?)";
            return sql.append(form == CompositeKeyList.VALUES_LIST ? ") IN (VALUES " : ") IN (")
                    .append((row + ", ").repeat(rows - 1)).append(row).append(')').toString();
        }
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(" : " OR (");
            for (int k = 0; k < keyColumns.size(); k++) {
                sql.append(k == 0 ? "" : " AND ").append(backend.quote(keyColumns.get(k))).append(" = ?");
            }
            sql.append(')');
        }
        return sql.toString();
    }

    /** {@code INSERT INTO table (columns) VALUES (?, …)}, bound in the row's order. */
    public String insert(String table, Row row) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (");
        for (int i = 0; i < row.size(); i++) sql.append(i == 0 ? "" : ", ").append(backend.quote(row.name(i)));
        return sql.append(") VALUES (").append("?, ".repeat(row.size() - 1)).append("?)").toString();
    }

    /** {@code UPDATE table SET c = ?, … WHERE key}: the new values, then {@link #bindKey the key}. */
    public String update(String table, Row after, Row key) {
        return setAll(table, after).append(whereKey(key)).toString();
    }

    /** {@code DELETE FROM table WHERE key}. */
    public String delete(String table, Row key) {
        return "DELETE FROM " + table + whereKey(key);
    }

    /** Like {@link #update}, changing one of the rows equal to {@code row} in every column (see {@link #whereOneRow}). */
    public String updateOneRow(String table, Row after, Row row) {
        return setAll(table, after).append(whereOneRow(table, row)).toString();
    }

    /** Like {@link #delete}, deleting one of the rows equal to {@code row} in every column. */
    public String deleteOneRow(String table, Row row) {
        return "DELETE FROM " + table + whereOneRow(table, row);
    }

    /** {@code WHERE k = ? AND n IS NULL …}: the NULL rule of this class. */
    public String whereKey(Row key) {
        StringBuilder sb = new StringBuilder(" WHERE ");
        for (int i = 0; i < key.size(); i++) {
            sb.append(i == 0 ? "" : " AND ").append(backend.quote(key.name(i)));
            sb.append(key.value(i) instanceof Value.Null ? " IS NULL" : " = ?");
        }
        return sb.toString();
    }

    /**
     * Picks one row equal to {@code row} in every column, NULLs included (a key-less table's rows may repeat), by
     * the database's row identity or, where it has none, with {@code LIMIT 1}. Which of the equal rows does not
     * matter: they are equal. Binds as {@link #whereKey}.
     */
    public String whereOneRow(String table, Row row) {
        String id = backend.rowIdentity();
        if (id == null) {
            return whereKey(row) + " LIMIT 1";
        }
        return " WHERE " + id + " = (SELECT " + id + " FROM " + table + whereKey(row) + " LIMIT 1)";
    }

    /** Binds {@code key}'s non-NULL values from {@code at}; returns the next index. */
    public int bindKey(PreparedStatement ps, int at, Row key, Binder binder) throws SQLException {
        for (int i = 0; i < key.size(); i++) {
            if (!(key.value(i) instanceof Value.Null)) {
                binder.bind(ps, at++, key.value(i), key.name(i));
            }
        }
        return at;
    }

    /** Binds every value of {@code row} (an insert's or an update's new values) from {@code at}; returns the next index. */
    public int bindAll(PreparedStatement ps, int at, Row row, Binder binder) throws SQLException {
        for (int i = 0; i < row.size(); i++) {
            binder.bind(ps, at++, row.value(i), row.name(i));
        }
        return at;
    }

    private StringBuilder setAll(String table, Row after) {
        StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
        for (int i = 0; i < after.size(); i++) sql.append(i == 0 ? "" : ", ").append(backend.quote(after.name(i))).append(" = ?");
        return sql;
    }
}
