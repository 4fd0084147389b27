package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Table metadata for capture, read from {@link DatabaseMetaData} once per table and cached until DDL names
 * the table. Thread-safe. An unquoted name is looked up the way the database folds it (upper case on H2,
 * lower case on PostgreSQL, as written elsewhere), a quoted one exactly.
 */
public final class TableCatalog {

    private final SqlDialect dialect;
    private final Map<Analysis.TableRef, TableInfo> tables = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public TableCatalog(SqlDialect dialect) {
        this.dialect = dialect;
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
                List<TableInfo.Column> key = primaryKey(md, schema, name, columns);
                String ledgerName = ref.schema() == null ? name : schema + "." + name;
                return new TableInfo(schema, name, ledgerName, columns, key, sideEffect(c, md, schema, name, key.isEmpty()),
                        otherUniqueKeys(md, schema, name, key));
            }
        }
        throw new SQLFeatureNotSupportedException("cannot capture a write to " + (ref.schema() == null ? "" : ref.schema() + ".")
                + ref.name() + ": the driver finds no such table in the database's metadata", "0A000");
    }

    private List<String> candidates(String name, boolean quoted) {
        if (quoted) {
            return List.of(name);
        }
        return switch (dialect) {
            case H2 -> List.of(name.toUpperCase(Locale.ROOT), name);
            case POSTGRESQL -> List.of(name.toLowerCase(Locale.ROOT), name);
            default -> List.of(name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT));
        };
    }

    private String fold(String name) {
        return switch (dialect) {
            case H2 -> name.toUpperCase(Locale.ROOT);
            case POSTGRESQL -> name.toLowerCase(Locale.ROOT);
            default -> name;
        };
    }

    private String defaultSchema(Connection c) throws SQLException {
        return switch (dialect) {
            case SQLITE -> null;
            case MARIADB -> c.getCatalog();
            default -> c.getSchema();
        };
    }

    /**
     * Writes that change rows capture cannot see: a trigger on the table, a MariaDB table that ignores rollback, an
     * SQLite table whose conflict clause silently replaces or keeps rows. Such tables are refused (0A000).
     */
    private String sideEffect(Connection c, DatabaseMetaData md, String schema, String table, boolean keyless) throws SQLException {
        // A foreign key with a referential action is no side effect: ReferentialActions captures the rows it changes.
        String trigger = switch (dialect) {
            case POSTGRESQL -> first(c, "SELECT t.tgname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid "
                    + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE NOT t.tgisinternal AND r.relname = ? AND n.nspname = ?", table, schema);
            case MARIADB -> first(c, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_TABLE = ? "
                    + "AND EVENT_OBJECT_SCHEMA = ?", table, schema);
            case H2 -> first(c, "SELECT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS WHERE EVENT_OBJECT_TABLE = ? "
                    + "AND EVENT_OBJECT_SCHEMA = ?", table, schema);
            case SQLITE -> first(c, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", table);
        };
        if (trigger != null) {
            return "trigger " + trigger + " on " + table + " can write rows capture does not see";
        }
        if (dialect == SqlDialect.POSTGRESQL && keyless && first(c, "SELECT r.relname FROM pg_class r JOIN pg_namespace n "
                + "ON n.oid = r.relnamespace WHERE (r.relkind = 'p' OR r.relhassubclass) AND r.relname = ? AND n.nspname = ?", table, schema) != null) {
            return table + " has no primary key and has partitions or inheritance children: capture follows its rows by ctid,"
                    + " which is unique only within one of them";
        }
        if (dialect == SqlDialect.MARIADB) {
            String engine = first(c, "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_NAME = ? AND TABLE_SCHEMA = ?", table, schema);
            if (engine != null && !engine.equalsIgnoreCase("InnoDB")) {
                return table + " uses the " + engine + " engine, which does not roll back: a change could outlive its failed entry";
            }
        }
        if (dialect == SqlDialect.SQLITE) {
            String ddl = first(c, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table);
            if (ddl != null && ddl.toUpperCase(Locale.ROOT).matches("(?s).*\\bON\\s+CONFLICT\\b.*")) {
                return table + " has an ON CONFLICT clause that can replace or keep rows silently";
            }
        }
        return null;
    }

    private boolean otherUniqueKeys(DatabaseMetaData md, String schema, String table, List<TableInfo.Column> key) throws SQLException {
        Map<String, java.util.Set<String>> unique = new TreeMap<>();
        try (ResultSet rs = dialect == SqlDialect.MARIADB ? md.getIndexInfo(schema, null, table, true, true)
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

    private static String first(Connection c, String sql, String... args) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private List<TableInfo.Column> columns(DatabaseMetaData md, String schema, String table) throws SQLException {
        List<TableInfo.Column> out = new ArrayList<>();
        try (ResultSet rs = dialect == SqlDialect.MARIADB ? md.getColumns(schema, null, table, null)
                : md.getColumns(null, schema, table, null)) {
            Map<Integer, TableInfo.Column> byPosition = new TreeMap<>();
            while (rs.next()) {
                String rowSchema = dialect == SqlDialect.MARIADB ? rs.getString("TABLE_CAT") : rs.getString("TABLE_SCHEM");
                if (!table.equals(rs.getString("TABLE_NAME")) || (schema != null && rowSchema != null && !schema.equals(rowSchema))) {
                    continue; // names are LIKE patterns: '_' matches any character, in the schema too
                }
                byPosition.put(rs.getInt("ORDINAL_POSITION"),
                        new TableInfo.Column(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME")));
            }
            out.addAll(byPosition.values());
        }
        return out;
    }

    private List<TableInfo.Column> primaryKey(DatabaseMetaData md, String schema, String table, List<TableInfo.Column> columns)
            throws SQLException {
        Map<Integer, String> bySeq = new TreeMap<>();
        try (ResultSet rs = dialect == SqlDialect.MARIADB ? md.getPrimaryKeys(schema, null, table)
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
