package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The foreign keys referencing a table, read from {@link DatabaseMetaData#getExportedKeys} and cached, and which of
 * them a DELETE or an UPDATE fires.
 *
 * <p>Contract: reads only the connection's metadata (no rows, no locks), once per table until DDL
 * ({@link TableCatalog#generation}). Thread-safe: the cache is shared by the database's connections.
 */
final class ForeignKeys {

    /** A foreign key of {@code child} referencing the parent's {@code parentColumns} by {@code childColumns}. */
    record ForeignKey(String name, String childSchema, String childTable, List<String> childColumns,
                      List<String> parentColumns, int updateRule, int deleteRule) {

        int rule(boolean delete) {
            return delete ? deleteRule : updateRule;
        }

        static boolean acts(int rule) {
            return rule == DatabaseMetaData.importedKeyCascade || rule == DatabaseMetaData.importedKeySetNull
                    || rule == DatabaseMetaData.importedKeySetDefault;
        }

        boolean acts() {
            return acts(updateRule) || acts(deleteRule);
        }
    }

    private final Backend backend;
    private final TableCatalog catalog;
    private final Map<String, List<ForeignKey>> exported = new ConcurrentHashMap<>();
    private volatile long generation = -1;

    ForeignKeys(Backend backend, TableCatalog catalog) {
        this.backend = backend;
        this.catalog = catalog;
    }

    /** The foreign keys referencing {@code t} whose action a DELETE (or an UPDATE assigning {@code assigned}) fires. */
    List<ForeignKey> firing(Connection c, TableInfo t, boolean delete, Set<String> assigned) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        for (ForeignKey fk : exportedKeys(c, t)) {
            if (!ForeignKey.acts(fk.rule(delete))) continue;
            if (!delete && fk.parentColumns().stream().noneMatch(assigned::contains)) continue;
            out.add(fk);
        }
        return out;
    }

    /** The foreign keys referencing {@code t}, from {@link DatabaseMetaData#getExportedKeys}, grouped per key. */
    List<ForeignKey> exportedKeys(Connection c, TableInfo t) throws SQLException {
        long g = catalog.generation();
        if (g != generation) {
            exported.clear();
            generation = g;
        }
        String cacheKey = t.schema() + "\u0000" + t.name();
        List<ForeignKey> fks = exported.get(cacheKey);
        if (fks == null) {
            fks = load(c, t);
            exported.put(cacheKey, fks);
        }
        return fks;
    }

    private List<ForeignKey> load(Connection c, TableInfo t) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Map<String, List<String[]>> columns = new LinkedHashMap<>();
        Map<String, int[]> rules = new HashMap<>();
        Map<String, String[]> names = new HashMap<>();
        int anonymous = 0;
        String current = null;
        try (ResultSet rs = backend.schemaIsCatalog() ? md.getExportedKeys(t.schema(), null, t.name())
                : md.getExportedKeys(null, t.schema(), t.name())) {
            while (rs.next()) {
                String childSchema = backend.schemaIsCatalog() ? rs.getString("FKTABLE_CAT") : rs.getString("FKTABLE_SCHEM");
                String child = rs.getString("FKTABLE_NAME");
                String name = rs.getString("FK_NAME");
                int seq = rs.getInt("KEY_SEQ");
                if (name == null || name.isEmpty()) {
                    // SQLite's foreign keys have no names: a key sequence starting again starts another key
                    if (seq <= 1 || current == null) anonymous++;
                    name = child + "_fk" + anonymous;
                }
                String id = childSchema + "\u0000" + child + "\u0000" + name;
                current = id;
                columns.computeIfAbsent(id, k -> new ArrayList<>()).add(new String[] {
                        Integer.toString(seq), rs.getString("FKCOLUMN_NAME"), rs.getString("PKCOLUMN_NAME")});
                rules.put(id, new int[] {rs.getInt("UPDATE_RULE"), rs.getInt("DELETE_RULE")});
                names.put(id, new String[] {childSchema, child, name});
            }
        }
        List<ForeignKey> out = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> e : columns.entrySet()) {
            List<String[]> cols = new ArrayList<>(e.getValue());
            cols.sort(java.util.Comparator.comparingInt(a -> Integer.parseInt(a[0])));
            String[] n = names.get(e.getKey());
            int[] r = rules.get(e.getKey());
            out.add(new ForeignKey(n[2], backend.hasSchemas() ? n[0] : null, n[1],
                    cols.stream().map(a -> a[1]).toList(), cols.stream().map(a -> a[2]).toList(), r[0], r[1]));
        }
        return List.copyOf(out);
    }
}
