package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.backend.Sealing;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Captures an INSERT … VALUES on a table with a primary key: runs it, then knows its rows from the values bound
 * where the database stores exactly those ({@link #storedAsBound}; only where the write travels with its entry,
 * {@link Write#withEntry}), or finds them by the keys the statement gives
 * (every key column as a parameter or literal; those rows are read back later, batched, see {@link InsertReadBack})
 * or by the keys the database generated (a single generated key column, read back now).
 * Also the INSERT key rules the other captures share ({@link #generatesKey}, {@link #keyExpressions}, …).
 *
 * <p>Contract: runs inside the caller's transaction on the caller's connection, one thread per connection. Reads
 * nothing before the INSERT; returns its {@link RowChange#insert}s (or the rows to read back), in VALUES order. A
 * composite key left to the database, or generated keys the database does not return, is refused (0A000); a row
 * that cannot be found again is a conflict (40001).
 */
final class InsertCapture {

    private final Backend backend;
    private final RowReads reads;
    private final KeylessCapture keyless;

    InsertCapture(Backend backend, RowReads reads, KeylessCapture keyless) {
        this.backend = backend;
        this.reads = reads;
        this.keyless = keyless;
    }

    <T> Captured<T> capture(Analysis.Insert ins, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        WriteFacts facts = w.facts();
        CaptureChecks.refuseUncapturable("INSERT", t, null);
        if (!t.hasPrimaryKey()) {
            return keyless.insert("INSERT", w);
        }
        List<TableInfo.Column> columns = facts.insertColumns();
        boolean keysGiven;
        if (columns != null) {
            keysGiven = facts.keysGiven();
        } else {
            columns = insertColumns(ins.columns(), t);
            keysGiven = t.primaryKey().stream().allMatch(columns::contains) && !keyDefaulted(ins, t);
        }
        if (!keysGiven && (t.primaryKey().size() != 1)) {
            throw CaptureRefusal.of("INSERT without its composite primary key", "only a single generated key column can be read back");
        }
        // Only where the write travels with its entry: there a guard in the same transaction checks that the table is
        // still as the metadata says, which the read-back does otherwise (see Sealing#withPendingInsertAndCommit).
        List<RowChange> asBound = keysGiven && w.withEntry() != null ? storedAsBound(ins, t, columns, params) : null;
        if (asBound != null) {
            try {
                return new Captured<>(w.withEntry().run(t, asBound), asBound); // committed, its count checked (see WithEntry)
            } catch (SQLException e) {
                Sealing sealing = backend.sealing();
                if (sealing != null && sealing.isGuardFailure(e)) {
                    throw new TableChanged(t, "its columns, triggers or rules are not those known");
                }
                throw e;
            }
        }
        T result = call.call();
        CaptureChecks.requireCount(result, ctx, ins.rows().size(), "INSERT");
        if (keysGiven) {
            // read back later, batched with the transaction's other inserted rows (see InsertReadBack)
            List<InsertedRow> toRead = new ArrayList<>(ins.rows().size());
            List<List<Analysis.SqlExpr>> keyExprs = facts.insertKeyExprs();
            for (int i = 0; i < ins.rows().size(); i++) {
                toRead.add(new InsertedRow(t, keyExprs != null ? keyExprs.get(i) : keyExpressions(ins.rows().get(i), t, columns), params));
            }
            return new Captured<>(result, List.of(), toRead);
        }
        List<RowChange> changes = new ArrayList<>(ins.rows().size());
        List<Row> keys = w.results().generatedKeys(t, ins.rows().size());
        if (keys.size() != ins.rows().size()) {
            // not a race: retrying cannot help, so not 40001
            throw CaptureRefusal.of("an INSERT whose generated keys cannot be read back", "the database returned "
                    + keys.size() + " generated keys for " + ins.rows().size() + " rows; give the key explicitly or let an "
                    + "AUTO_INCREMENT/IDENTITY/SERIAL column generate it");
        }
        Map<Row, Row> stored = reads.readByKeys(c, t, keys, facts.oneKeyRead());
        for (Row key : keys) {
            Row row = stored.get(key);
            if (row == null) {
                throw CaptureChecks.conflict("INSERT", "an inserted row cannot be found by its key " + key);
            }
            changes.add(RowChange.insert(t.ledgerName(), key, row));
        }
        return new Captured<>(result, changes);
    }

    /**
     * The rows the INSERT stored, without reading them back, where every column of the table is given by a parameter
     * whose value the database stores exactly as bound ({@link Backend#storedAsBound}); null when any is not (a
     * column left to its default, an expression, a literal, a value the database may round, cut or convert). A table
     * with triggers never gets here ({@link CaptureChecks#refuseUncapturable}), so nothing else can change the rows.
     */
    private List<RowChange> storedAsBound(Analysis.Insert ins, TableInfo t, List<TableInfo.Column> columns, Params params) {
        List<TableInfo.Column> all = t.columns();
        if (columns.size() != all.size()) {
            return null;
        }
        int[] at = new int[all.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = columns.indexOf(all.get(i));
            if (at[i] < 0) {
                return null;
            }
        }
        List<RowChange> changes = new ArrayList<>(ins.rows().size());
        for (List<Analysis.SqlExpr> exprs : ins.rows()) {
            Value[] values = new Value[at.length];
            for (int i = 0; i < at.length; i++) {
                Analysis.SqlExpr e = exprs.get(at[i]);
                if (e.kind() != Analysis.ExprKind.PARAM || e.paramCount() != 1 || !params.isKnown(e.firstParam())) {
                    return null;
                }
                TableInfo.Column col = all.get(i);
                values[i] = backend.storedAsBound(params.knownValue(e.firstParam()), col.typeName(), col.size(), col.digits());
                if (values[i] == null) {
                    return null;
                }
            }
            Row row = t.rowLayout().row(values);
            changes.add(RowChange.insert(t.ledgerName(), t.keyOf(row), row));
        }
        return changes;
    }

    /**
     * Whether an INSERT that names its columns leaves its primary key to the database: a key column left out, or
     * given as {@code DEFAULT} (see {@link #keyDefaulted}).
     */
    static boolean generatesKey(Analysis.Insert ins, TableInfo t) {
        if (!t.hasPrimaryKey() || ins.columns().isEmpty()) {
            return false;
        }
        return t.primaryKey().stream().anyMatch(k -> ins.columns().stream().noneMatch(c -> c.equalsIgnoreCase(k.name())))
                || keyDefaulted(ins, t);
    }

    /**
     * Whether the single key column is named but given the value {@code DEFAULT} in every row, so that the
     * database generates it, exactly as if it were left out (Hibernate writes IDENTITY inserts on H2 so).
     */
    static boolean keyDefaulted(Analysis.Insert ins, TableInfo t) {
        if (t.primaryKey().size() != 1 || ins.columns().isEmpty()) {
            return false;
        }
        int at = -1;
        for (int i = 0; i < ins.columns().size(); i++) {
            if (ins.columns().get(i).equalsIgnoreCase(t.primaryKey().get(0).name())) at = i;
        }
        if (at < 0) {
            return false;
        }
        for (List<Analysis.SqlExpr> row : ins.rows()) {
            if (!row.get(at).text().strip().equalsIgnoreCase("DEFAULT")) return false;
        }
        return true;
    }

    /** The key expressions of one VALUES row, which must be parameters or literals. */
    static List<Analysis.SqlExpr> keyExpressions(List<Analysis.SqlExpr> values, TableInfo t, List<TableInfo.Column> columns)
            throws SQLException {
        List<Analysis.SqlExpr> keyExprs = new ArrayList<>();
        for (TableInfo.Column k : t.primaryKey()) {
            Analysis.SqlExpr e = values.get(columns.indexOf(k));
            if (e.kind() == Analysis.ExprKind.EXPRESSION) {
                throw CaptureRefusal.of("INSERT with a primary key given by an expression",
                        "the key " + k.name() + " = " + e.text() + " cannot be found again; pass it as a value or parameter");
            }
            keyExprs.add(e);
        }
        return keyExprs;
    }

    /** The columns an INSERT names (all the table's when it names none); an unknown one is refused. */
    static List<TableInfo.Column> insertColumns(List<String> names, TableInfo t) throws SQLException {
        if (names.isEmpty()) {
            return t.columns();
        }
        List<TableInfo.Column> out = new ArrayList<>();
        for (String name : names) {
            TableInfo.Column col = t.column(name);
            if (col == null) {
                throw CaptureRefusal.of("INSERT naming an unknown column", "column " + name + " is not in " + t.ledgerName());
            }
            out.add(col);
        }
        return out;
    }
}
