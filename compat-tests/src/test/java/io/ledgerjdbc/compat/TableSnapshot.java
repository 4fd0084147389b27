package io.ledgerjdbc.compat;

import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.schema.Identifiers;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The contents of one table as ledger rows, in a canonical order (sorted by their printed form, so two
 * databases compare equal whatever order they return rows in). For tests and tools, not the hot path.
 */
public final class TableSnapshot {

    private TableSnapshot() {
    }

    public static List<Row> of(Connection c, SqlDialect dialect, String table) throws SQLException {
        TableInfo t = new TableCatalog(dialect).table(c, new Analysis.TableRef(null, table, false));
        List<Row> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + Identifiers.quote(dialect, t.name()))) {
            while (rs.next()) {
                Row.Builder row = Row.builder();
                for (int i = 0; i < t.columns().size(); i++) {
                    row.put(t.columns().get(i).name(), Values.read(rs, rs.findColumn(t.columns().get(i).name()), t.columns().get(i), dialect));
                }
                rows.add(row.build());
            }
        }
        rows.sort(Comparator.comparing(Row::toString));
        return rows;
    }
}
