package io.ledgerjdbc.driver.schema;

import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import java.util.List;

/**
 * What capture needs to know of a table, as the database's metadata names it.
 *
 * @param schema     the schema (catalog on MariaDB) it lives in, or null when the database has none
 * @param name       its exact name (the case the database stores)
 * @param ledgerName the name recorded in ledger entries: {@code schema.name} when the statement qualified it,
 *                   otherwise {@code name}
 * @param columns    every column in table order
 * @param primaryKey the primary key columns in key order, or empty (then rows are keyed by all their columns)
 * @param sideEffect why a write to this table can change rows capture does not see (a trigger, a cascading
 *                   foreign key, a non-transactional engine, an SQLite conflict clause), or null
 * @param otherUniqueKeys whether a unique constraint other than the primary key exists (an upsert may then
 *                   hit a row capture cannot name in advance)
 */
public record TableInfo(String schema, String name, String ledgerName, List<Column> columns, List<Column> primaryKey,
                        String sideEffect, boolean otherUniqueKeys, Row.Layout rowLayout, Row.Layout keyLayout) {

    /**
     * @param rowLayout the canonical order of {@code columns}, worked out once (capture builds a row per row read)
     * @param keyLayout the same for {@code primaryKey}
     */
    public TableInfo {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public TableInfo(String schema, String name, String ledgerName, List<Column> columns, List<Column> primaryKey,
                     String sideEffect, boolean otherUniqueKeys) {
        this(schema, name, ledgerName, columns, primaryKey, sideEffect, otherUniqueKeys, layout(columns), layout(primaryKey));
    }

    private static Row.Layout layout(List<Column> columns) {
        return Row.Layout.of(columns.stream().map(Column::name).toList());
    }

    /**
     * @param jdbcType the {@link java.sql.Types} constant the driver reports
     * @param typeName the database's own type name (tells timestamptz from timestamp on PostgreSQL)
     * @param size     the metadata's COLUMN_SIZE (characters, or a decimal's precision), 0 when none is declared
     * @param digits   the metadata's DECIMAL_DIGITS (a decimal's scale, a timestamp's fractional digits), or null
     */
    public record Column(String name, int jdbcType, String typeName, int size, Integer digits) {
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    /** The key of {@code row}: its primary key values, or the whole row when the table has no primary key. */
    public Row keyOf(Row row) {
        if (!hasPrimaryKey()) {
            return row;
        }
        Value[] values = new Value[primaryKey.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(primaryKey.get(i).name());
        }
        return keyLayout.row(values);
    }

    public Column column(String name) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        for (Column c : columns) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }
}
