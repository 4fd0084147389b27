package io.ledgerjdbc.driver.schema;

import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Table metadata for capture, read from {@link DatabaseMetaData} once per table and cached until DDL names
 * the table. Thread-safe. An unquoted name is looked up the way the database folds it (upper case on H2,
 * lower case on PostgreSQL, as written elsewhere), a quoted one exactly.
 */
public final class TableCatalog {

    private final Backend backend;
    private final Map<Analysis.TableRef, TableInfo> tables = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public TableCatalog(SqlDialect dialect) {
        this.backend = Backend.of(dialect);
    }

    public TableInfo table(Connection c, Analysis.TableRef ref) throws SQLException {
        TableInfo t = tables.get(ref);
        if (t == null) {
            t = load(c, ref);
            tables.put(ref, t);
        }
        return t;
    }

    /** Forgets every cached table (after DDL; cheap to reload). */
    public void invalidate() {
        tables.clear();
        generation.incrementAndGet();
    }

    /** Counts {@link #invalidate} calls: statements written for older metadata are dropped (see CaptureStatements). */
    public long generation() {
        return generation.get();
    }

    private TableInfo load(Connection c, Analysis.TableRef ref) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String name : candidates(ref.name(), ref.quoted())) {
            String schema = ref.schema() == null ? defaultSchema(c) : ref.schema();
            List<TableInfo.Column> columns = columns(md, schema, name);
            if (columns.isEmpty() && ref.schema() != null) {
                columns = columns(md, fold(ref.schema()), name);
                schema = fold(ref.schema());
            }
            if (!columns.isEmpty()) {
                if (isView(md, schema, name)) {
                    throw NotATable.view(ref);
                }
                List<TableInfo.Column> key = primaryKey(md, schema, name, columns);
                String ledgerName = ref.schema() == null ? name : schema + "." + name;
                return new TableInfo(schema, name, ledgerName, columns, key, sideEffect(c, md, schema, name, key.isEmpty()),
                        otherUniqueKeys(md, schema, name, key));
            }
        }
        throw NotATable.missing(ref);
    }

    private boolean isView(DatabaseMetaData md, String schema, String table) throws SQLException {
        try (ResultSet rs = backend.schemaIsCatalog() ? md.getTables(schema, null, table, null) : md.getTables(null, schema, table, null)) {
            while (rs.next()) {
                if (table.equals(rs.getString("TABLE_NAME")) && String.valueOf(rs.getString("TABLE_TYPE")).contains("VIEW")) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<String> candidates(String name, boolean quoted) {
        if (quoted) {
            return List.of(name);
        }
        return backend.nameCandidates(name);
    }

    private String fold(String name) {
        return backend.foldName(name);
    }

    private String defaultSchema(Connection c) throws SQLException {
        return backend.defaultSchema(c);
    }

    /**
     * Writes that change rows capture cannot see: a trigger on the table, a MariaDB table that ignores rollback, an
     * SQLite table whose conflict clause silently replaces or keeps rows. Such tables are refused (0A000).
     */
    private String sideEffect(Connection c, DatabaseMetaData md, String schema, String table, boolean keyless) throws SQLException {
        // A foreign key with a referential action is no side effect: ReferentialActions captures the rows it changes.
        String trigger = backend.triggerOn(c, schema, table);
        if (trigger != null) {
            return "trigger " + trigger + " on " + table + " can write rows capture does not see";
        }
        return backend.tableSideEffect(c, schema, table, keyless);
    }

    private boolean otherUniqueKeys(DatabaseMetaData md, String schema, String table, List<TableInfo.Column> key) throws SQLException {
        Map<String, java.util.Set<String>> unique = new TreeMap<>();
        try (ResultSet rs = backend.schemaIsCatalog() ? md.getIndexInfo(schema, null, table, true, true)
                : md.getIndexInfo(null, schema, table, true, true)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (index != null && column != null && !rs.getBoolean("NON_UNIQUE")) {
                    unique.computeIfAbsent(index, k -> new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER)).add(column);
                }
            }
        }
        java.util.Set<String> pk = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        key.forEach(k -> pk.add(k.name()));
        return unique.values().stream().anyMatch(cols -> !cols.equals(pk));
    }

    private List<TableInfo.Column> columns(DatabaseMetaData md, String schema, String table) throws SQLException {
        List<TableInfo.Column> out = new ArrayList<>();
        try (ResultSet rs = backend.schemaIsCatalog() ? md.getColumns(schema, null, table, null)
                : md.getColumns(null, schema, table, null)) {
            Map<Integer, TableInfo.Column> byPosition = new TreeMap<>();
            while (rs.next()) {
                String rowSchema = backend.schemaIsCatalog() ? rs.getString("TABLE_CAT") : rs.getString("TABLE_SCHEM");
                if (!table.equals(rs.getString("TABLE_NAME")) || (schema != null && rowSchema != null && !schema.equals(rowSchema))) {
                    continue; // names are LIKE patterns: '_' matches any character, in the schema too
                }
                byPosition.put(rs.getInt("ORDINAL_POSITION"),
                        new TableInfo.Column(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"),
                                rs.getInt("COLUMN_SIZE"), digits(rs)));
            }
            out.addAll(byPosition.values());
        }
        return out;
    }

    private static Integer digits(ResultSet rs) throws SQLException {
        int digits = rs.getInt("DECIMAL_DIGITS");
        return rs.wasNull() ? null : digits;
    }

    private List<TableInfo.Column> primaryKey(DatabaseMetaData md, String schema, String table, List<TableInfo.Column> columns)
            throws SQLException {
        Map<Integer, String> bySeq = new TreeMap<>();
        try (ResultSet rs = backend.schemaIsCatalog() ? md.getPrimaryKeys(schema, null, table)
                : md.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                bySeq.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        List<TableInfo.Column> key = new ArrayList<>();
        for (String name : bySeq.values()) {
            for (TableInfo.Column col : columns) {
                if (col.name().equals(name)) {
                    key.add(col);
                }
            }
        }
        return key;
    }
}
