package io.ledgerjdbc.driver.schema;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * Converts between JDBC column values and ledger {@link Value}s, by the column's declared type, so the
 * recorded value is what the database stored. SQLite is dynamically typed: there the value's storage class
 * decides, not the declaration.
 */
public final class Values {

    private Values() {
    }

    public static Value read(ResultSet rs, int index, TableInfo.Column column, SqlDialect dialect) throws SQLException {
        if (Backend.of(dialect).readsByStorageClass()) {
            return ofStorageClass(rs.getObject(index));
        }
        Value v = switch (column.jdbcType()) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> new Value.Int(rs.getLong(index));
            case Types.BOOLEAN, Types.BIT -> bitOrBoolean(rs, index, column, dialect);
            case Types.DECIMAL, Types.NUMERIC -> Value.of(rs.getBigDecimal(index));
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> new Value.Float(rs.getDouble(index));
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Value.of(rs.getBytes(index));
            case Types.DATE -> Value.of(rs.getObject(index, LocalDate.class));
            case Types.TIME -> Value.of(rs.getObject(index, LocalTime.class));
            case Types.TIME_WITH_TIMEZONE -> Value.of(rs.getString(index));
            case Types.TIMESTAMP -> isZoned(column) ? instant(rs, index) : Value.of(rs.getObject(index, LocalDateTime.class));
            case Types.TIMESTAMP_WITH_TIMEZONE -> instant(rs, index);
            default -> Value.of(rs.getString(index));
        };
        return rs.wasNull() ? Value.NULL : v;
    }

    /**
     * BOOLEAN and BIT are reported for types that hold more than a truth value: MariaDB's TINYINT(1) holds
     * -128..127 and BIT(n) n bits; PostgreSQL's bit(n) is a bit string. Reading those with getBoolean would
     * record 5 as true and lose the change.
     */
    private static Value bitOrBoolean(ResultSet rs, int index, TableInfo.Column column, SqlDialect dialect) throws SQLException {
        String t = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        if (Backend.of(dialect).booleanIsInteger()) {
            // MariaDB's BOOLEAN is TINYINT(1): an integer column that merely defaults to 0/1
            return t.startsWith("bit") ? Value.of(rs.getBytes(index)) : new Value.Int(rs.getLong(index));
        }
        if (t.startsWith("tinyint")) {
            return new Value.Int(rs.getLong(index));
        }
        if (t.startsWith("bit") || t.startsWith("varbit")) {
            return Value.of(rs.getString(index));
        }
        return new Value.Bool(rs.getBoolean(index));
    }

    private static boolean isZoned(TableInfo.Column column) {
        String t = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        return t.equals("timestamptz") || t.contains("with time zone");
    }

    private static Value instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        return t == null ? Value.NULL : Value.of(t.toInstant());
    }

    static Value ofStorageClass(Object o) {
        if (o == null) return Value.NULL;
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) return new Value.Int(((Number) o).longValue());
        if (o instanceof Double || o instanceof Float) return new Value.Float(((Number) o).doubleValue());
        if (o instanceof byte[] b) return Value.of(b);
        if (o instanceof BigDecimal d) return Value.of(d);
        return Value.of(o.toString());
    }

    /**
     * Binds a recorded value to compare with {@code column}. PostgreSQL will not compare a varchar parameter
     * with a uuid, enum or other non-text column, so text for such a column is sent untyped (Types.OTHER)
     * and the server casts it. A null column (type unknown, as in replay) is treated the same way.
     */
    public static void bind(PreparedStatement ps, int index, Value v, TableInfo.Column column, SqlDialect dialect) throws SQLException {
        if (Backend.of(dialect).bindsTextUntyped() && v instanceof Value.Text t && (column == null || !isPgText(column))) {
            ps.setObject(index, t.value(), Types.OTHER);
        } else {
            bind(ps, index, v);
        }
    }

    private static boolean isPgText(TableInfo.Column column) {
        String t = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        return t.equals("text") || t.equals("varchar") || t.equals("bpchar") || t.equals("char") || t.equals("name")
                || t.equals("citext") || t.startsWith("character");
    }

    /** Binds a recorded value as a parameter (to find a row again by its key). */
    public static void bind(PreparedStatement ps, int index, Value v) throws SQLException {
        switch (v.type()) {
            case NULL -> ps.setObject(index, null);
            case INTEGER -> ps.setLong(index, ((Value.Int) v).value());
            case DECIMAL -> ps.setBigDecimal(index, ((Value.Decimal) v).value());
            case FLOAT -> ps.setDouble(index, ((Value.Float) v).value());
            case TEXT -> ps.setString(index, ((Value.Text) v).value());
            case BYTES -> ps.setBytes(index, ((Value.Bytes) v).value());
            case BOOLEAN -> ps.setBoolean(index, ((Value.Bool) v).value());
            case DATE -> ps.setObject(index, ((Value.Date) v).value());
            case TIME -> ps.setObject(index, ((Value.Time) v).value());
            case TIMESTAMP -> ps.setObject(index, ((Value.Timestamp) v).value());
            case TIMESTAMP_TZ -> ps.setObject(index, ((Value.TimestampTz) v).value().atOffset(java.time.ZoneOffset.UTC));
        }
    }
}
