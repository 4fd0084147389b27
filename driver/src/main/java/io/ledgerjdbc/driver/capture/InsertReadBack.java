package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the rows INSERTs made with their whole key given, many per statement: a transaction of 100
 * single-row INSERTs costs one or two reads instead of 100.
 *
 * <p>A row read must be attributed to the INSERT that made it. Where a key was bound as an integer to an
 * integer column or as a string to a character column ({@code setLong}, {@code setInt}, {@code setShort},
 * {@code setString}; see {@code Params.Known}), the rows are read with {@code WHERE key IN (…)} and each row is
 * matched to the INSERT whose bound key equals the key read back exactly: equal values are equal for the
 * database too, and the primary key admits one such row, so the match is the row that INSERT made. Every
 * other row (a literal key, another setter or type, a key stored differently from how it was bound, such as
 * a padded CHAR) is read on its own by the INSERT's own key expression, compared by the database.
 *
 * <p>The session defers these reads until the transaction's next statement that could change the rows (or
 * its commit), so a row is read as its INSERT stored it. IN lists have power-of-two lengths up to
 * {@link #CHUNK} (padded by repeating a key), so a few cached statements cover every count.
 */
final class InsertReadBack {

    static final int CHUNK = 64;

    private final RowReads reads;
    /** The IN-list reads of the table read last (see {@link #knownKeysSql}). */
    private volatile KnownKeyReads lastReads;

    /** {@link #knownKeysSql}'s strings for one table (its metadata instance: new metadata, new strings). */
    private record KnownKeyReads(TableInfo table, String[] bySize) {
    }

    InsertReadBack(RowReads reads) {
        this.reads = reads;
    }

    /** The INSERT changes of {@code rows}, in their order. */
    List<RowChange> read(Connection c, List<InsertedRow> rows) throws SQLException {
        Row[] stored = new Row[rows.size()];
        Map<TableInfo, List<Integer>> byTable = new IdentityHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byTable.computeIfAbsent(rows.get(i).table(), t -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<TableInfo, List<Integer>> e : byTable.entrySet()) {
            readTable(c, e.getKey(), rows, e.getValue(), stored);
        }
        List<RowChange> changes = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            TableInfo t = rows.get(i).table();
            changes.add(RowChange.insert(t.ledgerName(), t.keyOf(stored[i]), stored[i]));
        }
        return changes;
    }

    private void readTable(Connection c, TableInfo t, List<InsertedRow> rows, List<Integer> positions, Row[] stored)
            throws SQLException {
        Map<Row, Integer> byKey = new HashMap<>();
        List<Integer> one = new ArrayList<>();
        for (int p : positions) {
            Row key = knownKey(t, rows.get(p));
            if (key == null || byKey.putIfAbsent(key, p) != null) {
                one.add(p);
            }
        }
        List<Integer> known = new ArrayList<>(byKey.values());
        for (int from = 0; from < known.size(); from += CHUNK) {
            List<Integer> part = known.subList(from, Math.min(known.size(), from + CHUNK));
            readByKnownKeys(c, t, rows, part, byKey, stored);
        }
        for (int p : known) {
            if (stored[p] == null) {
                one.add(p); // not where its bound key said: let the database compare it
            }
        }
        for (int p : one) {
            stored[p] = readOne(c, t, rows.get(p));
        }
    }

    private void readByKnownKeys(Connection c, TableInfo t, List<InsertedRow> rows, List<Integer> part, Map<Row, Integer> byKey,
                                 Row[] stored) throws SQLException {
        int size = Math.max(1, Integer.highestOneBit(part.size() - 1) << 1); // next power of two
        try (RowReads.Read r = reads.read(c, knownKeysSql(t, size))) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (int i = 0; i < size; i++) {
                InsertedRow row = rows.get(part.get(Math.min(i, part.size() - 1))); // padded with the last key
                for (Analysis.SqlExpr e : row.keyExprs()) {
                    at = RowReads.bind(ps, row.params(), e, at);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, 0);
                while (rs.next()) {
                    Row image = reads.read(rs, t);
                    Integer p = byKey.get(t.keyOf(image));
                    if (p != null && stored[p] == null) {
                        stored[p] = image;
                    }
                }
            }
        }
    }

    /**
     * The read of {@code size} (a power of two up to {@link #CHUNK}) rows by key, for the table read last: built
     * once per table and size, not per read (a string built afresh is also hashed afresh to find its statement).
     */
    private String knownKeysSql(TableInfo t, int size) {
        KnownKeyReads reads = lastReads;
        if (reads == null || reads.table() != t) {
            reads = new KnownKeyReads(t, new String[Integer.numberOfTrailingZeros(CHUNK) + 1]);
            lastReads = reads;
        }
        int slot = Integer.numberOfTrailingZeros(size);
        String sql = reads.bySize()[slot];
        if (sql == null) {
            sql = buildKnownKeysSql(t, size);
            reads.bySize()[slot] = sql; // a racing thread may build the same string again: harmless
        }
        return sql;
    }

    private String buildKnownKeysSql(TableInfo t, int size) {
        return reads.readByKeysSql(t, size);
    }

    /** The row one INSERT made, by its own key expressions compared by the database. */
    private Row readOne(Connection c, TableInfo t, InsertedRow row) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(reads.from(t)).append(" WHERE ");
        for (int k = 0; k < t.primaryKey().size(); k++) {
            sql.append(k == 0 ? "" : " AND ").append(reads.q(t.primaryKey().get(k).name())).append(" = ")
                    .append(row.keyExprs().get(k).text());
        }
        try (RowReads.Read r = reads.read(c, sql.toString())) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (Analysis.SqlExpr e : row.keyExprs()) {
                at = RowReads.bind(ps, row.params(), e, at);
            }
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, 0);
                if (!rs.next()) {
                    throw CaptureChecks.conflict("INSERT", "an inserted row cannot be found by the key it was given");
                }
                return reads.read(rs, t);
            }
        }
    }

    /** The key as the row would read back if stored exactly as bound, or null when that is not known. */
    private static Row knownKey(TableInfo t, InsertedRow row) {
        Value[] key = new Value[t.primaryKey().size()];
        for (int k = 0; k < key.length; k++) {
            TableInfo.Column col = t.primaryKey().get(k);
            Analysis.SqlExpr e = row.keyExprs().get(k);
            Object v = e.kind() == Analysis.ExprKind.PARAM ? row.params().knownValue(e.firstParam()) : null;
            Value value = null;
            if ((v instanceof Long || v instanceof Integer || v instanceof Short) && isInteger(col)) {
                value = Value.of(((Number) v).longValue());
            } else if (v instanceof String s && isVaryingText(col)) {
                value = Value.of(s);
            }
            if (value == null) {
                return null;
            }
            key[k] = value;
        }
        return t.keyLayout().row(key);
    }

    private static boolean isInteger(TableInfo.Column c) {
        return switch (c.jdbcType()) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> true;
            default -> false;
        };
    }

    private static boolean isVaryingText(TableInfo.Column c) {
        return switch (c.jdbcType()) {
            case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR -> true;
            default -> false;
        };
    }
}
