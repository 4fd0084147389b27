package io.ledgerjdbc.driver.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;

/**
 * The ledger's own tables as the application's metadata shows them: {@code SYSTEM TABLE}, not {@code TABLE}.
 * Tools that list "all tables" to drop, truncate or compare them (test-suite resets, schema comparers, Hibernate's
 * schema tools) ask for type {@code TABLE} and must not see tables whose writes the driver refuses; a tool that
 * asks by name, or for {@code SYSTEM TABLE}, still finds them. A ledger table is a base table whose name starts
 * with {@code ledger_} in any case — the same rule by which capture refuses writes to them.
 *
 * <p>The real driver's answer is read whole (catalog listings are small), changed, and sorted again as JDBC
 * orders it: by TABLE_TYPE, TABLE_CAT, TABLE_SCHEM, TABLE_NAME.
 */
final class SystemTables {

    static final String SYSTEM_TABLE = "SYSTEM TABLE";
    /** The names real drivers give a base table: most say TABLE, H2 2.x says BASE TABLE. */
    private static final List<String> BASE_TABLE_TYPES = List.of("TABLE", "BASE TABLE");
    private static final int NAME = 3;
    private static final int TYPE = 4;

    private SystemTables() {
    }

    static boolean isLedgerTable(String name, String type) {
        return name != null && name.regionMatches(true, 0, "ledger_", 0, 7)
                && type != null && BASE_TABLE_TYPES.contains(type.toUpperCase(Locale.ROOT));
    }

    /** {@link DatabaseMetaData#getTables} with the ledger's tables typed {@code SYSTEM TABLE}. */
    static ResultSet tables(DatabaseMetaData real, String catalog, String schemaPattern, String tableNamePattern,
                            String[] types) throws SQLException {
        // the real driver's own metadata queries run one at a time: SQLite and H2 close a metadata result when the next opens
        boolean ledgerAsked = types == null || Arrays.stream(types).anyMatch(SYSTEM_TABLE::equalsIgnoreCase);
        String[] baseTypes = ledgerAsked ? baseTableTypes(real) : new String[0];
        List<Object[]> rows = new ArrayList<>();
        RowSetMetaDataImpl layout;
        try (ResultSet rs = real.getTables(catalog, schemaPattern, tableNamePattern, types)) {
            layout = detached(rs.getMetaData());
            for (Object[] row : read(rs)) {
                if (!isLedgerTable((String) row[NAME - 1], (String) row[TYPE - 1])) {
                    rows.add(row); // the ledger's rows come from the second query, when they are asked for
                }
            }
        }
        int others = rows.size();
        if (baseTypes.length > 0) {
            try (ResultSet rs = real.getTables(catalog, schemaPattern, tableNamePattern, baseTypes)) {
                for (Object[] row : read(rs)) {
                    if (isLedgerTable((String) row[NAME - 1], (String) row[TYPE - 1])) {
                        row[TYPE - 1] = SYSTEM_TABLE;
                        rows.add(row);
                    }
                }
            }
        }
        if (rows.size() > others) { // the real driver's order stands unless rows of another type were added
            rows.sort(Comparator.<Object[], String>comparing(r -> text(r[TYPE - 1]))
                    .thenComparing(r -> text(r[0])).thenComparing(r -> text(r[1])).thenComparing(r -> text(r[NAME - 1])));
        }
        return rowSet(layout, rows);
    }

    /** {@link DatabaseMetaData#getTableTypes} with {@code SYSTEM TABLE} among them (H2 2.x does not list it). */
    static ResultSet tableTypes(DatabaseMetaData real) throws SQLException {
        try (ResultSet rs = real.getTableTypes()) {
            RowSetMetaDataImpl layout = detached(rs.getMetaData());
            List<Object[]> rows = read(rs);
            if (rows.stream().noneMatch(r -> SYSTEM_TABLE.equalsIgnoreCase(text(r[0])))) {
                Object[] system = new Object[layout.getColumnCount()];
                system[0] = SYSTEM_TABLE;
                rows.add(system);
                rows.sort(Comparator.comparing(r -> text(r[0])));
            }
            return rowSet(layout, rows);
        }
    }

    /** The real driver's own name(s) for a base table, as its getTableTypes lists them. */
    private static String[] baseTableTypes(DatabaseMetaData real) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = real.getTableTypes()) {
            while (rs.next()) {
                String t = rs.getString(1);
                if (t != null && BASE_TABLE_TYPES.contains(t.strip().toUpperCase(Locale.ROOT))) out.add(t.strip());
            }
        }
        return out.toArray(new String[0]);
    }

    private static List<Object[]> read(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<Object[]> rows = new ArrayList<>();
        while (rs.next()) {
            Object[] row = new Object[n];
            for (int i = 0; i < n; i++) row[i] = rs.getObject(i + 1);
            rows.add(row);
        }
        return rows;
    }

    private static String text(Object o) {
        return Objects.toString(o, "");
    }

    /** A copy of a result's column layout that outlives the result. */
    private static RowSetMetaDataImpl detached(ResultSetMetaData layout) throws SQLException {
        int n = layout.getColumnCount();
        RowSetMetaDataImpl md = new RowSetMetaDataImpl();
        md.setColumnCount(n);
        for (int i = 1; i <= n; i++) {
            md.setColumnName(i, layout.getColumnName(i));
            md.setColumnLabel(i, layout.getColumnLabel(i));
            md.setColumnType(i, layout.getColumnType(i));
            md.setColumnTypeName(i, layout.getColumnTypeName(i));
            md.setNullable(i, layout.isNullable(i));
        }
        return md;
    }

    /** The rows, in this order, as a detached result set with the given columns. */
    private static ResultSet rowSet(RowSetMetaDataImpl layout, List<Object[]> rows) throws SQLException {
        int n = layout.getColumnCount();
        CachedRowSet out = RowSetProvider.newFactory().createCachedRowSet();
        out.setMetaData(layout);
        for (Object[] row : rows) {
            out.moveToInsertRow();
            for (int i = 0; i < n; i++) out.updateObject(i + 1, row[i]);
            out.insertRow();
            out.moveToCurrentRow();
            out.last(); // the next row goes after this one
        }
        out.beforeFirst();
        return out;
    }
}
